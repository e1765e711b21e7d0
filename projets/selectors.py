"""Reads of projects for the public pages and for the leaders' space ("Mon espace")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, QuerySet

from chantiers.models import Chantier, Participation
from projets.filters import ProjectFilter
from projets.models import JoinRequest, Project, ProjectQuerySet
from projets.permissions import join_requests_decidable_by, projects_editable_by

if TYPE_CHECKING:
    from portal.types import Visitor


def project_list_queryset() -> ProjectQuerySet:
    return (
        Project.objects.public()
        .select_related("province")
        .prefetch_related("types")
        .order_by("name")
    )


def project_filter(*, data: Any) -> ProjectFilter:
    """The FilterSet over public projects; its ``qs`` ignores invalid fields (see its errors)."""
    return ProjectFilter(data=data or None, queryset=project_list_queryset())


def project_detail_queryset() -> QuerySet[Project]:
    return (
        Project.objects.public()
        .select_related("province")
        .prefetch_related(
            "types",
            "partners",
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("chantier").order_by(
                    "chantier__order"
                ),
            ),
        )
    )


# --- Mon espace -------------------------------------------------------------------------------


def projects_led_by(*, user: Visitor) -> ProjectQuerySet:
    """The projects this person leads (is a member of), for their dashboard."""
    if not user.is_authenticated:
        return Project.objects.none()
    return (
        Project.objects.filter(memberships__user=user).select_related("province").order_by("name")
    )


def project_edit_queryset(*, user: Visitor) -> ProjectQuerySet:
    """The projects whose page this person may edit, with what the edit form shows."""
    return (
        projects_editable_by(user)
        .select_related("province")
        .prefetch_related("types", Prefetch("participations", queryset=Participation.objects.all()))
    )


def chantiers_for_participation() -> list[Chantier]:
    """Every chantier a project can take part in (active ones) or be interested in (candidates),
    in their order: one query."""
    return list(
        Chantier.objects.filter(
            status__in=[Chantier.Status.ACTIVE, Chantier.Status.CANDIDATE]
        ).order_by("order", "title")
    )


def join_requests_to_decide(*, user: Visitor) -> QuerySet[JoinRequest]:
    """Pending requests this person may approve or decline, oldest first."""
    return (
        join_requests_decidable_by(user)
        .select_related("project", "user")
        .order_by("created_at", "pk")
    )


def join_requests_of(*, user: Visitor) -> QuerySet[JoinRequest]:
    """This person's own requests to join projects, newest first."""
    if not user.is_authenticated:
        return JoinRequest.objects.none()
    return (
        JoinRequest.objects.filter(user=user)
        .select_related("project")
        .order_by("-created_at", "-pk")
    )
