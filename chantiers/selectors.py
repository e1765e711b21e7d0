"""Reads of chantiers and their news, composed with what each page needs loaded."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate

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
from territoires.models import Province

if TYPE_CHECKING:
    from portal.types import Visitor


def chantier_list(*, candidates: bool = False) -> QuerySet[Chantier]:
    """Active chantiers (or candidate ones), with the counts their cards show."""
    base = Chantier.objects.candidates() if candidates else Chantier.objects.active()
    return base.annotate(
        step_count=Count("steps", distinct=True),
        project_count=Count("participations", distinct=True),
    )


# What a chantier's page shows of each list at most; the whole list is a link away (the
# échéancier and the project list filtered by the chantier, the resources' open data).
CHANTIER_RESOURCES = 8
CHANTIER_STEPS = 12
CHANTIER_PROJECTS = 12


def _count(model: type[Any]) -> Subquery:
    rows = model.objects.filter(chantier=OuterRef("pk")).order_by().values("chantier")
    return Subquery(rows.annotate(n=Count("pk")).values("n"), output_field=IntegerField())


def chantier_detail_queryset() -> QuerySet[Chantier]:
    """Chantiers with their partners, the first of their resources, steps and participating
    projects (sliced prefetches, one query each whatever the number of rows:
    ``first_resources``, ``first_steps``, ``first_participations``), and how many there are
    (``*_count``)."""
    # Typed Any: django-stubs 5.2 cannot infer Prefetch's generic parameters from a str.
    lookups: list[Any] = [
        Prefetch(
            "resources",
            queryset=Resource.objects.select_related("provider")[:CHANTIER_RESOURCES],
            to_attr="first_resources",
        ),
        Prefetch("steps", queryset=step_queryset()[:CHANTIER_STEPS], to_attr="first_steps"),
        Prefetch("partnerships", queryset=Partnership.objects.select_related("organisation")),
        Prefetch(
            "participations",
            queryset=Participation.objects.select_related("project__province").order_by(
                "-role", "project__name"
            )[:CHANTIER_PROJECTS],
            to_attr="first_participations",
        ),
    ]
    return Chantier.objects.prefetch_related(*lookups).annotate(
        resource_count=Coalesce(_count(Resource), 0),
        step_count=Coalesce(_count(Step), 0),
        participation_count=Coalesce(_count(Participation), 0),
    )


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
    return (
        step_queryset(now)
        .select_related("chantier")
        .filter(Q(chantier__status=Chantier.Status.ACTIVE), Q(effective_status__in=open_statuses))
        .annotate(
            under_way_first=under_way_first,
            known_start=Coalesce("start_date", TruncDate("event__start")),
        )
        .order_by(
            "under_way_first",
            F("known_start").asc(nulls_last=True),
            "chantier__order",
            "chantier__title",
            "order",
            "pk",
        )[:limit]
    )


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
