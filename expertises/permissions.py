"""Who may see and change needs, offers and workshop proposals: the one place.

Leaders of a project (and staff, through ``projects_editable_by``) change its needs and offers;
every signed-in member sees needs. A need belongs to a province (or to all of Wallonia), and
the one province policy (``ProvincePolicy``) says who oversees it: staff everywhere, territorial
officers in their provinces. The matches of a need are for its leaders and those who oversee
it; the board lists the open needs one oversees.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.db.models import Q, QuerySet

from events.permissions import is_event_staff
from expertises.models import Need, NeedQuerySet, Offer
from projets.permissions import is_project_staff, projects_editable_by
from territoires.permissions import ProvincePolicy

if TYPE_CHECKING:
    from portal.types import Visitor

need_policy: ProvincePolicy[Need] = ProvincePolicy(
    model=Need, staff_permission="expertises.change_need"
)


def needs_visible_to(user: Visitor) -> NeedQuerySet:
    """Needs are for signed-in members and staff, never for anonymous visitors."""
    if not user.is_authenticated:
        return Need.objects.none()
    return Need.objects.all()


def needs_editable_by(user: Visitor) -> NeedQuerySet:
    """The needs of the projects this person leads (all of them for staff)."""
    return Need.objects.filter(project__in=projects_editable_by(user))


def offers_editable_by(user: Visitor) -> QuerySet[Offer]:
    return Offer.objects.filter(project__in=projects_editable_by(user))


def can_edit_need(user: Visitor, need: Need) -> bool:
    return needs_editable_by(user).filter(pk=need.pk).exists()


def needs_overseen_by(user: Visitor) -> NeedQuerySet:
    """The needs of the provinces this person follows as an officer; all of them for staff.

    A Wallonia-wide need (no province) is overseen by staff alone.
    """
    return cast(NeedQuerySet, need_policy.manageable(user))


def needs_answerable_by(user: Visitor) -> NeedQuerySet:
    """The needs whose matches this person sees and may mark answered: those of the projects
    they lead, and those they oversee (the same rule as ``can_see_need_matches``)."""
    if not user.is_authenticated:
        return Need.objects.none()
    return Need.objects.filter(
        Q(pk__in=needs_overseen_by(user).values("pk")) | Q(project__in=projects_editable_by(user))
    )


def can_see_need_matches(user: Visitor, need: Need) -> bool:
    """The leaders of the need's project, staff, and the officers of the need's province."""
    if need_policy.can_manage(user, need):
        return True
    return can_edit_need(user, need)


def can_see_need_board(user: Visitor) -> bool:
    """Staff, and the officers of some province (the board shows what they oversee)."""
    return need_policy.can_create(user)


def can_manage_proposals(user: Visitor) -> bool:
    """Staff schedule a workshop proposal as an event, or set it aside."""
    if not user.is_authenticated:
        return False
    return is_project_staff(user) or is_event_staff(user)


def can_propose_workshop(user: Visitor) -> bool:
    return bool(user.is_authenticated and user.is_active)
