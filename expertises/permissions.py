"""Who may see and change needs, offers and workshop proposals: the one place.

Leaders of a project (and staff, through ``projects_editable_by``) change its needs and offers;
every signed-in member sees needs; the matches of a need are for its leaders and staff.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from events.permissions import is_event_staff
from expertises.models import Need, NeedQuerySet, Offer
from projets.permissions import is_project_staff, projects_editable_by

User = Any  # portal.models.User or AnonymousUser


def needs_visible_to(user: User) -> NeedQuerySet:
    """Needs are for signed-in members and staff, never for anonymous visitors."""
    if not user.is_authenticated:
        return Need.objects.none()
    return Need.objects.all()


def needs_editable_by(user: User) -> NeedQuerySet:
    """The needs of the projects this person leads (all of them for staff)."""
    return Need.objects.filter(project__in=projects_editable_by(user))


def offers_editable_by(user: User) -> QuerySet[Offer]:
    return Offer.objects.filter(project__in=projects_editable_by(user))


def can_edit_need(user: User, need: Need) -> bool:
    return needs_editable_by(user).filter(pk=need.pk).exists()


def can_see_need_matches(user: User, need: Need) -> bool:
    """The leaders of the need's project and staff."""
    if is_project_staff(user):
        return True
    return can_edit_need(user, need)


def can_see_need_board(user: User) -> bool:
    return is_project_staff(user)


def can_manage_proposals(user: User) -> bool:
    """Staff schedule a workshop proposal as an event, or set it aside."""
    if not user.is_authenticated:
        return False
    return is_project_staff(user) or is_event_staff(user)


def can_propose_workshop(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)
