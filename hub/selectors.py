"""Reads of provinces for the public pages."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from events.models import Event
from territoires.models import Province
from territoires.selectors import officers_prefetch


def province_list() -> QuerySet[Province]:
    """The provinces with their counts and their officers (names only reach the page)."""
    return Province.objects.prefetch_related(officers_prefetch()).annotate(
        project_count=Count("projects", filter=~Q(projects__status="withdrawn"), distinct=True),
        event_count=Count(
            "events",
            filter=Q(events__status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED]),
            distinct=True,
        ),
    )
