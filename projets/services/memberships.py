"""Who leads a project: staff add and remove leaders (the admin's door); a leader also joins by
a request approved (``join_requests``). Either way the person is told by email once."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.mail import email_queue_template
from projets.models import JoinRequest, Membership, Project
from projets.permissions import is_project_staff

User = Any  # portal.models.User


def _check_staff(by: User) -> None:
    if not is_project_staff(by):
        raise PermissionDenied(_("Seule la Cellule Manger Demain désigne les porteur·euses."))


def membership_added_notify(*, membership: Membership) -> None:
    """Tell the new leader what they may do now, with the links (once per membership)."""
    project = membership.project
    email_queue_template(
        to=membership.user.email,
        template="membership_added",
        context={
            "project": project,
            "person": membership.user,
            "espace_url": f"{settings.SITE_URL}{reverse('espace:home')}",
            "edit_url": settings.SITE_URL
            + reverse("espace_projets:project_edit", kwargs={"slug": project.slug}),
        },
        key=f"membership-{membership.pk}-added",
    )


@transaction.atomic
def membership_add(*, by: User, project: Project, user: User) -> Membership | None:
    """Make ``user`` a leader of ``project`` and tell them; None when they already were.

    A request of theirs to join this project, still pending, is approved by the same act, so
    that no leader is asked to decide it afterwards.
    """
    _check_staff(by)
    if not user.is_active:
        raise ValidationError(
            _("Le compte %(user)s est désactivé : réactivez-le d'abord.") % {"user": user},
            code="inactive",
        )
    if project.status == Project.Status.WITHDRAWN:
        raise ValidationError(
            _("Le projet « %(project)s » a été retiré : il n'a plus de porteur·euses.")
            % {"project": project.name},
            code="withdrawn",
        )
    if Membership.objects.filter(project=project, user=user).exists():
        return None
    try:
        with transaction.atomic():
            membership = Membership.objects.create(project=project, user=user)
    except IntegrityError:  # the same person added twice at the same moment
        return None
    JoinRequest.objects.pending().filter(project=project, user=user).update(
        status=JoinRequest.Status.APPROVED,
        decided_by=by,
        decided_at=timezone.now(),
        updated_at=timezone.now(),
    )
    membership_added_notify(membership=membership)
    return membership


@transaction.atomic
def membership_remove(*, by: User, membership: Membership) -> bool:
    """The person no longer leads the project (their page edits stay in its history)."""
    _check_staff(by)
    deleted, _rows = Membership.objects.filter(pk=membership.pk).delete()
    return bool(deleted)
