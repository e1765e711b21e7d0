"""When a news page changes by time alone, for the shared page cache (``portal.page_cache``):
a news item scheduled for later comes out."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db.models import QuerySet

from chantiers.models import News
from portal.prepared_lists import prepared_list

# Two moments far apart, for checking which parameter of the statement follows ``now``.
_SAMPLES = (
    (datetime(2001, 2, 3, 10, 11, 12, 131415, tzinfo=UTC),),
    (datetime(2012, 11, 23, 20, 21, 22, 232425, tzinfo=UTC),),
)


def _first_scheduled(now: datetime) -> QuerySet[News]:
    after = News.objects.filter(published_at__gt=now).order_by("published_at")
    return after.values_list("published_at")[:1]  # type: ignore[return-value]


def next_news_change(now: datetime) -> datetime | None:
    """The first publication after ``now`` (a statement compiled once: it runs after each
    write, when the page cache's version changes)."""
    rows = prepared_list("chantiers.next_news_change", _first_scheduled, samples=_SAMPLES)
    found = rows.tuples(now)
    return found[0][0] if found else None
