"""The seats behind the registration services (``events.services.registrations``): the event's
lock, a seat taken or freed, the waiting list's promotions, a registration's status moved.

No overbooking, on PostgreSQL and on SQLite. Every service runs in one transaction that first
locks the event row (``SELECT … FOR NO KEY UPDATE`` on PostgreSQL; on SQLite the IMMEDIATE
transactions of our settings already let one writer in at a time), so the checks that count
rows (already registered, cap per project, next in line) see what the previous writer
committed. A seat is taken by one conditional ``UPDATE … SET seats_taken = seats_taken + 1
WHERE seats_taken < capacity``; no row updated means the event is full and the person joins
the waiting list. The check constraint ``seats_taken <= capacity`` and the unique constraint
(event, user) are the last line. The lock also gives the waiting list its order: the
registrations are stamped (``waiting_since``) one after the other, in commit order.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from events.models import Event, Registration
from events.notifications import registration_email_queue
from portal.models import User
from portal.prepared import prepared_select, prepared_update
from portal.signals import rows_changed

logger = logging.getLogger(__name__)

# What taking or freeing a seat writes (``rows_changed``: the caches that show it follow).
SEATS = ("seats_taken",)


def _lock_event(pk: int, *, registration_of: User | None = None) -> Event:
    """The event as committed now, locked until the end of the transaction.

    NO KEY UPDATE: it serialises the registration services of this event without blocking the
    foreign-key checks of rows that merely point at it. With ``registration_of``, the same
    query tells whether that person has a registration row (``existing_registration``: its
    pk or None), so that a first registration reads nothing more.
    """
    if registration_of is None:
        return Event.objects.select_for_update(no_key=True).get(pk=pk)
    # Every registration runs it: compiled once per process (``portal.prepared``).
    statement = prepared_select("events.lock_event_for", _lock_rows)
    event = statement.get(pk, registration_of.pk)
    if event is None:
        raise Event.DoesNotExist
    return event


def _lock_public_event(slug: str, *, registration_of: User) -> Event:
    """As ``_lock_event``, the public event of that slug (the registration form's POST, whose
    view reads no event of its own); Event.DoesNotExist if there is none."""
    statement = prepared_select("events.lock_public_event_for", _lock_public_rows)
    event = statement.get(slug, registration_of.pk)
    if event is None:
        raise Event.DoesNotExist
    return event


def _locked_with_registration(rows: QuerySet[Event], user_pk: Any) -> QuerySet[Event]:
    return rows.select_for_update(no_key=True).annotate(
        existing_registration=Subquery(
            Registration.objects.filter(event_id=OuterRef("pk"), user_id=user_pk).values("pk")[:1]
        )
    )


def _lock_rows(pk: Any, user_pk: Any) -> QuerySet[Event]:
    return _locked_with_registration(Event.objects.filter(pk=pk), user_pk)


def _lock_public_rows(slug: Any, user_pk: Any) -> QuerySet[Event]:
    return _locked_with_registration(Event.objects.public().filter(slug=slug), user_pk)


def _seat_rows(event_pk: int, *, unless_waiting: bool) -> QuerySet[Event]:
    rows = Event.objects.filter(
        Q(capacity__isnull=True) | Q(seats_taken__lt=F("capacity")), pk=event_pk
    )
    if unless_waiting:
        rows = rows.exclude(
            Exists(
                Registration.objects.filter(
                    event_id=OuterRef("pk"), status=Registration.Status.WAITING
                )
            )
        )
    return rows


def _take_seat(event_pk: int, *, unless_waiting: bool = False) -> bool:
    """One seat, if one is free (always with unlimited capacity): one conditional UPDATE.

    ``unless_waiting``: not while someone is on the waiting list (they come first), in the
    same statement, so that a newcomer's common case costs no read of the list. That form,
    run by every registration, is compiled once per process (``portal.prepared``).
    """
    if not unless_waiting:
        taken = bool(
            _seat_rows(event_pk, unless_waiting=False).update(seats_taken=F("seats_taken") + 1)
        )
    else:
        statement = prepared_update(
            "events.take_seat",
            lambda pk: _seat_rows(pk, unless_waiting=True),
            {"seats_taken": F("seats_taken") + 1},
        )
        taken = bool(statement.execute(event_pk))
    if taken:  # the seat count pages show (a conditional UPDATE sends no post_save)
        rows_changed.send(sender=Event, fields=SEATS)
    return taken


def _release_seat(event_pk: int) -> None:
    released = Event.objects.filter(pk=event_pk, seats_taken__gt=0).update(
        seats_taken=F("seats_taken") - 1
    )
    rows_changed.send(sender=Event, fields=SEATS)
    if not released:
        logger.error("Event %s: a confirmed registration ended but no seat was taken.", event_pk)


def _projects_at_cap(event: Event) -> Any:
    """The projects that already have ``project_cap`` confirmed registrations (a subquery)."""
    return (
        Registration.objects.filter(
            event=event, status=Registration.Status.CONFIRMED, project__isnull=False
        )
        .order_by()
        .values("project")
        .annotate(confirmed=Count("pk"))
        .filter(confirmed__gte=event.project_cap)
        .values("project")
    )


def _next_in_line(event: Event) -> Registration | None:
    """The first on the waiting list who may take a seat.

    Someone whose project already has ``project_cap`` confirmed people keeps their place but
    is passed over until one of them cancels: otherwise a promotion would break the cap.
    """
    waiting = Registration.objects.filter(event=event).waiting().select_related("user")
    if event.project_cap is not None:
        waiting = waiting.exclude(project__in=_projects_at_cap(event))
    candidate = waiting.first()
    if candidate is not None:
        candidate.event = event
    return candidate


def _fill_free_seats(event: Event, now: Any) -> list[Registration]:
    """Promote the first in line while seats are free; the event must be locked."""
    if event.status != Event.Status.PUBLISHED or event.start <= now:
        return []  # nobody is offered a seat at a cancelled or started event
    promoted: list[Registration] = []
    while (candidate := _next_in_line(event)) is not None:
        if not _take_seat(event.pk):
            break
        if not _change_status(candidate, Registration.Status.CONFIRMED, waiting_since=None):
            _release_seat(event.pk)  # no longer waiting: only without the event's lock
            continue
        registration_email_queue(candidate, "promoted")
        promoted.append(candidate)
    return promoted


def _change_status(registration: Registration, status: str, **values: Any) -> bool:
    """Move the row from the status read to ``status``, only if no one moved it meanwhile.

    The event's lock already serialises the services; this conditional UPDATE keeps each
    transition single even for a path that would forget the lock. Updates the object too.
    """
    values = {"status": status, "updated_at": timezone.now(), **values}
    changed = Registration.objects.filter(pk=registration.pk, status=registration.status).update(
        **values
    )
    if changed:
        rows_changed.send(sender=Registration)
        for name, value in values.items():
            setattr(registration, name, value)
    return bool(changed)
