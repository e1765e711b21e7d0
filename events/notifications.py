"""Emails about events sent to their registrants: confirmations, the waiting list and promotions
with their invitations, reminders, changes, cancellations.

Every message goes through the durable outbox (``portal.mail``) with a key, so that a task that
runs twice, or a transaction retried, queues nothing twice. Reminders are found by a query for
what is due (run by beat every 15 minutes), never scheduled ahead with a Celery ``eta``: Redis
redelivers such tasks after its visibility timeout, and a moved event would keep the old time.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.db.models import F, Q
from django.utils.translation import gettext as _

from events.calendar import event_invitation, invitation_content_type
from events.models import Event, Registration
from events.selectors import registration_waiting_position
from portal.mail import Attachment, email_queue_template

BRUSSELS = ZoneInfo("Europe/Brussels")
# The morning reminder leaves at this Brussels wall-clock hour on the day of the event.
MORNING_REMINDER_HOUR = 8

REMINDER_DAYS_BEFORE = "days_before"
REMINDER_MORNING = "morning"

# The fields whose change moves the event in its registrants' calendars (and raises SEQUENCE).
CHANGE_FIELDS = ("start", "end", "time_to_be_confirmed", "venue", "address", "online_url")


def _change_labels() -> dict[str, str]:
    return {
        "start": _("la date ou l'heure de début"),
        "end": _("l'heure de fin"),
        "time_to_be_confirmed": _("l'horaire"),
        "venue": _("le lieu"),
        "address": _("l'adresse"),
        "online_url": _("le lien de la réunion en ligne"),
    }


# --- Invitation ------------------------------------------------------------------------------


def _invitation(event: Event, *, cancelled: bool = False) -> Attachment:
    return Attachment(
        filename="invitation.ics",
        content=event_invitation(event, cancelled=cancelled).decode("utf-8"),
        mimetype=invitation_content_type(event, cancelled=cancelled),
    )


def registration_invitation_attachments(registration: Registration) -> list[Attachment]:
    """The calendar invitation (.ics, METHOD:REQUEST) sent with a confirmation or a promotion."""
    return [_invitation(registration.event)]


# --- Registrations ---------------------------------------------------------------------------


def registration_email_queue(registration: Registration, purpose: str) -> None:
    """``purpose``: confirmed, waiting or promoted (the template ``emails/registration_*``).

    Called by ``events.registrations`` in the transaction that changes the registration.
    """
    event = registration.event
    with_invitation = purpose in {"confirmed", "promoted"}
    email_queue_template(
        to=registration.user.email,
        template=f"registration_{purpose}",
        context={
            "registration": registration,
            "event": event,
            "person": registration.user,
            "position": registration_waiting_position(registration),
        },
        # One per registration round: a new registration after a cancellation is told again,
        # a retried transaction or task is not.
        key=f"registration-{registration.pk}-{purpose}-{registration.times_registered}",
        attachments=registration_invitation_attachments(registration) if with_invitation else [],
    )


# --- Reminders -------------------------------------------------------------------------------


def _morning_of(moment: datetime.datetime) -> datetime.datetime:
    """08:00 in Brussels on the local day of ``moment`` (DST-aware through zoneinfo)."""
    local = moment.astimezone(BRUSSELS)
    return datetime.datetime.combine(
        local.date(), datetime.time(MORNING_REMINDER_HOUR), tzinfo=BRUSSELS
    )


def _next_midnight(moment: datetime.datetime) -> datetime.datetime:
    local = moment.astimezone(BRUSSELS)
    return datetime.datetime.combine(
        local.date() + datetime.timedelta(days=1), datetime.time(0), tzinfo=BRUSSELS
    )


def reminders_due(*, now: datetime.datetime) -> list[tuple[Registration, str]]:
    """Confirmed registrations of published, not yet started events whose reminder is due.

    ``days_before``: from ``start - reminder_days_before days`` until the start. ``morning``:
    from 08:00 Brussels time on the day of the event until its start (an event starting before
    08:00 has none). A reminder goes only to those registered before its moment: someone who
    registers later has just received the confirmation with the same details. When the morning
    reminder is due, the ``days_before`` one is not sent any more (beat stopped for days, or
    ``reminder_days_before`` = 0 or 1 with a late start): one reminder, not two at once.

    Two queries whatever the number of rows: the distinct ``reminder_days_before`` values of
    the events concerned, then the registrations with their event and person. Whether a
    reminder was already sent is the outbox's business (its key), not this function's.
    """
    morning = _morning_of(now)
    morning_window: tuple[datetime.datetime, datetime.datetime] | None = None
    if now >= morning:
        # From now until the end of today (Brussels): these events start today, after 08:00.
        morning_window = (now, _next_midnight(now))

    base = Registration.objects.confirmed().filter(
        event__status=Event.Status.PUBLISHED, event__start__gt=now
    )

    morning_q = Q(pk__in=[])
    if morning_window is not None:
        morning_q = Q(
            event__reminder_on_the_day=True,
            event__start__lt=morning_window[1],
            registered_at__lt=morning,
        )

    # Each distinct number of days gives one exact, database-independent range on start; the
    # values are few (a setting per event), and SQLite cannot multiply a duration in SQL.
    day_values = (
        Event.objects.published()
        .filter(start__gt=now, reminder_days_before__isnull=False)
        .order_by()
        .values_list("reminder_days_before", flat=True)
        .distinct()
    )
    days_q = Q(pk__in=[])
    for days in day_values:
        if days is None:  # excluded by the query; for the type checker
            continue
        delta = datetime.timedelta(days=days)
        days_q |= Q(
            event__reminder_days_before=days,
            event__start__lte=now + delta,
            # registered before the reminder's moment: registered_at < start - days
            event__start__gt=F("registered_at") + delta,
        )
    if morning_window is not None:
        # Superseded by the morning reminder, due at the same time.
        days_q &= ~Q(event__reminder_on_the_day=True, event__start__lt=morning_window[1])

    rows = (
        base.filter(morning_q | days_q)
        .select_related("event", "user")
        .order_by("event__start", "pk")
    )
    due: list[tuple[Registration, str]] = []
    for registration in rows:
        event = registration.event
        if (
            morning_window is not None
            and event.reminder_on_the_day
            and event.start < morning_window[1]
        ):
            if registration.registered_at < morning:
                due.append((registration, REMINDER_MORNING))
        else:
            due.append((registration, REMINDER_DAYS_BEFORE))
    return due


def reminder_key(registration: Registration, kind: str) -> str:
    """One per registration, kind and start time: a moved event gets a new reminder."""
    start = registration.event.start.astimezone(datetime.UTC)
    return f"reminder-{registration.pk}-{kind}-{start:%Y%m%d%H%M}"


def reminders_send(*, now: datetime.datetime) -> int:
    """Queue every reminder due at ``now``; returns how many were queued (0 when run again)."""
    queued = 0
    for registration, kind in reminders_due(now=now):
        email = email_queue_template(
            to=registration.user.email,
            template=f"event_reminder_{kind}",
            context={
                "registration": registration,
                "event": registration.event,
                "person": registration.user,
                "kind": kind,
            },
            key=reminder_key(registration, kind),
        )
        queued += email is not None
    return queued


# --- Changes and cancellations ---------------------------------------------------------------


def _registrants(event: Event) -> list[Registration]:
    """Confirmed and waiting registrants, with their person, in one query."""
    return list(
        Registration.objects.filter(event=event).active().select_related("user").order_by("pk")
    )


def event_changed_notify(*, event: Event, changes: list[str]) -> int:
    """Tell confirmed and waiting registrants that the time or place changed.

    ``changes`` holds field names (``start``, ``venue``…; see ``CHANGE_FIELDS``); other strings
    are shown as they are. Confirmed people receive the updated invitation (same UID, the raised
    SEQUENCE replaces the copy in their calendar); those waiting have none in their calendar and
    receive the notice only. Call it in the transaction that saved the event (the outbox is
    transactional), after ``event.sequence`` was raised: the key includes it, so each change is
    told once. Returns the number of messages queued.
    """
    labels = _change_labels()
    change_labels = [labels.get(change, change) for change in changes]
    invitation = _invitation(event)
    queued = 0
    for registration in _registrants(event):
        registration.event = event
        confirmed = registration.status == Registration.Status.CONFIRMED
        email = email_queue_template(
            to=registration.user.email,
            template="event_changed",
            context={
                "registration": registration,
                "event": event,
                "person": registration.user,
                "changes": change_labels,
                "confirmed": confirmed,
            },
            key=f"event-changed-{event.pk}-{event.sequence}",
            attachments=[invitation] if confirmed else [],
        )
        queued += email is not None
    return queued


def event_cancelled_notify(*, event: Event) -> int:
    """Tell confirmed and waiting registrants that the event is cancelled, once each.

    Confirmed people receive a CANCEL invitation that removes the event from their calendar.
    """
    invitation = _invitation(event, cancelled=True)
    queued = 0
    for registration in _registrants(event):
        registration.event = event
        confirmed = registration.status == Registration.Status.CONFIRMED
        email = email_queue_template(
            to=registration.user.email,
            template="event_cancelled",
            context={
                "registration": registration,
                "event": event,
                "person": registration.user,
                "confirmed": confirmed,
            },
            key=f"event-cancelled-{event.pk}",
            attachments=[invitation] if confirmed else [],
        )
        queued += email is not None
    return queued
