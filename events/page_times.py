"""When an event page changes by time alone, for the shared page cache (``portal.page_cache``):
an event starts or ends (upcoming becomes past, a step carried by it becomes ongoing or done),
or its registration window opens or closes."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Min, Q

from events.models import Event

MOMENTS = ("start", "end", "registration_opens_at", "registration_closes_at")


def next_event_change(now: datetime) -> datetime | None:
    """The first of those moments after ``now``, over every event anyone may see (one query).
    Midnight, when events without an end become past, is the page cache's own boundary."""
    found = Event.objects.public().aggregate(
        **{name: Min(name, filter=Q(**{f"{name}__gt": now})) for name in MOMENTS}
    )
    moments = [moment for moment in found.values() if moment is not None]
    return min(moments) if moments else None
