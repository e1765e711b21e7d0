"""Reads of provinces for the public pages, and the home page's lists."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from chantiers.models import Chantier, News, Step
from chantiers.selectors import chantier_list, news_latest, step_next
from events.models import Event
from events.models.events import start_of_day
from events.selectors import event_public_queryset
from portal.prepared_lists import PreparedList, prepared_list
from territoires.models import Province
from territoires.selectors import officers_prefetch


def province_list() -> QuerySet[Province]:
    """The provinces with their counts and their officers (names only reach the page)."""
    return Province.objects.prefetch_related(officers_prefetch()).annotate(
        project_count=Count("projects", filter=~Q(projects__status="withdrawn"), distinct=True),
        event_count=Count(
            "events",
            filter=Q(events__status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED]),
            distinct=True,
        ),
    )


# --- The home page ----------------------------------------------------------------------------
# Its lists have a fixed shape, read on every cache miss: compiled once per process
# (``portal.prepared_lists``), ``now`` and the start of its day passed as parameters.

# Two moments far apart, for checking which parameters of a statement follow ``now``.
_SAMPLE_NOW = (
    (datetime(2001, 2, 3, 10, 11, 12, 131415, tzinfo=UTC),),
    (datetime(2012, 11, 23, 20, 21, 22, 232425, tzinfo=UTC),),
)


def _at(name: str, build: Callable[[datetime], QuerySet[Any]]) -> PreparedList[Any]:
    return prepared_list(name, build, samples=_SAMPLE_NOW, derive=(start_of_day,))


def home_next_steps(now: datetime) -> list[Step]:
    return _at("hub.home.steps", lambda at: step_next(now=at)).all(now)


def home_upcoming_events(now: datetime, limit: int) -> list[Event]:
    build = lambda at: event_public_queryset().upcoming(at)[:limit]  # noqa: E731
    return _at(f"hub.home.upcoming.{limit}", build).all(now)


def home_recent_events(now: datetime, limit: int) -> list[Event]:
    build = lambda at: event_public_queryset().past(at)[:limit]  # noqa: E731
    return _at(f"hub.home.recent.{limit}", build).all(now)


def home_latest_news(now: datetime) -> list[News]:
    return _at("hub.home.news", lambda at: news_latest(now=at)).all(now)


def home_chantiers() -> list[Chantier]:
    return prepared_list("hub.home.chantiers", chantier_list).all()


def home_provinces() -> list[Province]:
    return prepared_list("hub.home.provinces", Province.objects.all).all()
