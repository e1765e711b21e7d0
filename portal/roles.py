"""The staff group of the Cellule Manger Demain and what it may do in the admin."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

STAFF_GROUP = "Cellule Manger Demain"
# Every model of the portal's own apps; people's accounts can be viewed and changed (to grant
# roles), but only superusers see superuser status, groups and individual permissions.
STAFF_APPS = ("territoires", "projets", "chantiers", "events", "expertises", "newsletter")
STAFF_EXTRA = [
    ("portal", "view_user"),
    ("portal", "change_user"),
    ("portal", "view_outgoingemail"),
    ("portal", "change_outgoingemail"),
]


def staff_permissions() -> Any:
    extra = Q()
    for app_label, codename in STAFF_EXTRA:
        extra |= Q(content_type__app_label=app_label, codename=codename)
    return Permission.objects.filter(Q(content_type__app_label__in=STAFF_APPS) | extra)


def staff_group_ensure(**kwargs: Any) -> Group:
    """Create the group if missing and add any permission it lacks (never removes one that
    a superuser added). Runs after every ``migrate``."""
    group, _ = Group.objects.get_or_create(name=STAFF_GROUP)
    group.permissions.add(*staff_permissions())
    return group
