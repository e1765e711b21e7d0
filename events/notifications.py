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

from events.models import Event, Registration
from portal.mail import email_queue_deferred
from portal.models import OutgoingEmail

BRUSSELS = ZoneInfo("Europe/Brussels")
# The morning reminder leaves at this Brussels wall-clock hour on the day of the event.
MORNING_REMINDER_HOUR = 8

REMINDER_DAYS_BEFORE = "days_before"
REMINDER_MORNING = "morning"

# The fields whose change moves the event in its registrants' calendars (and raises SEQUENCE).
CHANGE_FIELDS = ("start", "end", "time_to_be_confirmed", "venue", "address", "online_url")


def change_labels() -> dict[str, str]:
    return {
        "start": _("la date ou l'heure de début"),
        "end": _("l'heure de fin"),
        "time_to_be_confirmed": _("l'horaire"),
        "venue": _("le lieu"),
        "address": _("l'adresse"),
        "online_url": _("le lien de la réunion en ligne"),
    }


# --- Registrations ---------------------------------------------------------------------------

# The renderers (events.email_renderers) that build these messages when they are sent.
REGISTRATION_RENDERER = "events.registration"
REMINDER_RENDERER = "events.reminder"
CHANGED_RENDERER = "events.changed"
CANCELLED_RENDERER = "events.cancelled"


def registration_email_queue(
    registration: Registration,
    purpose: str,
    *,
    by_organiser: bool = False,
    was_confirmed: bool = False,
) -> None:
    """``purpose``: confirmed, waiting, promoted or cancelled (``emails/registration_*``).

    Called by the registration services (``events.services.registrations`` and its seats) in
    the transaction that changes the registration: one INSERT into the outbox, keyed once per
    registration round (a new registration after a cancellation is told again, a retried
    transaction or task is not). The sender builds the message (with its invitation: REQUEST
    when confirmed or promoted, CANCEL when a confirmed registration is cancelled) from the rows
    as they are then; see events.email_renderers.
    A cancellation keeps what its message needs in its parameters, since the admin may delete
    the row right after.
    """
    user = registration.user
    params: dict[str, object] = {
        "registration": registration.pk,
        "event": registration.event_id,
        "purpose": purpose,
        "round": registration.times_registered,
    }
    if purpose == "cancelled":
        params.update(
            to=user.email,
            name=user.get_full_name(),
            by_organiser=by_organiser,
            was_confirmed=was_confirmed,
        )
    email_queue_deferred(
        to=user.email,
        renderer=REGISTRATION_RENDERER,
        params=params,
        key=f"registration-{registration.pk}-{purpose}-{registration.times_registered}",
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
    """Queue every reminder due at ``now``; returns how many were queued (0 when run again).

    Each is built when it is sent, from the event as it is then, with the current invitation:
    if the event moved or was cancelled meanwhile, the reminder is dropped rather than sent
    with the old details (the moved event has its own reminder, under its new start).
    """
    queued = 0
    for registration, kind in reminders_due(now=now):
        email = email_queue_deferred(
            to=registration.user.email,
            renderer=REMINDER_RENDERER,
            params={
                "registration": registration.pk,
                "event": registration.event_id,
                "kind": kind,
                "start": registration.event.start.astimezone(datetime.UTC).isoformat(),
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


def _changes_still_queued(event: Event) -> dict[str, list[str]]:
    """The changes told by this event's notices not sent yet, per recipient: a newer notice
    supersedes them (they are dropped when their turn comes) and tells them too."""
    pending: dict[str, list[str]] = {}
    for to, params in (
        OutgoingEmail.objects.queued()
        .filter(renderer=CHANGED_RENDERER, params__event=event.pk)
        .values_list("to", "params")
    ):
        pending.setdefault(to.lower(), []).extend(params.get("changes", []))
    return pending


def event_changed_notify(*, event: Event, changes: list[str]) -> int:
    """Tell confirmed and waiting registrants that the time or place changed.

    ``changes`` holds field names (``start``, ``venue``…; see ``CHANGE_FIELDS``). Confirmed
    people receive the updated invitation (same UID, the raised SEQUENCE replaces the copy in
    their calendar); those waiting have none in their calendar and receive the notice only.
    Call it in the transaction that saved the event (the outbox is transactional), after
    ``event.sequence`` was raised: the key includes it, so each change is told once, and a
    notice is sent only while its sequence is the event's (a later change supersedes it and
    says both). Returns the number of messages queued.
    """
    pending = _changes_still_queued(event)
    queued = 0
    for registration in _registrants(event):
        email_address = registration.user.email
        told = list(dict.fromkeys([*pending.get(email_address.lower(), []), *changes]))
        email = email_queue_deferred(
            to=email_address,
            renderer=CHANGED_RENDERER,
            params={
                "registration": registration.pk,
                "event": event.pk,
                "sequence": event.sequence,
                "changes": told,
            },
            key=f"event-changed-{event.pk}-{event.sequence}",
        )
        queued += email is not None
    return queued


def event_cancelled_notify(*, event: Event) -> int:
    """Tell confirmed and waiting registrants that the event is cancelled, once each.

    Confirmed people receive a CANCEL invitation that removes the event from their calendar.
    """
    queued = 0
    for registration in _registrants(event):
        email = email_queue_deferred(
            to=registration.user.email,
            renderer=CANCELLED_RENDERER,
            params={
                "registration": registration.pk,
                "event": event.pk,
                "confirmed": registration.status == Registration.Status.CONFIRMED,
            },
            key=f"event-cancelled-{event.pk}",
        )
        queued += email is not None
    return queued
