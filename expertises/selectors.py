"""Reads of the expertise catalogue for the public pages (list, detail, chantier, province)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from expertises.filters import FacilitatorFilter
from expertises.models import Category, Facilitator, FacilitatorQuerySet, Offer
from portal.prepared_lists import prepared_list
from portal.related_rows import related_in_row, set_related
from projets.models import Project

# The chantier whose page shows a glimpse of the catalogue.
CATALOGUE_CHANTIER_SLUG = "recueil-expertises"


def facilitator_list_queryset() -> FacilitatorQuerySet:
    """Published facilitators with what a catalogue entry shows."""
    return (
        Facilitator.objects.published()
        .select_related("organisation")
        .prefetch_related("categories", "provinces")
        .order_by("name")
    )


def facilitator_filter(*, data: Any) -> FacilitatorFilter:
    """The FilterSet over published facilitators; its ``qs`` ignores invalid fields."""
    return FacilitatorFilter(data=data or None, queryset=facilitator_list_queryset())


def facilitator_detail_queryset() -> FacilitatorQuerySet:
    return facilitator_list_queryset()


def facilitators_covering(*, province: Any) -> FacilitatorQuerySet:
    """Published facilitators working in ``province`` (or in all Wallonia)."""
    return (
        Facilitator.objects.published()
        .covering(province)
        .select_related("organisation")
        .prefetch_related("categories", "provinces")
        .order_by("name")
    )


# What a catalogue entry's card shows of its relations.
_SHOWN = ("categories", "provinces")


def _cards_of(facilitators: QuerySet[Facilitator]) -> QuerySet[Facilitator]:
    """``facilitators``, each with the categories and provinces its card shows in its own row
    (``portal.related_rows``): read by one statement, put in place by ``_cards_loaded``."""
    shown = {f"{name}_rows": related_in_row(Facilitator, name) for name in _SHOWN}
    return facilitators.prefetch_related(None).annotate(**shown)


def _cards_loaded(facilitators: list[Facilitator]) -> list[Facilitator]:
    for name in _SHOWN:
        set_related(facilitators, name, f"{name}_rows")
    return facilitators


def facilitator_highlights(*, limit: int = 6) -> list[Facilitator]:
    """A few catalogue entries, the most recently reviewed first, for the chantier's page
    (read on each of its cache misses): one statement compiled once, each entry with its
    categories and provinces."""

    def build() -> QuerySet[Facilitator]:
        return _cards_of(facilitator_list_queryset()).order_by("-last_reviewed", "name")[:limit]

    return _cards_loaded(prepared_list(f"expertises.highlights.{limit}", build).all())


def facilitators_covering_first(province_pk: int, limit: int) -> list[Facilitator]:
    """The first ``limit`` facilitators working in the province (or in all Wallonia), for its
    page (read on each of its cache misses): one statement compiled once, each entry with its
    categories and provinces."""

    def build(pk: int) -> QuerySet[Facilitator]:
        return _cards_of(facilitators_covering(province=pk))[:limit]

    statement = prepared_list(f"expertises.covering.{limit}", build, samples=((1,), (2,)))
    return _cards_loaded(statement.all(province_pk))


def peer_offer_list(*, category: Category | None = None) -> QuerySet[Offer]:
    """The expertise projects offer to the others ("peer expertise"), of public projects only."""
    offers = Offer.objects.filter(project__in=Project.objects.public()).select_related(
        "project", "category"
    )
    if category is not None:
        offers = offers.filter(category=category)
    return offers.order_by("category__order", "category__name", "project__name", "pk")
