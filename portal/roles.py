"""The staff group of the Cellule Manger Demain, what it may do in the admin, and who grants it.

The staff role is granted and withdrawn by superusers only (the admin's actions call these)."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.models import User

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


def is_last_superuser(user: User) -> bool:
    return (
        user.is_superuser
        and not User.objects.filter(is_superuser=True, is_active=True).exclude(pk=user.pk).exists()
    )


def _log_change(*, by: User, user: User, message: str) -> None:
    LogEntry.objects.log_actions(
        user_id=by.pk, queryset=[user], action_flag=CHANGE, change_message=message
    )


@transaction.atomic
def user_staff_grant(*, by: User, user: User) -> bool:
    """Make a person staff of the Cellule: admin access through the group's permissions.

    Returns False when they already were (nothing changed). Only a superuser may do it.
    """
    if not by.is_superuser:
        raise PermissionDenied(_("Seul·e un·e superutilisateur·rice peut accorder ce rôle."))
    if not user.is_active:
        raise ValidationError(
            _("Le compte %(user)s est désactivé : réactivez-le d'abord.") % {"user": user},
            code="inactive",
        )
    group = staff_group_ensure()
    already = user.is_staff and user.groups.filter(pk=group.pk).exists()
    if already:
        return False
    User.objects.filter(pk=user.pk).update(is_staff=True)
    user.is_staff = True
    user.groups.add(group)
    _log_change(by=by, user=user, message=str(_("Ajouté·e à la Cellule Manger Demain.")))
    return True


@transaction.atomic
def user_staff_revoke(*, by: User, user: User) -> bool:
    """Withdraw the staff role (admin access and the group). Returns False when nothing changed.

    A superuser keeps their status: a superuser must first be demoted by another one, in the
    person's own page, so that nobody locks the last superuser out by a bulk action.
    """
    if not by.is_superuser:
        raise PermissionDenied(_("Seul·e un·e superutilisateur·rice peut retirer ce rôle."))
    if user.is_superuser:
        raise ValidationError(
            _("%(user)s est superutilisateur·rice : retirez d'abord ce statut depuis sa fiche.")
            % {"user": user},
            code="superuser",
        )
    group = staff_group_ensure()
    was = user.is_staff or user.groups.filter(pk=group.pk).exists()
    if not was:
        return False
    User.objects.filter(pk=user.pk).update(is_staff=False)
    user.is_staff = False
    user.groups.remove(group)
    _log_change(by=by, user=user, message=str(_("Retiré·e de la Cellule Manger Demain.")))
    return True
