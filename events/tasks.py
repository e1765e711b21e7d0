"""Celery tasks of the events: the reminders before an event, and the erasure of registration
remarks some time after it."""

from celery import shared_task
from django.utils import timezone


@shared_task(ignore_result=True)
def send_due_reminders() -> int:
    """Queue the reminders due now; returns how many were queued.

    Idempotent: each reminder's outbox key (registration, kind, start time) lets it through
    once, so a second run, or two beats at once, queue nothing more. Run by beat (see
    portal/celery.py) rather than scheduled ahead with ``eta``, which Redis would redeliver.
    """
    from events.notifications import reminders_send

    return reminders_send(now=timezone.now())


@shared_task(ignore_result=True)
def erase_past_registration_remarks() -> int:
    """Blank the remarks (diet, accessibility) of registrations to events long past; returns
    how many. Idempotent: a second run finds none left. Daily, by beat (portal/celery.py)."""
    from events.retention import registration_remarks_erase

    return registration_remarks_erase(now=timezone.now())
