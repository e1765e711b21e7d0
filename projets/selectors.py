"""Reads of projects for the public pages."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from chantiers.models import Participation
from projets.filters import ProjectFilter
from projets.models import Project, ProjectQuerySet


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
