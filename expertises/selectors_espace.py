"""Reads of the signed-in side of the catalogue: needs, offers, the board, proposals.

Kept apart from ``selectors.py`` (the public catalogue's, written at the same time by another
hand) so that neither edit overwrites the other; they may merge once both settle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Case, Count, Prefetch, QuerySet, Value, When

from expertises.forms import NeedFilterForm
from expertises.models import Need, NeedQuerySet, Offer, WorkshopProposal
from expertises.permissions import needs_overseen_by, needs_visible_to
from projets.models import Membership, Project
from projets.permissions import projects_editable_by

if TYPE_CHECKING:
    from portal.types import Visitor


def open_need_list(*, user: Visitor, data: Any) -> tuple[NeedQuerySet, NeedFilterForm]:
    """Open needs this person may see, filtered by category and province (bad values ignored)."""
    form = NeedFilterForm(data or None)
    needs = (
        needs_visible_to(user)
        .open()
        .filter(project__in=Project.objects.public())
        .select_related("project", "category", "province")
        .order_by("-created_at", "pk")
    )
    if form.is_bound:
        form.is_valid()
        cleaned = getattr(form, "cleaned_data", {})
        if cleaned.get("categorie"):
            needs = needs.filter(category=cleaned["categorie"])
        if cleaned.get("province"):
            needs = needs.filter(province=cleaned["province"])
    return needs, form


def project_for_expertise(*, user: Visitor) -> QuerySet[Project]:
    return projects_editable_by(user).select_related("province")


def project_needs(project: Project) -> NeedQuerySet:
    return (
        Need.objects.filter(project=project)
        .select_related("category", "province")
        .order_by("status", "-created_at")
    )


def project_offers(project: Project) -> QuerySet[Offer]:
    return Offer.objects.filter(project=project).select_related("category")


def need_board(*, user: Visitor) -> NeedQuerySet:
    """The open needs this person oversees (all of them for staff), the most urgent first."""
    return (
        needs_overseen_by(user)
        .open()
        .select_related("project", "category", "province")
        .annotate(
            urgency_rank=Case(
                When(urgency=Need.Urgency.HIGH, then=Value(0)),
                When(urgency=Need.Urgency.MEDIUM, then=Value(1)),
                default=Value(2),
            )
        )
        .order_by("urgency_rank", "created_at", "pk")
    )


def proposal_ranking() -> QuerySet[WorkshopProposal]:
    """Proposals, the most supported first, then the most recent; each with its author's
    public projects (``proposed_by.public_memberships``), as the list names the author."""
    return (
        WorkshopProposal.objects.select_related("chantier", "proposed_by", "event")
        .prefetch_related(
            Prefetch(
                "proposed_by__memberships",
                queryset=Membership.objects.filter(project__in=Project.objects.public())
                .select_related("project")
                .order_by("project__name"),
                to_attr="public_memberships",
            )
        )
        .annotate(support_count=Count("supports", distinct=True))
        .order_by("-support_count", "-created_at", "-pk")
    )


def supported_ids(*, user: Visitor) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(user.supports.values_list("proposal_id", flat=True))
