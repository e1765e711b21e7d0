"""Who may see and change projects and decide on requests to join them: the one place."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet

from portal.models import User
from projets.models import JoinRequest, Project, ProjectQuerySet

if TYPE_CHECKING:
    from portal.types import Visitor


def is_project_staff(user: Visitor) -> bool:
    """The Cellule Manger Demain: staff with the right to change projects."""
    return bool(user.is_active and user.is_staff and user.has_perm("projets.change_project"))


def projects_editable_by(user: Visitor) -> ProjectQuerySet:
    if not user.is_authenticated:
        return Project.objects.none()
    if is_project_staff(user):
        return Project.objects.all()
    return Project.objects.filter(memberships__user=user)


def can_edit_project(user: Visitor, project: Project) -> bool:
    return projects_editable_by(user).filter(pk=project.pk).exists()


def can_request_to_join(user: Visitor, project: Project) -> bool:
    if not user.is_authenticated:
        return False
    if project.memberships.filter(user=user).exists():
        return False
    return not project.join_requests.pending().filter(user=user).exists()


def join_requests_decidable_by(user: Visitor) -> QuerySet[JoinRequest]:
    """Pending requests this person may approve or decline (never their own)."""
    if not user.is_authenticated:
        return JoinRequest.objects.none()
    pending = JoinRequest.objects.pending().exclude(user=user)
    if is_project_staff(user):
        return pending
    return pending.filter(project__memberships__user=user)


def can_decide_join_request(user: Visitor, join_request: JoinRequest) -> bool:
    return join_requests_decidable_by(user).filter(pk=join_request.pk).exists()


def project_staff_users() -> QuerySet[User]:
    """The active people for whom ``is_project_staff`` holds: who decides when a project has no
    leader yet. Superusers have every permission; others get it from a group or in person."""
    change_project = Permission.objects.filter(
        content_type__app_label="projets", codename="change_project"
    )
    return (
        User.objects.filter(is_active=True)
        .filter(is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(user_permissions__in=change_project)
            | Q(groups__permissions__in=change_project)
        )
        .distinct()
    )


# --- Proposals of new pistes (candidate chantiers) ----------------------------------------------


def projects_led_by(user: Visitor) -> ProjectQuerySet:
    """The public projects this person leads: those on whose behalf they may propose a piste."""
    if not user.is_authenticated:
        return Project.objects.none()
    return Project.objects.public().filter(memberships__user=user)


def can_propose_piste(user: Visitor) -> bool:
    return bool(user.is_active) and projects_led_by(user).exists()


def can_decide_piste_proposals(user: Visitor) -> bool:
    """Staff of the Cellule review the proposals, in the admin."""
    return bool(user.is_active and user.is_staff and user.has_perm("projets.change_pisteproposal"))
