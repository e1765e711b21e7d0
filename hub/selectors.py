"""Reads of provinces for the public pages, and the lists of the home and province pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from chantiers.models import Chantier, News, Step
from chantiers.selectors import (
    NEWS_LATEST,
    chantier_list,
    news_latest,
    news_public_queryset,
    step_next,
)
from events.models import Event
from events.models.events import start_of_day
from events.selectors import event_public_queryset
from expertises.selectors import facilitators_covering
from portal.counts import first_of
from portal.prepared_lists import PreparedList, Windows, prepared_counts, prepared_list
from projets.models import Project
from projets.selectors import project_list_queryset
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


def home_events(now: datetime, upcoming: int, recent: int) -> tuple[list[Event], list[Event]]:
    """The first ``upcoming`` events to come; when none is, the last ``recent`` ones instead
    (one query: those to come first, then the past ones)."""

    def build(at: datetime) -> QuerySet[Event]:
        return first_of(event_public_queryset().upcoming_then_past(at), max(upcoming, recent))

    events = _at(f"hub.home.events.{upcoming}.{recent}", build).all(now)
    to_come = [event for event in events if event.is_upcoming][:upcoming]  # type: ignore[attr-defined]
    return to_come, ([] if to_come else events[:recent])


def home_latest_news(now: datetime) -> list[News]:
    return _at("hub.home.news", lambda at: news_latest(now=at)).all(now)


def home_chantiers() -> list[Chantier]:
    return prepared_list("hub.home.chantiers", chantier_list).all()


def _home_counted() -> dict[str, QuerySet[Any]]:
    return {"candidates": Chantier.objects.candidates(), "projects": Project.objects.public()}


_HOME_COUNTED = ("candidates", "projects")  # the names of _home_counted, known without building it


def home_counts() -> dict[str, int]:
    """How many candidate chantiers ("pistes") and public projects."""
    return prepared_counts("hub.home.counts", _home_counted).counts()


def _provinces_counting() -> QuerySet[Province]:
    return Province.objects.annotate(
        **{f"{name}_in_all": _count(rows) for name, rows in _home_counted().items()}
    )


def home_provinces_and_counts() -> tuple[list[Province], dict[str, int]]:
    """The provinces, and ``home_counts``: one query, each row carrying both figures (read
    apart only when there is no province)."""
    provinces = prepared_list("hub.home.provinces", _provinces_counting).all()
    if not provinces:
        return provinces, home_counts()
    first = provinces[0]
    return provinces, {name: getattr(first, f"{name}_in_all") for name in _HOME_COUNTED}


# --- A province's page -------------------------------------------------------------------------
# The same reads on every miss, whatever the province: compiled once, the province's slug or id
# and ``now`` passed as parameters.

_SAMPLE_PK_NOW = ((1, _SAMPLE_NOW[0][0]), (2, _SAMPLE_NOW[1][0]))


def _count(rows: QuerySet[Any], *, distinct: bool = False) -> Coalesce:
    """How many rows ``rows`` holds, as a scalar subquery (0 for none); ``distinct`` where
    its joins repeat a row (a DISTINCT count sorts every key)."""
    counted = (
        rows.order_by()
        .annotate(_all=Value(1))
        .values("_all")
        .annotate(n=Count("pk", distinct=distinct))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _province_with_figures(slug: str, now: datetime) -> QuerySet[Province]:
    here = OuterRef("pk")
    projects = project_list_queryset().filter(province=here)
    return Province.objects.filter(slug=slug).annotate(
        project_total=_count(projects),
        located_total=_count(projects.located()),
        facilitator_total=_count(facilitators_covering(province=here)),
        past_total=_count(event_public_queryset().past(now).filter(province=here)),
    )


def province_with_figures(slug: str, now: datetime) -> Province | None:
    """The province, with every figure its page shows (one query): ``project_total``,
    ``located_total``, ``facilitator_total`` and ``past_total`` (its past events)."""
    statement = prepared_list(
        "hub.province.figures",
        _province_with_figures,
        samples=(("a", _SAMPLE_NOW[0][0]), ("b", _SAMPLE_NOW[1][0])),
        derive=(start_of_day,),
    )
    found = statement.all(slug, now)
    return found[0] if found else None


def province_upcoming_events(province_pk: int, now: datetime, limit: int) -> list[Event]:
    def build(pk: int, at: datetime) -> QuerySet[Event]:
        return first_of(event_public_queryset().upcoming(at).filter(province_id=pk), limit)

    statement = prepared_list(
        f"hub.province.upcoming.{limit}", build, samples=_SAMPLE_PK_NOW, derive=(start_of_day,)
    )
    return statement.all(province_pk, now)


def province_past_events(province_pk: int, now: datetime, count: int) -> Windows[Event]:
    """The province's past events, latest first, read a page at a time."""

    def build(pk: int, at: datetime) -> QuerySet[Event]:
        return event_public_queryset().past(at).filter(province_id=pk)

    statement = prepared_list(
        "hub.province.past", build, samples=_SAMPLE_PK_NOW, derive=(start_of_day,), paged=True
    )
    return Windows(
        count, lambda offset, limit: statement.all(province_pk, now, window=(offset, limit))
    )


def province_latest_news(province_pk: int, now: datetime) -> list[News]:
    def build(pk: int, at: datetime) -> QuerySet[News]:
        return news_public_queryset(at).filter(province_id=pk)[:NEWS_LATEST]

    statement = prepared_list(
        "hub.province.news", build, samples=_SAMPLE_PK_NOW, derive=(start_of_day,)
    )
    return statement.all(province_pk, now)
