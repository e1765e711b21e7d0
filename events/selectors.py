"""Reads of events for the public pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from events.filters import EventFilter
from events.models import Event, EventQuerySet


def event_public_queryset() -> EventQuerySet:
    return Event.objects.public().select_related("province", "chantier")


def event_filter(*, data: Any) -> EventFilter:
    """The FilterSet over public events; its ``qs`` ignores invalid fields (see its errors)."""
    return EventFilter(data=data or None, queryset=event_public_queryset())


def event_list_upcoming(*, limit: int | None = None) -> QuerySet[Event]:
    events = event_public_queryset().upcoming()
    return events[:limit] if limit else events


def event_list_recent(*, limit: int | None = None) -> QuerySet[Event]:
    events = event_public_queryset().past()
    return events[:limit] if limit else events


def event_detail_queryset() -> QuerySet[Event]:
    return event_public_queryset().select_related("organiser").prefetch_related("steps__chantier")
