"""Redis is optional at run time: with a real Redis stopped, then frozen (SIGSTOP), every
journey of the site works, on PostgreSQL, and the process pays at most one failed call.

Each test starts its own redis-server (``tests.workers.redis_process``) and points the cache
(``portal.cache.ResilientRedisCache``) and this process's Celery broker at it; the machine's
shared Redis is never stopped, frozen or flushed. Latency with Redis frozen against gunicorn is
measured by ``make bench`` (bench/redis_outage.py), not asserted here.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from http import HTTPStatus
from pathlib import Path

import pytest
import redis
from allauth.account.models import EmailAddress
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from events.models import Registration
from newsletter.models import Subscriber
from portal import circuit
from portal.cache import ResilientRedisCache, shared_call
from portal.models import OutgoingEmail
from tests.chantiers.factories import ChantierFactory
from tests.events.factories import EventFactory
from tests.portal.factories import UserFactory
from tests.workers import RedisProcess, broker, redis_process, requires_services

pytestmark = [
    pytest.mark.services,
    requires_services,
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "correct horse battery staple"
PAGES = ["/", "/chantiers/", "/projets/", "/evenements/", "/lettre/", "/compte/login/"]


@pytest.fixture
def own_redis(tmp_path: Path, settings) -> Iterator[RedisProcess]:
    """A private Redis behind the cache and this process's broker, with fresh breakers."""
    with redis_process(tmp_path) as server, broker(server.url):
        settings.CACHES = {
            "default": {
                "BACKEND": "portal.cache.ResilientRedisCache",
                "LOCATION": server.url,
                "OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
            }
        }
        circuit.reset_all()
        yield server
        circuit.reset_all()


def verified_user(email: str) -> None:
    user = UserFactory(email=email)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)


def journeys(client: Client) -> None:
    """Every door that touches the cache or the broker, as a visitor goes through them."""
    for page in PAGES:
        assert client.get(page).status_code == HTTPStatus.OK, page

    tag = uuid.uuid4().hex[:8]
    # Sign-in (allauth's rate limits count in the cache).
    verified_user(f"membre-{tag}@example.org")
    response = client.post(
        reverse("account_login"), {"login": f"membre-{tag}@example.org", "password": PASSWORD}
    )
    assert response.status_code == HTTPStatus.FOUND, response.content[:500]
    assert response["Location"] == reverse("espace:home")

    # Registration to an event (the confirmation goes to the outbox, then the wake-up).
    event = EventFactory(capacity=5)
    response = client.post(
        reverse("events:register", kwargs={"slug": event.slug}), {"organisation": "Asbl Terre"}
    )
    assert response.status_code == HTTPStatus.FOUND
    registration = Registration.objects.get(event=event)
    assert registration.status == Registration.Status.CONFIRMED
    client.logout()

    # Sign-up (rate limit, then its confirmation email through the outbox).
    response = client.post(
        reverse("account_signup"),
        {"email": f"nouveau-{tag}@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == HTTPStatus.FOUND, response.content[:500]
    assert OutgoingEmail.objects.filter(to=f"nouveau-{tag}@example.org").exists()

    # Password reset.
    response = client.post(
        reverse("account_reset_password"), {"email": f"membre-{tag}@example.org"}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("account_reset_password_done")

    # Newsletter subscription (django-ratelimit in the cache, then the confirmation email).
    response = client.post("/lettre/inscription/", {"email": f"lecteur-{tag}@example.org"})
    assert response.status_code == HTTPStatus.FOUND
    assert Subscriber.objects.filter(email=f"lecteur-{tag}@example.org").exists()


def cache_breaker() -> circuit.CircuitBreaker:
    cache = caches["default"]
    assert isinstance(cache, ResilientRedisCache)
    return cache.breaker


def test_with_redis_healthy_the_journeys_use_it(own_redis: RedisProcess) -> None:
    journeys(Client())

    breaker = cache_breaker()
    assert (breaker.failures, breaker.skipped) == (0, 0)
    # The rate limits and the wake-ups went to this Redis.
    keys = redis.Redis.from_url(own_redis.url).keys("*")
    assert any(b"ratelimit" in key or b"allauth" in key for key in keys), keys
    assert any(b"celery" in key for key in keys), keys


@pytest.mark.parametrize("outage", ["stopped", "frozen"])
def test_with_redis_down_every_journey_works_and_redis_is_asked_once(
    own_redis: RedisProcess, outage: str
) -> None:
    client = Client()
    assert client.get("/compte/login/").status_code == HTTPStatus.OK  # warm connections
    if outage == "stopped":
        own_redis.stop()
    else:
        own_redis.freeze()

    journeys(client)

    # One timeout (or refusal), then the breaker kept every other call away from Redis, the
    # cache's and the broker wake-ups' alike.
    breaker = cache_breaker()
    assert breaker.failures == 1
    assert breaker.skipped >= 10
    # What was to be sent waits in the outbox for the beat sweep.
    assert OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED).count() >= 3


def test_with_redis_frozen_the_rate_limits_still_count_in_the_process(
    own_redis: RedisProcess,
) -> None:
    verified_user("cible@example.org")
    own_redis.freeze()
    client = Client()
    url = reverse("account_login")
    for _attempt in range(5):
        refused = client.post(url, {"login": "cible@example.org", "password": "mauvais"})
        assert "Trop de tentatives" not in refused.text

    # allauth's "5/5m/key" on failed logins: the local counter still says no, even to the
    # right password.
    blocked = client.post(url, {"login": "cible@example.org", "password": PASSWORD})
    assert blocked.status_code == HTTPStatus.OK
    assert "Trop de tentatives de connexion échouées" in blocked.text
    assert cache_breaker().failures == 1


def test_when_redis_answers_again_the_portal_uses_it_after_the_cool_down(
    own_redis: RedisProcess, settings
) -> None:
    settings.REDIS_COOLDOWN_SECONDS = 0.3  # read when the breaker of this new server is made
    cache = caches["default"]
    own_redis.freeze()
    cache.set("avant", 1)  # trips the breaker
    breaker = cache_breaker()
    assert breaker.is_open
    own_redis.thaw()
    cache.set("pendant", 2)  # still within the cool-down: kept in memory
    assert not redis.Redis.from_url(own_redis.url).exists(cache.make_and_validate_key("pendant"))

    # The shared calls (the page cache's) never answer from this memory.
    assert shared_call(cache, "get", "pendant") == (False, None)

    time.sleep(0.4)  # the cool-down ends
    cache.set("apres", 3)  # the probe succeeds and closes the breaker
    assert not breaker.is_open
    assert redis.Redis.from_url(own_redis.url).exists(cache.make_and_validate_key("apres"))
    # What the memory held during the outage is dropped; the shared calls answer again.
    assert cache.get("pendant") is None
    assert shared_call(cache, "get", "apres") == (True, 3)


def test_a_write_while_redis_is_frozen_shows_at_once_and_after_it_answers_again(
    own_redis: RedisProcess, settings
) -> None:
    """Pages are never served from one process's memory (another process's write would not
    reach it), and the version moves when Redis answers again: a page cached before the outage
    is not served after it, though the write's own bump never reached Redis."""
    settings.REDIS_COOLDOWN_SECONDS = 0.3
    chantier = ChantierFactory(title="Chantier avant la panne")
    client = Client()
    assert "Chantier avant la panne" in client.get("/chantiers/").text
    assert client.get("/chantiers/")["X-Page-Cache"] == "hit"

    own_redis.freeze()
    assert "Chantier avant la panne" in client.get("/chantiers/").text  # times out: open
    assert cache_breaker().is_open
    chantier.title = "Chantier pendant la panne"
    chantier.save()  # its version bump never reaches Redis (the breaker skips it)
    for _ in range(2):
        page = client.get("/chantiers/")
        assert "Chantier pendant la panne" in page.text
        assert page.get("X-Page-Cache") != "hit"

    own_redis.thaw()
    time.sleep(0.4)  # the cool-down ends: the next call probes Redis and closes the breaker
    for _ in range(2):
        page = client.get("/chantiers/")
        assert "Chantier pendant la panne" in page.text
    assert not cache_breaker().is_open
    assert client.get("/chantiers/")["X-Page-Cache"] == "hit"
