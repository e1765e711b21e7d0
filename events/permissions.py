"""Who may see and manage events: staff everywhere, territorial officers in their provinces."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from events.models import Event, EventQuerySet
from territoires.models import Province

User = Any  # portal.models.User or AnonymousUser

# Where the ids of the provinces a person follows are kept for the length of a request, the way
# Django's ModelBackend keeps ``_perm_cache``: the buttons of a list ask once, not once per row.
_PROVINCE_IDS_CACHE = "_events_province_ids_cache"


def is_event_staff(user: User) -> bool:
    """The Cellule Manger Demain: staff with the right to change every event."""
    return bool(user.is_active and user.is_staff and user.has_perm("events.change_event"))


def provinces_managed_by(user: User) -> QuerySet[Province]:
    if not user.is_authenticated:
        return Province.objects.none()
    if is_event_staff(user):
        return Province.objects.all()
    return Province.objects.followed_by(user)


def followed_province_ids(user: User) -> frozenset[int]:
    """The provinces this person follows as an officer (one query, then cached on the user)."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, _PROVINCE_IDS_CACHE, None)
    if cached is None:
        cached = frozenset(Province.objects.followed_by(user).values_list("pk", flat=True))
        setattr(user, _PROVINCE_IDS_CACHE, cached)
    return cached


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
    # A subquery, not a join: joined to the officers, a public event of a province followed by
    # several people would come back once per officer.
    return Event.objects.filter(public | Q(province__in=Province.objects.followed_by(user)))


def can_create_event(user: User) -> bool:
    """Staff (a Wallonia-wide event needs no province), or an officer of at least one province."""
    if is_event_staff(user):
        return True
    return bool(followed_province_ids(user))


def can_place_event_in(user: User, province: Province | None) -> bool:
    """Whether this person may attach an event to this province (None: all of Wallonia)."""
    if is_event_staff(user):
        return True
    if province is None:
        return False
    return province.pk in followed_province_ids(user)


def can_manage_event(user: User, event: Event) -> bool:
    """The same rule as events_manageable_by, answered without a query per event."""
    if is_event_staff(user):
        return True
    if event.province_id is None:
        return False
    return event.province_id in followed_province_ids(user)


def can_edit_event(user: User, event: Event) -> bool:
    # Cancelled events stay editable: a note such as « reporté au … » belongs on their page.
    return can_manage_event(user, event)


def can_publish_event(user: User, event: Event) -> bool:
    return event.status == Event.Status.DRAFT and can_manage_event(user, event)


def can_cancel_event(user: User, event: Event) -> bool:
    return (
        event.status == Event.Status.PUBLISHED
        and not event.is_past
        and can_manage_event(user, event)
    )


def can_copy_event(user: User, event: Event) -> bool:
    # The copy lands in the same province, so managing the event is enough; any status will do
    # (copying a cancelled meeting is how it gets rescheduled).
    return can_manage_event(user, event)


@dataclass(frozen=True)
class EventActions:
    """The buttons to offer on one event, each the answer of one function above."""

    edit: bool
    publish: bool
    cancel: bool
    copy: bool

    @property
    def any(self) -> bool:
        return self.edit or self.publish or self.cancel or self.copy


def event_actions(user: User, event: Event) -> EventActions:
    return EventActions(
        edit=can_edit_event(user, event),
        publish=can_publish_event(user, event),
        cancel=can_cancel_event(user, event),
        copy=can_copy_event(user, event),
    )
