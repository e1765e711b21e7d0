"""Reads of provinces for the public pages."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from events.models import Event
from territoires.models import Province


def province_list() -> QuerySet[Province]:
    return Province.objects.annotate(
        project_count=Count("projects", filter=~Q(projects__status="withdrawn"), distinct=True),
        event_count=Count(
            "events",
            filter=Q(events__status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED]),
            distinct=True,
        ),
    )
