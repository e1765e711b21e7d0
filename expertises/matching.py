"""Which catalogue entries and peer offers fit a need, and which open needs a new entry fits.

A fit is the same category and a province in common: a facilitator covering all Wallonia fits
everywhere, a need with no province (Wallonia-wide) fits every facilitator of its category, and
an offer fits when its project has the need's province, no province, or the need has none.
Offers come from other, public projects only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from expertises.models import Facilitator, FacilitatorQuerySet, Need, NeedQuerySet, Offer
from projets.models import Project


def facilitators_for_need(need: Need) -> FacilitatorQuerySet:
    facilitators = Facilitator.objects.published().filter(categories=need.category_id)
    if need.province_id is not None:
        facilitators = facilitators.filter(
            Q(covers_all_wallonia=True) | Q(provinces=need.province_id)
        )
    # A distinct subquery, so that callers may still order and prefetch freely.
    return Facilitator.objects.filter(pk__in=facilitators.values("pk"))


def offers_for_need(need: Need) -> QuerySet[Offer]:
    offers = Offer.objects.filter(
        category_id=need.category_id, project__in=Project.objects.public()
    ).exclude(project_id=need.project_id)
    if need.province_id is not None:
        offers = offers.filter(
            Q(project__province_id=need.province_id) | Q(project__province__isnull=True)
        )
    return offers


def matches_for_need(need: Need) -> tuple[FacilitatorQuerySet, QuerySet[Offer]]:
    """The published facilitators and the peer offers that fit this need."""
    facilitators = (
        facilitators_for_need(need)
        .select_related("organisation")
        .prefetch_related("categories", "provinces")
        .order_by("name")
    )
    offers = (
        offers_for_need(need).select_related("project", "category").order_by("project__name", "pk")
    )
    return facilitators, offers


def needs_for_facilitator(facilitator: Facilitator) -> NeedQuerySet:
    """The open needs a facilitator fits (none while it is not published)."""
    if not facilitator.is_published:
        return Need.objects.none()
    needs = Need.objects.open().filter(category__in=facilitator.categories.all())
    if not facilitator.covers_all_wallonia:
        needs = needs.filter(Q(province__isnull=True) | Q(province__in=facilitator.provinces.all()))
    return needs


def needs_for_offer(offer: Offer) -> NeedQuerySet:
    """The open needs of other projects that an offer fits."""
    if offer.project.status == Project.Status.WITHDRAWN:
        return Need.objects.none()
    needs = (
        Need.objects.open()
        .filter(category_id=offer.category_id)
        .exclude(project_id=offer.project_id)
    )
    if offer.project.province_id is not None:
        needs = needs.filter(Q(province__isnull=True) | Q(province_id=offer.project.province_id))
    return needs


def match_counts(needs: Iterable[Need]) -> dict[int, tuple[int, int]]:
    """``{need.pk: (facilitators, offers)}`` for a page of needs, in three queries whatever
    their number: the catalogue is small, so it is loaded once and matched in Python by the
    same rules as above (tests hold the two in step)."""
    needs = list(needs)
    categories = {need.category_id for need in needs}
    if not needs:
        return {}
    facilitators = list(
        Facilitator.objects.published()
        .filter(categories__in=categories)
        .distinct()
        .prefetch_related("categories", "provinces")
    )
    by_category: dict[int, list[Facilitator]] = defaultdict(list)
    for facilitator in facilitators:
        for category in facilitator.categories.all():
            by_category[category.pk].append(facilitator)
    offers = list(
        Offer.objects.filter(category_id__in=categories, project__in=Project.objects.public())
        .select_related("project")
        .only("pk", "category_id", "project_id", "project__province_id")
    )
    counts: dict[int, tuple[int, int]] = {}
    for need in needs:
        fits = [
            f
            for f in by_category[need.category_id]
            if need.province_id is None
            or f.covers_all_wallonia
            or any(p.pk == need.province_id for p in f.provinces.all())
        ]
        peer = [
            o
            for o in offers
            if o.category_id == need.category_id
            and o.project_id != need.project_id
            and (
                need.province_id is None
                or o.project.province_id is None
                or o.project.province_id == need.province_id
            )
        ]
        counts[need.pk] = (len(fits), len(peer))
    return counts
