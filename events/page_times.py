"""When an event page changes by time alone, for the shared page cache (``portal.page_cache``):
an event starts or ends (upcoming becomes past, a step carried by it becomes ongoing or done),
or its registration window opens or closes."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db.models import Min, QuerySet, Value

from events.models import Event
from portal.prepared_lists import prepared_list

MOMENTS = ("start", "end", "registration_opens_at", "registration_closes_at")
# Two moments far apart, for checking which parameters of the statement follow ``now``.
_SAMPLES = (
    (datetime(2001, 2, 3, 10, 11, 12, 131415, tzinfo=UTC),),
    (datetime(2012, 11, 23, 20, 21, 22, 232425, tzinfo=UTC),),
)


def _first_moments(now: datetime) -> QuerySet[Event]:
    """A row per moment: its first value after ``now`` over the public events (NULL: none).
    Each is the minimum of a range of an index (status, moment), so that it costs a few index
    probes however many events there are (a MIN … FILTER over all four reads every event)."""
    public = Event.objects.public().order_by()
    first = [
        public.filter(**{f"{name}__gt": now})
        .annotate(one=Value(1))  # a constant: no GROUP BY, one row
        .values("one")
        .annotate(moment=Min(name))
        .values_list("moment")
        for name in MOMENTS
    ]
    return first[0].union(*first[1:], all=True)  # type: ignore[return-value]


def next_event_change(now: datetime) -> datetime | None:
    """The first of those moments after ``now``, over every event anyone may see (one query,
    compiled once: it runs after each write, when the page cache's version changes).
    Midnight, when events without an end become past, is the page cache's own boundary."""
    rows = prepared_list("events.next_event_change", _first_moments, samples=_SAMPLES)
    moments = [moment for (moment,) in rows.tuples(now) if moment is not None]
    return min(moments) if moments else None
