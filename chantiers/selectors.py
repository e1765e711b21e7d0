"""Reads of chantiers and their news, composed with what each page needs loaded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from chantiers.filters import NewsFilter, StepFilter
from chantiers.models import (
    Chantier,
    News,
    NewsQuerySet,
    Participation,
    Partnership,
    Resource,
    Step,
)
from chantiers.timeline import Timeline, build_timeline
from portal.counts import first_of, first_rows_queryset, rows_and_total
from portal.prepared_lists import prepared_list
from territoires.models import Province

if TYPE_CHECKING:
    from portal.types import Visitor

M = TypeVar("M", bound=Model)


def chantier_list(*, candidates: bool = False) -> QuerySet[Chantier]:
    """Active chantiers (or candidate ones), with the counts their cards show."""
    base = Chantier.objects.candidates() if candidates else Chantier.objects.active()
    # Counted apart (a scalar subquery each), not by joining steps and participations together:
    # that join holds steps × participations rows per chantier.
    return base.annotate(
        step_count=_count_of(Step.objects.filter(chantier_id=OuterRef("pk"))),
        project_count=_count_of(Participation.objects.filter(chantier_id=OuterRef("pk"))),
    )


def _count_of(rows: QuerySet[Any]) -> Coalesce:
    counted = rows.order_by().values("chantier_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


# What a chantier's page shows of each list at most; the whole list is a link away (the
# échéancier and the project list filtered by the chantier, the resources' open data).
CHANTIER_RESOURCES = 8
CHANTIER_STEPS = 12
CHANTIER_PROJECTS = 12


def chantier_get(*, slug: str) -> Chantier | None:
    """The chantier at ``slug``, what a page needs before its parts (title, status), with its
    partners (``partners``: its partnerships in their order, each with its organisation's
    name, acronym and website): one query, a row per partner, since there are a few at most."""
    statement = prepared_list("chantiers.by_slug", _chantier_by_slug, samples=(("a",), ("b",)))
    rows: list[Any] = statement.all(slug)
    if not rows:
        return None
    chantier = rows[0]
    chantier.partners = [_partnership(chantier, row) for row in rows if row.partner_id is not None]
    return chantier


_PARTNERSHIP_FIELDS = ("id", "organisation_id", "role", "order")
_ORGANISATION_FIELDS = ("id", "name", "acronym", "website")


def _chantier_by_slug(slug: str) -> QuerySet[Chantier]:
    return (
        Chantier.objects.filter(slug=slug)
        .annotate(
            **{f"partner_{name}": F(f"partnerships__{name}") for name in _PARTNERSHIP_FIELDS},
            **{
                f"partner_org_{name}": F(f"partnerships__organisation__{name}")
                for name in _ORGANISATION_FIELDS
            },
        )
        .order_by("partnerships__order", "partnerships__pk")
    )


def _partnership(chantier: Chantier, row: Chantier) -> Partnership:
    """A partnership from its row of ``_chantier_by_slug``: the other fields of its
    organisation are deferred (read if ever asked for)."""
    values = [getattr(row, f"partner_{name}") for name in _PARTNERSHIP_FIELDS]
    partnership = Partnership.from_db(
        row._state.db, ["chantier_id", *_PARTNERSHIP_FIELDS], [chantier.pk, *values]
    )
    partnership.chantier = chantier
    organisation_model = Partnership._meta.get_field("organisation").related_model
    partnership.organisation = organisation_model.from_db(  # type: ignore[union-attr,assignment]
        row._state.db,
        list(_ORGANISATION_FIELDS),
        [getattr(row, f"partner_org_{name}") for name in _ORGANISATION_FIELDS],
    )
    return partnership


# The lists of a chantier's page have a fixed shape, read on every cache miss: compiled once
# per process (``portal.prepared_lists``), with two sample sets of arguments (a chantier's id,
# and now) to check which parameters follow them.
_SAMPLE_NOW = (
    datetime(2001, 2, 3, 10, 11, 12, 131415, tzinfo=UTC),
    datetime(2012, 11, 23, 20, 21, 22, 232425, tzinfo=UTC),
)
SAMPLE_IDS = ((1,), (2,))
SAMPLE_IDS_NOW = ((1, _SAMPLE_NOW[0]), (2, _SAMPLE_NOW[1]))


def _resources(chantier_id: int) -> QuerySet[Resource]:
    resources = Resource.objects.filter(chantier_id=chantier_id).select_related("provider")
    return first_rows_queryset(resources, CHANTIER_RESOURCES)


def _steps(chantier_id: int) -> QuerySet[Step]:
    # Each step's status is worked out in Python (Step.status_at): the same rule as
    # StepQuerySet.with_current_status, without a parameter for now.
    steps = Step.objects.filter(chantier_id=chantier_id).select_related("event")
    return first_rows_queryset(steps, CHANTIER_STEPS)


def _partnerships(chantier_id: int) -> QuerySet[Partnership]:
    return Partnership.objects.filter(chantier_id=chantier_id).select_related("organisation")


def _participations(chantier_id: int) -> QuerySet[Participation]:
    participations = (
        Participation.objects.filter(chantier_id=chantier_id)
        .select_related("project__province")
        .order_by("-role", "project__name")
    )
    return first_rows_queryset(participations, CHANTIER_PROJECTS)


def _news(chantier_id: int, now: datetime) -> QuerySet[News]:
    return news_public_queryset(now).filter(chantier_id=chantier_id)[:NEWS_LATEST]


class ChantierPage:
    """What a chantier's page shows besides the chantier itself, each part read at its first
    use (one query each, whatever the number of rows, compiled once per process): a page part
    served from the shared fragments reads nothing. Each list is capped, with how many there
    are in all."""

    def __init__(self, chantier: Chantier, *, now: datetime) -> None:
        self.chantier = chantier
        self.now = now

    def _read(self, name: str, build: Callable[[int], QuerySet[M]]) -> list[M]:
        return prepared_list(f"chantiers.page.{name}", build, samples=SAMPLE_IDS).all(
            self.chantier.pk
        )

    @cached_property
    def _resources(self) -> tuple[list[Resource], int]:
        return rows_and_total(self._read("resources", _resources))

    @property
    def resources(self) -> list[Resource]:
        return self._resources[0]

    @property
    def resource_count(self) -> int:
        return self._resources[1]

    @cached_property
    def _steps(self) -> tuple[list[Step], int]:
        steps = self._read("steps", _steps)
        for step in steps:
            step.chantier = self.chantier
        return rows_and_total(steps)

    @cached_property
    def timeline(self) -> Timeline:
        return build_timeline(self._steps[0], today=timezone.localdate(self.now))

    @property
    def step_count(self) -> int:
        return self._steps[1]

    @property
    def steps_shown(self) -> int:
        return len(self._steps[0])

    @cached_property
    def partnerships(self) -> list[Partnership]:
        partners = getattr(self.chantier, "partners", None)  # read with it by chantier_get
        return self._read("partnerships", _partnerships) if partners is None else partners

    @cached_property
    def _participations(self) -> tuple[list[Participation], int]:
        return rows_and_total(self._read("participations", _participations))

    @property
    def participations(self) -> list[Participation]:
        return self._participations[0]

    @property
    def participation_count(self) -> int:
        return self._participations[1]

    @cached_property
    def latest_news(self) -> list[News]:
        statement = prepared_list("chantiers.page.news", _news, samples=SAMPLE_IDS_NOW)
        return statement.all(self.chantier.pk, self.now)


# --- Steps (the échéancier) -------------------------------------------------------------------


def step_queryset(now: datetime | None = None) -> QuerySet[Step]:
    """Steps with the status they show (``effective_status``) and the event that carries them."""
    return Step.objects.with_current_status(now).select_related("event")


def step_filter(*, data: Any) -> StepFilter:
    """The FilterSet of the échéancier over every chantier's steps, grouped by chantier; its
    ``qs`` ignores invalid fields (see its errors)."""
    steps = step_queryset().select_related("chantier").order_by("chantier", "order", "pk")
    return StepFilter(data=data or None, queryset=steps)


# What the home page shows of the échéancier before linking to it.
NEXT_STEPS = 6


def step_next(*, limit: int = NEXT_STEPS, now: datetime | None = None) -> QuerySet[Step]:
    """The échéancier's next steps across the active chantiers: what is under way first, then
    what is planned or postponed, earliest known date first, undated last; never what is done
    or cancelled (whatever the date, so the home page always has something to show)."""
    open_statuses = [Step.Status.ONGOING, Step.Status.PLANNED, Step.Status.POSTPONED]
    # Q(): the annotation is unknown to the type checker's model of Step.
    under_way_first = Case(
        When(Q(effective_status=Step.Status.ONGOING), then=Value(0)), default=Value(1)
    )
    steps = (
        step_queryset(now)
        .select_related("chantier")
        .filter(Q(chantier__status=Chantier.Status.ACTIVE), Q(effective_status__in=open_statuses))
        .annotate(
            under_way_first=under_way_first,
            # The event's day only where a step has no date of its own and an event: the
            # conversion is a function call per row on SQLite, and most steps need none.
            known_start=Coalesce(
                "start_date",
                Case(When(Q(event__start__isnull=False), then=TruncDate("event__start"))),
            ),
        )
        .order_by(
            "under_way_first",
            F("known_start").asc(nulls_last=True),
            "chantier__order",
            "chantier__title",
            "order",
            "pk",
        )
    )
    return first_of(steps, limit)


# --- News ("actualités") -----------------------------------------------------------------------

# How many news items the home, chantier and province pages show before linking to the list.
NEWS_LATEST = 3
# How many items a feed carries.
NEWS_FEED_ITEMS = 30


def news_public_queryset(now: datetime | None = None) -> NewsQuerySet:
    """Published news (not drafts, not scheduled ones), newest first, with their links loaded."""
    return (
        News.objects.published(now)
        .select_related("chantier", "province")
        .order_by("-published_at", "-pk")
    )


def news_filter(*, data: Any) -> NewsFilter:
    """The FilterSet over published news; its ``qs`` ignores invalid fields (see its errors)."""
    return NewsFilter(data=data or None, queryset=news_public_queryset())


def news_latest(
    *,
    chantier: Chantier | None = None,
    province: Province | None = None,
    limit: int = NEWS_LATEST,
    now: datetime | None = None,
) -> QuerySet[News]:
    news = news_public_queryset(now)
    if chantier is not None:
        news = news.about_chantier(chantier)
    if province is not None:
        news = news.about_province(province)
    return news[:limit]


def news_feed_items(
    *, chantier: Chantier | None = None, province: Province | None = None
) -> QuerySet[News]:
    """What a feed carries: the latest published items (only the columns a feed prints), of
    one chantier or one province (as the province page and the list's filter show them)."""
    news = News.objects.published().order_by("-published_at", "-pk")
    if chantier is not None:
        news = news.about_chantier(chantier)
    if province is not None:
        news = news.about_province(province)
    return news.only("title", "slug", "summary", "published_at", "updated_at")[:NEWS_FEED_ITEMS]


def news_manage_sections(*, user: Visitor) -> dict[str, QuerySet[News]]:
    """The sections of « Mes actualités »: drafts, then scheduled and published items."""
    from chantiers.permissions import news_manageable_by

    news = news_manageable_by(user).select_related("province", "chantier")
    return {
        "drafts": news.drafts().order_by("-updated_at", "-pk"),
        "published": news.filter(published_at__isnull=False).order_by("-published_at", "-pk"),
    }
