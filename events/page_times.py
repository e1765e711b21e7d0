"""When an event page changes by time alone, for the shared page cache (``portal.page_cache``):
an event starts or ends (upcoming becomes past, a step carried by it becomes ongoing or done),
or its registration window opens or closes."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db.models import Min, Q, QuerySet, Value

from events.models import Event
from portal.prepared_lists import prepared_list

MOMENTS = ("start", "end", "registration_opens_at", "registration_closes_at")
# Two moments far apart, for checking which parameters of the statement follow ``now``.
_SAMPLES = (
    (datetime(2001, 2, 3, 10, 11, 12, 131415, tzinfo=UTC),),
    (datetime(2012, 11, 23, 20, 21, 22, 232425, tzinfo=UTC),),
)


def _first_moments(now: datetime) -> QuerySet[Event]:
    # One row whatever the events: the aggregates without a GROUP BY (a constant is no group).
    moments = {name: Min(name, filter=Q(**{f"{name}__gt": now})) for name in MOMENTS}
    found = Event.objects.public().order_by().values(one=Value(1)).annotate(**moments)
    return found.values_list(*MOMENTS)  # type: ignore[return-value]


def next_event_change(now: datetime) -> datetime | None:
    """The first of those moments after ``now``, over every event anyone may see (one query,
    compiled once: it runs after each write, when the page cache's version changes).
    Midnight, when events without an end become past, is the page cache's own boundary."""
    rows = prepared_list("events.next_event_change", _first_moments, samples=_SAMPLES)
    moments = [moment for row in rows.tuples(now) for moment in row if moment is not None]
    return min(moments) if moments else None
