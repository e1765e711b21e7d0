"""Proof that a page's query count does not grow with its rows."""

from collections.abc import Callable
from http import HTTPStatus

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal import page_cache


def count_queries(client: Client, url: str) -> int:
    """The queries of a page built afresh (a page served from the shared cache makes none).
    The next change by time is computed once per content version, by the first miss after a
    write: computed here beforehand, as it is for every later miss."""
    page_cache.version_bump()
    page_cache.next_change(timezone.now())
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    return len(context.captured_queries)


def assert_constant_queries(
    client: Client, url: Callable[[], str] | str, grow: Callable[[int], object], *, base: int = 2
) -> int:
    """Load the page with ``base`` rows of everything, then ten times more: same count."""
    grow(base)
    target = url if isinstance(url, str) else url()
    client.get(target)  # warm caches that are not per-row (content types, sessions)
    small = count_queries(client, target)
    grow(base * 9)
    large = count_queries(client, target)
    assert small == large, f"{target}: {small} queries with {base} rows, {large} with {base * 10}"
    return large
