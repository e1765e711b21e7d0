"""The beat scheduler: the schedule in memory, every entry due at start, one beat at a time.

- In memory: Celery's default scheduler keeps its last-run times in a file (celerybeat-schedule),
  state on the local disk that a container loses anyway. Every periodic task here is
  idempotent, so the times need not survive a restart.
- Due at start: instead of waiting one full period after a (re)start, beat sends every entry
  at once (15 minutes for the reminders, a day for the purge): a fresh `make run` sends a due
  reminder within seconds, and a redeploy delays nothing.
- One at a time: with Redis, beat sends only while it holds the lock ``LOCK_KEY`` (renewed at
  every tick, at least every CELERY_BEAT_MAX_LOOP_INTERVAL seconds, and expiring three ticks
  later). A second beat, started by mistake or during a redeploy, waits on standby and takes
  over only once the first has stopped. The embedded default (filesystem broker, one machine)
  starts one beat and has no lock.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from typing import Any

import redis
from celery import beat

logger = logging.getLogger(__name__)

LOCK_KEY = "portal:beat:leader"


class Scheduler(beat.Scheduler):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.ident = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.leading: bool | None = None  # not known before the first tick
        self._redis: redis.Redis | None = None
        super().__init__(*args, **kwargs)

    def setup_schedule(self) -> None:
        super().setup_schedule()
        now = self.app.now()
        for entry in self.schedule.values():
            run_every = getattr(entry.schedule, "run_every", None)
            if run_every is not None:
                entry.last_run_at = now - run_every  # due now

    # --- One beat at a time -----------------------------------------------------------------

    @property
    def lock_ttl_ms(self) -> int:
        return int(self.max_interval * 3 * 1000)

    def _client(self) -> redis.Redis | None:
        url = self.app.conf.broker_url or ""
        if not url.startswith(("redis://", "rediss://")):
            return None
        if self._redis is None:
            self._redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        return self._redis

    def _lead(self) -> bool:
        """Take or renew the lock; whether this beat may send now."""
        client = self._client()
        if client is None:
            return True
        try:
            if client.set(LOCK_KEY, self.ident, nx=True, px=self.lock_ttl_ms):
                leading = True
            elif client.get(LOCK_KEY) == self.ident.encode():
                client.pexpire(LOCK_KEY, self.lock_ttl_ms)
                leading = True
            else:
                leading = False
        except redis.RedisError as exc:
            logger.warning("Beat cannot reach Redis for its lock (%s): sends nothing.", exc)
            leading = False
        if leading != self.leading:
            if leading:
                logger.info("Beat %s holds the lock: it sends the periodic tasks.", self.ident)
            else:
                logger.warning("Another beat holds the lock: %s waits on standby.", self.ident)
            self.leading = leading
        return leading

    def tick(self, *args: Any, **kwargs: Any) -> float:
        if not self._lead():
            return float(self.max_interval)
        return float(super().tick(*args, **kwargs))

    def close(self) -> None:
        client = self._client()
        if client is not None and self.leading:  # only the holder releases the lock
            try:
                if client.get(LOCK_KEY) == self.ident.encode():
                    client.delete(LOCK_KEY)
            except redis.RedisError:
                pass  # it expires by itself
        super().close()
