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


# --- The officers' space and the detail page seen through a person's rights -------------------


def event_detail_queryset_for(*, user: Any) -> QuerySet[Event]:
    """The detail page's queryset, starting from what this person may see (drafts they manage)."""
    from events.permissions import events_visible_to

    return (
        events_visible_to(user)
        .select_related("province", "chantier", "organiser")
        .prefetch_related("steps__chantier")
    )


def event_manage_queryset(*, user: Any) -> EventQuerySet:
    """Every event this person manages, with what the list of their space shows."""
    from events.permissions import events_manageable_by

    return events_manageable_by(user).select_related("province", "chantier")


def event_manage_sections(*, user: Any) -> dict[str, EventQuerySet]:
    """The sections of « Mes événements »: drafts, upcoming and past published, cancelled."""
    events = event_manage_queryset(user=user)
    return {
        "drafts": events.filter(status=Event.Status.DRAFT).order_by("start", "pk"),
        "upcoming": events.published().upcoming().order_by("start", "pk"),
        "past": events.published().past().order_by("-start", "pk"),
        "cancelled": events.filter(status=Event.Status.CANCELLED).order_by("-start", "pk"),
    }
