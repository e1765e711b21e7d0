"""The cache backend for Redis: Django's RedisCache behind the Redis circuit breaker.

Django's RedisCache re-raises connection errors and timeouts, so with Redis stopped or hung the
cache-backed rate limits (allauth's sign-in, sign-up and password reset, the newsletter form)
answered 500, and every call to a hung Redis cost a socket timeout. Here a failed call trips
the breaker (``portal.circuit``) and is answered from a memory cache of this process, as is every
call during the cool-down.

Rate limits thus degrade to a local, per-process counter rather than open: a password-spraying
client is still slowed down (by at most the number of web processes times the limit), and the
limiter's lock (allauth takes one with ``cache.add``) keeps working, where a cache that fails
open would make allauth wait for its lock on every request. What the memory cache held is
dropped when Redis answers again; nothing the portal keeps in the cache must survive an outage.
"""

from __future__ import annotations

from typing import Any

import redis
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

from portal.circuit import CircuitBreaker, breaker_closed, breaker_for

# What a stopped Redis (refused), a hung one (timeout) or a broken connection raise.
REDIS_DOWN = (redis.ConnectionError, redis.TimeoutError, OSError)


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis client builds a new ``redis.Redis`` for every call, and each one fills a
    table of about 170 response callbacks: a sixth of the CPU of a page served from the cache.
    Here one ``redis.Redis`` per connection pool serves every call of the process (it is
    thread-safe: each command takes a connection from the pool and gives it back)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class ResilientRedisCache(RedisCache):
    """RedisCache whose calls go through the breaker and fall back to a per-process LocMemCache."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self.breaker: CircuitBreaker = breaker_for(self._servers[0])  # type: ignore[attr-defined]
        fallback_params = {k: v for k, v in params.items() if k not in ("OPTIONS", "LOCATION")}
        # One memory cache per server and process (LocMemCache shares its store by name).
        self.fallback = LocMemCache(f"redis-fallback:{self.breaker.name}", fallback_params)

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        if self.breaker.allow():
            try:
                result = getattr(RedisCache, method)(self, *args, **kwargs)
            except REDIS_DOWN as exc:
                self.breaker.failure(exc)
            else:
                self.breaker.success()
                return result
        return getattr(self.fallback, method)(*args, **kwargs)

    def shared(self, method: str, *args: Any, **kwargs: Any) -> tuple[bool, Any]:
        """Redis's own answer, never this process's memory: ``(False, None)`` when Redis cannot
        answer (the breaker open, or the call failing). For what other processes must see the
        same: the page cache and its version (a version kept in one process's memory would
        let the others serve pages that a write of this process changed)."""
        if not self.breaker.allow():
            return False, None
        probe = self.breaker.is_open
        try:
            result = getattr(RedisCache, method)(self, *args, **kwargs)
        except REDIS_DOWN as exc:
            self.breaker.failure(exc)
            return False, None
        self.breaker.success()
        if probe:
            # This call closed the breaker: its answer was read before the versions were bumped
            # (``breaker_closed``), so it may hold an entry that the outage's writes changed.
            return False, None
        return True, result

    def add(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("add", *args, **kwargs)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("get", *args, **kwargs)

    def set(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("set", *args, **kwargs)

    def touch(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("touch", *args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("delete_many", *args, **kwargs)

    def clear(self) -> Any:
        return self._call("clear")


def shared_call(cache: BaseCache, method: str, *args: Any, **kwargs: Any) -> tuple[bool, Any]:
    """``cache.method(...)`` answered by the shared store only: ``(answered, result)``. Any
    cache but ``ResilientRedisCache`` (the embedded default's memory cache: one process) always
    answers."""
    shared = getattr(cache, "shared", None)  # through django.core.cache.cache's proxy too
    if shared is not None:
        return shared(method, *args, **kwargs)  # type: ignore[no-any-return]
    return True, getattr(cache, method)(*args, **kwargs)


def _fallback_drop(sender: CircuitBreaker, **kwargs: Any) -> None:
    """Redis answers again: what this process kept in memory meanwhile is dropped."""
    LocMemCache(f"redis-fallback:{sender.name}", {}).clear()


breaker_closed.connect(_fallback_drop, dispatch_uid="portal.cache.fallback_drop")
