"""Reads of projects for the public pages and for the leaders' space ("Mon espace")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, QuerySet

from chantiers.models import Chantier, Participation
from portal.prepared_lists import Windows, prepared_counts, prepared_list
from portal.related_rows import related_in_row, set_related
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


# --- A page of the list, read by statements compiled once (``portal.prepared_lists``) ----------
# The unfiltered list (its pages are the ones the page cache keeps, built again on every miss)
# and a province's projects have a fixed shape: only the window and the province change.


def _public_projects(province_pk: int | None = None) -> ProjectQuerySet:
    projects = project_list_queryset().prefetch_related(None)
    return projects if province_pk is None else projects.filter(province_id=province_pk)


def _counted(province_pk: int | None = None) -> dict[str, QuerySet[Any]]:
    return {
        "projects": _public_projects(province_pk),
        "located": _public_projects(province_pk).located(),
    }


def project_counts(*, province_pk: int | None = None) -> dict[str, int]:
    """How many public projects (of a province), and how many of them are located."""
    if province_pk is None:
        return prepared_counts("projets.counts", _counted).counts()
    statement = prepared_counts("projets.counts.province", _counted, samples=_PK_SAMPLES)
    return statement.counts(province_pk)


_PK_SAMPLES = ((1,), (2,))


def _page_of(province_pk: int | None = None) -> ProjectQuerySet:
    """A page's projects, each with its types in its own row (``portal.related_rows``)."""
    return _public_projects(province_pk).annotate(types_rows=related_in_row(Project, "types"))


def project_page(*, offset: int, limit: int, province_pk: int | None = None) -> list[Project]:
    """The public projects (of a province) in the list's order, from ``offset``, with their
    province and their types loaded: one statement."""
    window = (offset, limit)
    if province_pk is None:
        projects = prepared_list("projets.page", _page_of, paged=True).all(window=window)
    else:
        statement = prepared_list(
            "projets.page.province", _page_of, samples=_PK_SAMPLES, paged=True
        )
        projects = statement.all(province_pk, window=window)
    set_related(projects, "types", "types_rows")
    return projects


def project_pages(*, count: int, province_pk: int | None = None) -> Windows[Project]:
    """The public projects (of a province) as a paginator's object list, read a page at a time
    by ``project_page`` (``count``: how many there are, read beforehand)."""

    def fetch(offset: int, limit: int) -> list[Project]:
        return project_page(offset=offset, limit=limit, province_pk=province_pk)

    return Windows(count, fetch)


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
