"""Publishing a task to the broker without letting a dead or hung broker hold the request.

Tasks that the portal sends from a request only wake a worker up: the work itself is in the
database (the outbox, an issue being sent) and a beat sweep does it if the wake-up is lost. So a
broker error is logged and swallowed, and the Redis breaker (``portal.circuit``, shared with the
cache) skips publishing altogether for a cool-down after one failure, instead of paying the
socket timeout on every request.
"""

from __future__ import annotations

import logging
from typing import Any

from kombu.exceptions import OperationalError

from portal.circuit import breaker_for

logger = logging.getLogger(__name__)

# What .delay() raises when Redis is stopped, and after the socket timeout when it hangs
# (measured with kombu 5.7). Nothing wider: with tasks in-process .delay() runs the task
# itself, and its own errors must show, not pass for a broker outage.
BROKER_DOWN = OperationalError


def task_publish(task: Any, *args: Any) -> bool:
    """``task.delay(*args)`` unless the broker is known to be down; True if it was sent."""
    app = task.app
    # In-process tasks (tests) use no broker, hence no breaker.
    breaker = None if app.conf.task_always_eager else breaker_for(app.conf.broker_url or "")
    if breaker is not None and not breaker.allow():
        logger.info("Broker skipped (cool-down): %s left for the periodic sweep.", task.name)
        return False
    try:
        task.delay(*args)
    except BROKER_DOWN as exc:
        if breaker is not None:
            breaker.failure(exc)
        logger.warning(
            "Broker unreachable; %s left for the periodic sweep.", task.name, exc_info=True
        )
        return False
    if breaker is not None:
        breaker.success()
    return True
