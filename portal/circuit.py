"""A circuit breaker per Redis server, shared by the cache and the broker wake-ups.

A stopped Redis refuses at once, but a hung one (SIGSTOP, a full network buffer) makes every
call wait its socket timeout: paid on each cache call and each wake-up, that stalls sync web
workers and then the whole site (measured: page reads at p95 20 s). After one connection error
or timeout the breaker opens: callers skip Redis (the cache answers from a per-process memory
cache, wake-ups are left to the beat sweep) for ``cooldown`` seconds. Then one caller probes
Redis again (the others keep skipping meanwhile); success closes the breaker, failure opens it
for another cool-down. State is per process: each web or worker process pays at most one
timeout per cool-down.
"""

from __future__ import annotations

import logging
import threading
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.dispatch import Signal

logger = logging.getLogger(__name__)

# Seconds a process leaves Redis alone after a failure (settings.REDIS_COOLDOWN_SECONDS).
DEFAULT_COOLDOWN = 30.0

# Sent (sender=the breaker) when Redis answers again after the breaker opened: what this process
# wrote meanwhile (a cache version bumped) went to its memory only, so the caches' owners write
# it to Redis again, and the memory cache is dropped.
breaker_closed = Signal()


class CircuitBreaker:
    """Closed (calls go through), open (calls skip until the cool-down ends), half-open (one
    probe in flight; the others still skip). Thread-safe."""

    def __init__(self, name: str, *, cooldown: float) -> None:
        self.name = name
        self.cooldown = cooldown
        self._lock = threading.Lock()
        self._open_until = 0.0  # monotonic time; 0 when closed
        self._probing = False
        # Counters for ops and tests: failures seen, calls skipped while open.
        self.failures = 0
        self.skipped = 0

    @property
    def is_open(self) -> bool:
        return self._open_until > 0

    def allow(self) -> bool:
        """Whether the caller may use Redis now. When it may after a cool-down, the caller is
        the probe and must report back with ``success()`` or ``failure()``."""
        with self._lock:
            if not self._open_until:
                return True
            if self._probing or time.monotonic() < self._open_until:
                self.skipped += 1
                return False
            self._probing = True
            return True

    def success(self) -> None:
        if not self._open_until:  # the common case, without the lock
            return
        with self._lock:
            closed = bool(self._open_until)
            if closed:
                logger.warning("Redis %s answers again: using it again.", self.name)
            self._open_until = 0.0
            self._probing = False
        if closed:  # outside the lock: receivers call Redis through this breaker
            breaker_closed.send_robust(sender=self)

    def failure(self, exc: BaseException) -> None:
        with self._lock:
            self.failures += 1
            first = not self._open_until
            self._open_until = time.monotonic() + self.cooldown
            self._probing = False
        if first:
            logger.warning(
                "Redis %s unreachable (%s): not asked again for %.0f s; the cache answers from "
                "this process's memory and wake-ups wait for the periodic sweep.",
                self.name,
                exc,
                self.cooldown,
            )

    def reset(self) -> None:
        with self._lock:
            self._open_until = 0.0
            self._probing = False
            self.failures = 0
            self.skipped = 0


_breakers: dict[str, CircuitBreaker] = {}
_registry_lock = threading.Lock()


def server_of(url: str) -> str:
    """The server a Redis (or broker) URL points at, without its database number: the cache
    and the broker on one Redis share one breaker."""
    parts = urlsplit(url)
    if parts.hostname:
        return f"{parts.scheme}://{parts.hostname}:{parts.port or 6379}"
    return f"{parts.scheme}://{parts.path}"


def breaker_for(url: str) -> CircuitBreaker:
    """The breaker of the server behind ``url`` (one per server and process)."""
    name = server_of(url)
    with _registry_lock:
        breaker = _breakers.get(name)
        if breaker is None:
            cooldown = float(getattr(settings, "REDIS_COOLDOWN_SECONDS", DEFAULT_COOLDOWN))
            breaker = _breakers[name] = CircuitBreaker(name, cooldown=cooldown)
        return breaker


def reset_all() -> None:
    """Close every breaker (tests)."""
    with _registry_lock:
        for breaker in _breakers.values():
            breaker.reset()
