"""The one policy for what belongs to a province: staff everywhere, officers in their provinces.

Events, news and the expertise objects that carry a province share it: each resource makes one
``ProvincePolicy`` with its model and the permission that marks its staff, and its own
``permissions`` module answers with it. A Wallonia-wide object (no province) is staff's alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Generic, TypeVar

from django.db import models
from django.db.models import QuerySet

from territoires.models import Province

if TYPE_CHECKING:
    from portal.types import Visitor

M = TypeVar("M", bound=models.Model)

# Where the ids of the provinces a person follows are kept for the length of a request, the way
# Django's ModelBackend keeps ``_perm_cache``: the buttons of a list ask once, not once per row.
_PROVINCE_IDS_CACHE = "_followed_province_ids_cache"


def followed_province_ids(user: Visitor) -> frozenset[int]:
    """The provinces this person follows as an officer (one query, then cached on the user)."""
    if not user.is_authenticated:
        return frozenset()
    cached: frozenset[int] | None = getattr(user, _PROVINCE_IDS_CACHE, None)
    if cached is None:
        cached = frozenset(Province.objects.followed_by(user).values_list("pk", flat=True))
        setattr(user, _PROVINCE_IDS_CACHE, cached)
    return cached


def is_officer(user: Visitor) -> bool:
    """A territorial officer: follows at least one province."""
    return bool(followed_province_ids(user))


class ProvincePolicy(Generic[M]):
    """Who manages the objects of one model that belong to a province (or to all of Wallonia).

    ``staff_permission`` (such as ``"events.change_event"``) marks the Cellule's staff, who
    manage every object; an officer manages the objects of the provinces they follow.
    """

    def __init__(
        self, *, model: type[M], staff_permission: str, province_field: str = "province"
    ) -> None:
        self.model = model
        self.staff_permission = staff_permission
        self.province_field = province_field

    def is_staff(self, user: Visitor) -> bool:
        return bool(user.is_active and user.is_staff and user.has_perm(self.staff_permission))

    def provinces_for(self, user: Visitor) -> QuerySet[Province]:
        """The provinces this person may attach an object to (all of them for staff)."""
        if not user.is_authenticated:
            return Province.objects.none()
        if self.is_staff(user):
            return Province.objects.all()
        return Province.objects.followed_by(user)

    def default_province(self, user: Visitor) -> Province | None:
        """The province a new object starts in: an officer's only province (staff, and officers
        of several provinces, choose; Wallonia-wide is staff's default)."""
        if not user.is_authenticated or self.is_staff(user):
            return None
        provinces = list(Province.objects.followed_by(user)[:2])
        return provinces[0] if len(provinces) == 1 else None

    def manageable(self, user: Visitor) -> QuerySet[M]:
        """Every object of the provinces this person follows (drafts too); all for staff."""
        manager = self.model._default_manager
        if not user.is_authenticated:
            return manager.none()
        if self.is_staff(user):
            return manager.all()
        # A subquery, not a join: joined to the officers, an object of a province followed by
        # several people would come back once per officer.
        return manager.filter(**{f"{self.province_field}__in": Province.objects.followed_by(user)})

    def can_create(self, user: Visitor) -> bool:
        """Staff (a Wallonia-wide object needs no province), or an officer of some province."""
        if not user.is_authenticated:
            return False
        return self.is_staff(user) or is_officer(user)

    def can_place_in(self, user: Visitor, province: Province | None) -> bool:
        """Whether this person may attach an object to this province (None: all of Wallonia)."""
        if not user.is_authenticated:
            return False
        if self.is_staff(user):
            return True
        if province is None:
            return False
        return province.pk in followed_province_ids(user)

    def can_manage(self, user: Visitor, obj: M) -> bool:
        """The same rule as ``manageable``, answered without a query per object."""
        if not user.is_authenticated:
            return False
        if self.is_staff(user):
            return True
        province_id = getattr(obj, f"{self.province_field}_id")
        if province_id is None:
            return False
        return province_id in followed_province_ids(user)
