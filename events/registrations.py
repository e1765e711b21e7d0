"""Registrations to events: capacity, waiting list with automatic promotion, cap per project.

No overbooking, on PostgreSQL and on SQLite. Every service runs in one transaction that first
locks the event row (``SELECT … FOR NO KEY UPDATE`` on PostgreSQL; on SQLite the IMMEDIATE
transactions of our settings already let one writer in at a time), so the checks that count
rows (already registered, cap per project, next in line) see what the previous writer
committed. A seat is taken by one conditional ``UPDATE … SET seats_taken = seats_taken + 1
WHERE seats_taken < capacity``; no row updated means the event is full and the person joins
the waiting list. The check constraint ``seats_taken <= capacity`` and the unique constraint
(event, user) are the last line. The lock also gives the waiting list its order: the
registrations are stamped (``waiting_since``) one after the other, in commit order.

Emails (queued by ``events.notifications``, beside the other event emails) go through the
durable outbox (``portal.mail``) in the same transaction, keyed so that each is queued at most
once per registration round: one INSERT each, the sender builds them (``events.email_renderers``),
so that a registration costs its web worker no template and no calendar file.

Permission checks are the caller's: these services take a person and check the rules of the
event (published, window, not started), not who may act for whom.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events.models import Event, Registration
from events.notifications import registration_email_queue

# Read beside the registrations (callers import it from here).
from events.selectors import registration_waiting_position as registration_waiting_position
from portal.dates import long_date, short_time
from portal.models import User
from portal.prepared import prepared_select, prepared_update
from portal.signals import rows_changed
from projets.models import Membership, Project

logger = logging.getLogger(__name__)


REMARKS_MAX_LENGTH = 1000  # Registration.remarks
ORGANISATION_MAX_LENGTH = 200  # Registration.organisation
# What taking or freeing a seat writes (``rows_changed``: the caches that show it follow).
SEATS = ("seats_taken",)


# --- Seats -----------------------------------------------------------------------------------


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


# --- Services --------------------------------------------------------------------------------


def _when(moment: Any) -> str:
    """« mardi 1er juin 2021 à 14h00 », in Brussels time."""
    return _("%(day)s à %(time)s") % {"day": long_date(moment), "time": short_time(moment)}


def _already_registered(registration: Registration) -> ValidationError:
    if registration.status == Registration.Status.WAITING:
        message = _("Vous êtes déjà inscrit·e sur la liste d'attente de cet événement.")
    else:
        message = _("Vous êtes déjà inscrit·e à cet événement.")
    return ValidationError(message, code="already_registered")


def _check_open(event: Event, now: Any) -> None:
    """Published, not started, inside the registration window."""
    if event.status == Event.Status.CANCELLED:
        raise ValidationError(
            _("Cet événement est annulé : il n'est plus possible de s'y inscrire."),
            code="cancelled",
        )
    if event.status != Event.Status.PUBLISHED:
        raise ValidationError(
            _("Cet événement n'est pas ouvert aux inscriptions."), code="not_published"
        )
    if event.is_past:
        raise ValidationError(_("Cet événement a déjà eu lieu."), code="past")
    if event.start <= now:
        raise ValidationError(
            _("Cet événement a déjà commencé : les inscriptions sont closes."), code="started"
        )
    if event.registration_opens_at and now < event.registration_opens_at:
        raise ValidationError(
            _("Les inscriptions ouvriront le %(when)s.")
            % {"when": _when(event.registration_opens_at)},
            code="not_open_yet",
        )
    if event.registration_closes_at and now >= event.registration_closes_at:
        raise ValidationError(
            _("Les inscriptions sont closes depuis le %(when)s.")
            % {"when": _when(event.registration_closes_at)},
            code="closed",
        )


def _check_coming_for(*, user: User, project: Project | None, organisation: str) -> None:
    if project is None and not organisation:
        raise ValidationError(
            _("Indiquez le projet pour lequel vous venez, ou une autre organisation."),
            code="project_or_organisation",
        )
    if project is not None and organisation:
        raise ValidationError(
            _("Indiquez soit l'un de vos projets, soit une autre organisation, pas les deux."),
            code="project_and_organisation",
        )
    if len(organisation) > ORGANISATION_MAX_LENGTH:
        raise ValidationError(
            _("Le nom de l'organisation ne peut pas dépasser %(max)s caractères.")
            % {"max": ORGANISATION_MAX_LENGTH},
            code="max_length",
        )
    if project is not None and not Membership.objects.filter(user=user, project=project).exists():
        raise ValidationError(
            _(
                "Vous ne faites pas partie du projet « %(project)s » : choisissez l'un de vos "
                "projets ou indiquez une autre organisation."
            )
            % {"project": project.name},
            code="not_a_member",
        )


def _check_project_cap(event: Event, project: Project | None) -> None:
    if project is None or event.project_cap is None:
        return
    confirmed = Registration.objects.filter(
        event=event, project=project, status=Registration.Status.CONFIRMED
    ).count()
    if confirmed >= event.project_cap:
        raise ValidationError(
            ngettext(
                "Ce projet a déjà %(count)s inscrit·e, le maximum pour cet événement.",
                "Ce projet a déjà %(count)s inscrit·es, le maximum pour cet événement.",
                confirmed,
            )
            % {"count": confirmed},
            code="project_cap",
        )


def registration_create(
    *,
    user: User,
    event: Event | None = None,
    public_slug: str | None = None,
    project: Project | None = None,
    organisation: str = "",
    remarks: str = "",
) -> Registration:
    """Register ``user``: confirmed if a seat is free, otherwise at the end of the waiting list.

    Someone who cancelled registers again on the same row, at the end of the list. The event is
    ``event``, or the public event of slug ``public_slug`` (Event.DoesNotExist if none), read by
    the query that locks it: the form's POST reads it once. The registration's ``event`` is the
    locked row.
    """
    if (event is None) == (public_slug is None):
        raise TypeError("registration_create takes event or public_slug")
    try:
        return _register(
            user=user,
            event=event,
            public_slug=public_slug,
            project=project,
            organisation=organisation,
            remarks=remarks,
        )
    except IntegrityError:
        # The unique constraint (event, user), only reachable without the event's lock (a path
        # that skipped it): the other request registered this person. Refused clearly rather
        # than failed, once the transaction is rolled back: no savepoint around the INSERT,
        # which would cost every registration two more round trips while it holds the lock.
        rows = Registration.objects.filter(user=user)
        if event is not None:
            rows = rows.filter(event=event)
        else:
            rows = rows.filter(event__slug=public_slug)
        existing = rows.first()
        if existing is None:
            raise
        raise _already_registered(existing) from None


@transaction.atomic
def _register(
    *,
    user: User,
    event: Event | None,
    public_slug: str | None,
    project: Project | None,
    organisation: str,
    remarks: str,
) -> Registration:
    organisation = organisation.strip()
    remarks = remarks.strip()
    _check_coming_for(user=user, project=project, organisation=organisation)
    if len(remarks) > REMARKS_MAX_LENGTH:
        raise ValidationError(
            _("Les remarques ne peuvent pas dépasser %(max)s caractères (actuellement %(count)s).")
            % {"max": REMARKS_MAX_LENGTH, "count": len(remarks)},
            code="max_length",
        )

    if public_slug is not None:
        event = _lock_public_event(public_slug, registration_of=user)
    else:
        assert event is not None  # registration_create takes one or the other
        event = _lock_event(event.pk, registration_of=user)
    now = timezone.now()
    _check_open(event, now)
    registration = None
    if event.existing_registration is not None:  # type: ignore[attr-defined]
        registration = Registration.objects.get(pk=event.existing_registration)  # type: ignore[attr-defined]
    if registration is not None and registration.status != Registration.Status.CANCELLED:
        raise _already_registered(registration)
    _check_project_cap(event, project)

    confirmed = _take_seat(event.pk, unless_waiting=True)
    if not confirmed and (event.capacity is None or event.seats_taken < event.capacity):
        # Seats free while people wait (the capacity was raised without a promotion): they go
        # to those already waiting before anyone new; then a seat left, if any.
        _fill_free_seats(event, now)
        confirmed = _take_seat(event.pk)
    values: dict[str, Any] = {
        "project": project,
        "organisation": organisation,
        "remarks": remarks,
        "status": Registration.Status.CONFIRMED if confirmed else Registration.Status.WAITING,
        "waiting_since": None if confirmed else now,
        "registered_at": now,
        "attended": None,
        "cancelled_at": None,
        "cancelled_by": None,
    }
    if registration is None:
        # The unique constraint may refuse the row: see registration_create.
        registration = Registration.objects.create(event=event, user=user, **values)
    else:
        values["times_registered"] = registration.times_registered + 1
        if not _change_status(registration, **values):
            raise _already_registered(Registration.objects.get(pk=registration.pk))
    registration.event = event
    registration_email_queue(registration, "confirmed" if confirmed else "waiting")
    return registration


@transaction.atomic
def registration_cancel(
    *, registration: Registration, by: User | None = None
) -> Registration | None:
    """Cancel a registration; a confirmed one frees its seat for the first in line.

    Without ``by`` (or with ``by`` the person themselves), possible until the event starts.
    ``by`` an organiser or staff member cancels on the person's behalf at any time (the caller
    checks that they may). Returns the registration promoted from the waiting list, if any.
    """
    event = _lock_event(registration.event_id)
    current = Registration.objects.select_related("user").get(pk=registration.pk)
    if current.status == Registration.Status.CANCELLED:
        raise ValidationError(_("Cette inscription est déjà annulée."), code="already_cancelled")
    now = timezone.now()
    on_behalf = by is not None and by.pk != current.user_id
    if not on_behalf and event.start <= now:
        raise ValidationError(
            _("L'événement a déjà commencé : l'inscription ne peut plus être annulée."),
            code="started",
        )
    was_confirmed = current.status == Registration.Status.CONFIRMED
    if not _change_status(
        current,
        status=Registration.Status.CANCELLED,
        cancelled_at=now,
        cancelled_by=by if on_behalf else current.user,
        waiting_since=None,
    ):
        raise ValidationError(_("Cette inscription est déjà annulée."), code="already_cancelled")
    # The caller's object shows the cancellation too.
    for name in ("status", "cancelled_at", "cancelled_by_id", "waiting_since", "updated_at"):
        setattr(registration, name, getattr(current, name))
    # Told in every case, with the CANCEL invitation that takes the event out of the calendar
    # when a seat was held (built by the sender from this round's parameters).
    current.event = event
    registration_email_queue(
        current, "cancelled", by_organiser=on_behalf, was_confirmed=was_confirmed
    )
    if was_confirmed:
        _release_seat(event.pk)
    promoted = _fill_free_seats(event, now)
    return promoted[0] if promoted else None


@transaction.atomic
def registrations_promote_waiting(*, event: Event) -> list[Registration]:
    """Give free seats to the waiting list, in order; for after the capacity was raised."""
    event = _lock_event(event.pk)
    return _fill_free_seats(event, timezone.now())


def registration_lock_event(*, event_id: int) -> None:
    """Take the event's lock before a registration row is deleted outside the services, so
    that deletion and promotion lock in the same order as the services (no deadlock)."""
    Event.objects.select_for_update(no_key=True).filter(pk=event_id).values_list("pk").first()


@transaction.atomic
def registration_seat_released(*, event_id: int) -> list[Registration]:
    """A confirmed registration was deleted outside the services: free its seat, promote."""
    try:
        event = _lock_event(event_id)
    except Event.DoesNotExist:
        return []
    _release_seat(event_id)
    return _fill_free_seats(event, timezone.now())
