"""Who may see and manage events: staff everywhere, territorial officers in their provinces."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from django.db.models import Q, QuerySet

from events.models import Event, EventQuerySet
from territoires.models import Province
from territoires.permissions import ProvincePolicy

if TYPE_CHECKING:
    from portal.types import Visitor

policy: ProvincePolicy[Event] = ProvincePolicy(model=Event, staff_permission="events.change_event")


def is_event_staff(user: Visitor) -> bool:
    """The Cellule Manger Demain: staff with the right to change every event."""
    return policy.is_staff(user)


def provinces_managed_by(user: Visitor) -> QuerySet[Province]:
    return policy.provinces_for(user)


def events_manageable_by(user: Visitor) -> EventQuerySet:
    """Every event of the provinces this person follows (drafts too); all of them for staff.

    A Wallonia-wide event (no province) is staff's alone.
    """
    return cast(EventQuerySet, policy.manageable(user))


def events_visible_to(user: Visitor) -> EventQuerySet:
    """What a person may open: public events, and the drafts of the events they manage."""
    public = Q(status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED])
    if not user.is_authenticated:
        return Event.objects.filter(public)
    if is_event_staff(user):
        return Event.objects.all()
    # A subquery, not a join: joined to the officers, a public event of a province followed by
    # several people would come back once per officer.
    return Event.objects.filter(public | Q(province__in=Province.objects.followed_by(user)))


def can_create_event(user: Visitor) -> bool:
    """Staff (a Wallonia-wide event needs no province), or an officer of at least one province."""
    return policy.can_create(user)


def can_place_event_in(user: Visitor, province: Province | None) -> bool:
    """Whether this person may attach an event to this province (None: all of Wallonia)."""
    return policy.can_place_in(user, province)


def can_manage_event(user: Visitor, event: Event) -> bool:
    """The same rule as events_manageable_by, answered without a query per event."""
    return policy.can_manage(user, event)


def can_edit_event(user: Visitor, event: Event) -> bool:
    # Cancelled events stay editable: a note such as « reporté au … » belongs on their page.
    return can_manage_event(user, event)


def can_publish_event(user: Visitor, event: Event) -> bool:
    return event.status == Event.Status.DRAFT and can_manage_event(user, event)


def can_cancel_event(user: Visitor, event: Event) -> bool:
    return (
        event.status == Event.Status.PUBLISHED
        and not event.is_past
        and can_manage_event(user, event)
    )


def can_copy_event(user: Visitor, event: Event) -> bool:
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


def event_actions(user: Visitor, event: Event) -> EventActions:
    return EventActions(
        edit=can_edit_event(user, event),
        publish=can_publish_event(user, event),
        cancel=can_cancel_event(user, event),
        copy=can_copy_event(user, event),
    )
