"""Reads of chantiers, composed with what each page needs loaded."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from chantiers.models import Chantier, Participation, Resource, Step
from events.models import Event


def chantier_list(*, candidates: bool = False) -> QuerySet[Chantier]:
    """Active chantiers (or candidate ones), with the counts their cards show."""
    base = Chantier.objects.candidates() if candidates else Chantier.objects.active()
    return base.annotate(
        step_count=Count("steps", distinct=True),
        project_count=Count("participations", distinct=True),
    )


def chantier_detail_queryset() -> QuerySet[Chantier]:
    """Chantiers with their resources, timeline, participating projects and public events."""
    # Typed Any: django-stubs 5.2 cannot infer Prefetch's generic parameters from a str.
    lookups: list[Any] = [
        Prefetch("resources", queryset=Resource.objects.select_related("provider")),
        Prefetch("steps", queryset=Step.objects.select_related("event")),
        Prefetch(
            "participations",
            queryset=Participation.objects.select_related("project__province").order_by(
                "-role", "project__name"
            ),
        ),
        Prefetch(
            "events",
            queryset=Event.objects.public().select_related("province").order_by("-start"),
            to_attr="public_events",
        ),
    ]
    return Chantier.objects.prefetch_related(*lookups)
