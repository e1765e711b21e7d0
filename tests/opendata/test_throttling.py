"""The API and the downloads are rate-limited per address, and the limit fails open."""

import uuid
from http import HTTPStatus

import pytest
from django.urls import reverse

from opendata.throttling import VisitorRateThrottle

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_a_minute(monkeypatch):
    monkeypatch.setattr(VisitorRateThrottle, "THROTTLE_RATES", {"opendata": "3/minute"})
    # A fresh address per run: counters live in the cache (Redis in CI) for a minute.
    return f"2001:db8::{uuid.uuid4().hex[:4]}"


@pytest.mark.parametrize(
    "url",
    [
        reverse("api:projets-list"),
        reverse("opendata:download_csv", kwargs={"slug": "projets"}),
        reverse("opendata:catalogue"),
    ],
)
def test_past_the_limit_a_429_in_json_with_retry_after(client, three_a_minute, url):
    for _ in range(3):
        assert client.get(url, REMOTE_ADDR=three_a_minute).status_code == HTTPStatus.OK

    response = client.get(url, REMOTE_ADDR=three_a_minute)

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert response["Content-Type"] == "application/json"
    assert int(response["Retry-After"]) > 0
    assert "detail" in response.json()


def test_each_address_has_its_own_count(client, three_a_minute):
    url = reverse("api:provinces-list")
    for _ in range(4):
        client.get(url, REMOTE_ADDR=three_a_minute)

    other = f"2001:db8::{uuid.uuid4().hex[:4]}:1"
    assert client.get(url, REMOTE_ADDR=other).status_code == HTTPStatus.OK


def test_without_a_cache_the_requests_go_through(client, three_a_minute, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(VisitorRateThrottle.cache, "get", broken)

    for _ in range(5):
        response = client.get(reverse("api:provinces-list"), REMOTE_ADDR=three_a_minute)
        assert response.status_code == HTTPStatus.OK
