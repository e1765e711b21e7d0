"""Registrations to events: capacity, waiting list with automatic promotion, cap per project.

No overbooking, on PostgreSQL and on SQLite: every service runs in one transaction that first
locks the event row, and takes a seat with one conditional UPDATE (``events.services.seats``,
which says how); the check constraint ``seats_taken <= capacity`` and the unique constraint
(event, user) are the last line.

Emails (queued by ``events.notifications``, beside the other event emails) go through the
durable outbox (``portal.mail``) in the same transaction, keyed so that each is queued at most
once per registration round: one INSERT each, the sender builds them (``events.email_renderers``),
so that a registration costs its web worker no template and no calendar file.

Permission checks are the caller's: these services take a person and check the rules of the
event (published, window, not started), not who may act for whom.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events.models import Event, Registration
from events.notifications import registration_email_queue

# Read beside the registrations (callers import it from here).
from events.selectors import registration_waiting_position as registration_waiting_position
from events.services.seats import (
    _change_status,
    _fill_free_seats,
    _lock_event,
    _lock_public_event,
    _release_seat,
    _take_seat,
)
from portal.dates import long_date, short_time
from portal.models import User
from projets.models import Membership, Project

REMARKS_MAX_LENGTH = 1000  # Registration.remarks
ORGANISATION_MAX_LENGTH = 200  # Registration.organisation


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
