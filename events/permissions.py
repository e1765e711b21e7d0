"""Who may see and manage events: staff everywhere, territorial officers in their provinces."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from events.models import Event, EventQuerySet
from territoires.models import Province

User = Any  # portal.models.User or AnonymousUser


def is_event_staff(user: User) -> bool:
    """The Cellule Manger Demain: staff with the right to change every event."""
    return bool(user.is_active and user.is_staff and user.has_perm("events.change_event"))


def provinces_managed_by(user: User) -> QuerySet[Province]:
    if not user.is_authenticated:
        return Province.objects.none()
    if is_event_staff(user):
        return Province.objects.all()
    return Province.objects.followed_by(user)


def events_manageable_by(user: User) -> EventQuerySet:
    """Every event of the provinces this person follows (drafts too); all of them for staff.

    A Wallonia-wide event (no province) is staff's alone.
    """
    if not user.is_authenticated:
        return Event.objects.none()
    if is_event_staff(user):
        return Event.objects.all()
    return Event.objects.filter(province__officers=user)


def events_visible_to(user: User) -> EventQuerySet:
    """What a person may open: public events, and the drafts of the events they manage."""
    public = Q(status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED])
    if not user.is_authenticated:
        return Event.objects.filter(public)
    if is_event_staff(user):
        return Event.objects.all()
    return Event.objects.filter(public | Q(province__officers=user))


def can_create_event(user: User) -> bool:
    return provinces_managed_by(user).exists()


def can_manage_event(user: User, event: Event) -> bool:
    return events_manageable_by(user).filter(pk=event.pk).exists()


def can_publish_event(user: User, event: Event) -> bool:
    return event.status == Event.Status.DRAFT and can_manage_event(user, event)


def can_cancel_event(user: User, event: Event) -> bool:
    return (
        event.status == Event.Status.PUBLISHED
        and not event.is_past
        and can_manage_event(user, event)
    )
