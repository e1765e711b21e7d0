"""The Redis circuit breaker and the cache behind it, against a port where no Redis listens
(a stopped Redis: refused at once). A hung and a stopped real Redis: test_redis_outage.py."""

import logging
import time

import pytest
from django.core.cache import caches

from portal import circuit
from portal.cache import ResilientRedisCache
from portal.circuit import CircuitBreaker, breaker_for, server_of
from tests.portal.test_processes import free_port


def test_a_failure_opens_the_breaker_and_callers_skip_until_the_cool_down_ends(caplog):
    breaker = CircuitBreaker("redis://test:1", cooldown=0.2)
    assert breaker.allow()
    with caplog.at_level(logging.WARNING, logger="portal.circuit"):
        breaker.failure(ConnectionError("refused"))
    assert "unreachable" in caplog.text
    assert breaker.is_open
    assert not breaker.allow()
    assert not breaker.allow()
    assert breaker.skipped == 2

    time.sleep(0.25)  # the cool-down is over: one caller probes, the others still skip
    assert breaker.allow()
    assert not breaker.allow()
    breaker.success()
    assert not breaker.is_open
    assert breaker.allow() and breaker.allow()
    assert breaker.failures == 1


def test_a_failed_probe_opens_the_breaker_for_another_cool_down():
    breaker = CircuitBreaker("redis://test:2", cooldown=0.2)
    breaker.failure(TimeoutError("hung"))
    time.sleep(0.25)
    assert breaker.allow()  # the probe
    breaker.failure(TimeoutError("still hung"))
    assert not breaker.allow()
    assert breaker.failures == 2


def test_the_cache_and_the_broker_of_one_redis_share_a_breaker():
    assert server_of("redis://127.0.0.1:6390/3") == server_of("redis://127.0.0.1:6390/0")
    assert breaker_for("redis://127.0.0.1:6390/3") is breaker_for("redis://127.0.0.1:6390")
    assert breaker_for("redis://127.0.0.1:6391/0") is not breaker_for("redis://127.0.0.1:6390/0")


@pytest.fixture
def stopped_redis_cache(settings):
    """The portal's cache backend pointed at a port where nothing listens."""
    url = f"redis://127.0.0.1:{free_port()}/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
        }
    }
    circuit.reset_all()
    cache = caches["default"]
    assert isinstance(cache, ResilientRedisCache)
    yield cache
    circuit.reset_all()


def test_with_redis_stopped_the_cache_counts_in_memory_after_one_failure(stopped_redis_cache):
    cache = stopped_redis_cache
    assert cache.add("compteur", 1, 60) is True
    assert cache.add("compteur", 1, 60) is False  # a local counter: add and incr still work
    assert cache.incr("compteur") == 2
    assert cache.get("compteur") == 2
    cache.set_many({"a": 1, "b": 2})
    assert cache.get_many(["a", "b"]) == {"a": 1, "b": 2}
    cache.delete("a")
    assert not cache.has_key("a")
    # One refused connection; every later call skipped Redis.
    assert cache.breaker.failures == 1
    assert cache.breaker.skipped >= 7


def test_the_redis_cache_reuses_one_client_per_connection_pool() -> None:
    """Django's client builds a redis.Redis per call; ours keeps one per pool (no connection
    is opened here: a client connects on its first command)."""
    import redis

    from portal.cache import ResilientRedisCache

    cache = ResilientRedisCache("redis://127.0.0.1:1/0", {})
    client = cache._cache.get_client()
    assert isinstance(client, redis.Redis)
    assert cache._cache.get_client(write=True) is client
    assert client.connection_pool is cache._cache._get_connection_pool(True)
