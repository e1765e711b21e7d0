"""Deletions that bypass the services still keep the seat count true.

Deleting registrations outside the services (an account deleted, an event deleted by cascade)
must keep ``seats_taken`` equal to the confirmed rows, and lock in the services' order: event
first. Connected in ``EventsConfig.ready``, so that the model module imports no service.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, pre_delete
from django.dispatch import receiver

from events.models import Registration
from events.services import registration_lock_event, registration_seat_released


@receiver(pre_delete, sender=Registration)
def _registration_deleting(
    sender: type[Registration], instance: Registration, **kwargs: Any
) -> None:
    registration_lock_event(event_id=instance.event_id)


@receiver(post_delete, sender=Registration)
def _registration_deleted(
    sender: type[Registration], instance: Registration, **kwargs: Any
) -> None:
    """A confirmed row deleted frees its seat and promotes the next in line."""
    if instance.status != Registration.Status.CONFIRMED:
        return
    registration_seat_released(event_id=instance.event_id)
