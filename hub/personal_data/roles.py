"""The roles staff granted to a person, as shown to them in their space."""

from __future__ import annotations

from dataclasses import dataclass

from portal.models import User
from portal.roles import STAFF_GROUP
from projets.models import JoinRequest, Membership
from territoires.models import Province


@dataclass(frozen=True)
class Roles:
    """What a person may do on the portal, as shown to them in their space."""

    is_staff: bool
    in_cellule: bool
    is_superuser: bool
    memberships: list[Membership]
    provinces: list[Province]
    pending_requests: list[JoinRequest]

    @property
    def is_nobody_yet(self) -> bool:
        return not (self.is_staff or self.memberships or self.provinces)


def user_roles(*, user: User) -> Roles:
    """The roles staff granted to this person (three queries, whatever their number)."""
    return Roles(
        is_staff=user.is_staff,
        in_cellule=user.groups.filter(name=STAFF_GROUP).exists(),
        is_superuser=user.is_superuser,
        memberships=list(
            Membership.objects.filter(user=user).select_related("project").order_by("project__name")
        ),
        provinces=list(Province.objects.followed_by(user)),
        pending_requests=list(
            JoinRequest.objects.pending().filter(user=user).select_related("project")
        ),
    )
