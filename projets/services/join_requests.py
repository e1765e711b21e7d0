"""Requests to join a project as a leader, and their decision by a leader or staff."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.mail import email_queue_template
from portal.models import User
from projets.models import JoinRequest, Membership, Project
from projets.permissions import (
    can_decide_join_request,
    project_staff_users,
)

if TYPE_CHECKING:
    from portal.types import Visitor

logger = logging.getLogger(__name__)


JOIN_MESSAGE_MAX_LENGTH = 1000


def text_too_long(field_name: str, limit: int) -> ValidationError:
    return ValidationError(
        {
            field_name: ValidationError(
                _("Ce texte dépasse %(limit)s caractères : raccourcissez-le."),
                code="max_length",
                params={"limit": limit},
            )
        }
    )


def _espace_url(name: str) -> str:
    return f"{settings.SITE_URL}{reverse(name)}"


def join_request_refusal(*, user: Visitor, project: Project) -> str | None:
    """Why ``join_request_create`` refuses this person for this project; None if it would not.

    The same conditions as ``projets.permissions.can_request_to_join``, each with its reason.
    """
    if not user.is_authenticated:
        return _("Connectez-vous pour demander à rejoindre un projet.")
    if project.status == Project.Status.WITHDRAWN:
        return _("Ce projet a été retiré : il n'accepte plus de demandes.")
    if project.memberships.filter(user=user).exists():
        return _("Vous êtes déjà porteur·euse de ce projet.")
    if project.join_requests.pending().filter(user=user).exists():
        return _(
            "Votre demande pour rejoindre ce projet est déjà en attente : "
            "vous recevrez un e-mail dès qu'elle aura reçu une réponse."
        )
    return None


def _join_request_recipients(join_request: JoinRequest) -> list[Any]:
    """The project's current leaders; when it has none yet, the Cellule Manger Demain."""
    leaders = join_request.project.members.filter(is_active=True).exclude(pk=join_request.user_id)
    recipients = list(leaders.order_by("email"))
    if not recipients:
        staff = project_staff_users().exclude(pk=join_request.user_id)
        recipients = list(staff.order_by("email"))
    return recipients


@transaction.atomic
def join_request_create(*, user: User, project: Project, message: str = "") -> JoinRequest:
    """Ask to become a leader of ``project``; tells its leaders (or else staff) by email."""
    message = message.strip()
    if len(message) > JOIN_MESSAGE_MAX_LENGTH:
        raise text_too_long("message", JOIN_MESSAGE_MAX_LENGTH)
    refusal = join_request_refusal(user=user, project=project)
    if refusal:
        raise ValidationError(refusal, code="join_refused")
    try:
        with transaction.atomic():
            join_request = JoinRequest.objects.create(project=project, user=user, message=message)
    except IntegrityError:
        # The partial unique constraint: a second request sent at the same moment.
        raise ValidationError(
            _("Votre demande pour rejoindre ce projet est déjà en attente."), code="pending"
        ) from None
    recipients = _join_request_recipients(join_request)
    if not recipients:
        logger.warning("Join request %s: nobody to tell (no leader, no staff).", join_request.pk)
    for recipient in recipients:
        email_queue_template(
            to=recipient.email,
            template="join_request_new",
            context={
                "join_request": join_request,
                "project": project,
                "requester": user,
                "recipient": recipient,
                "decide_url": _espace_url("espace_projets:join_requests"),
            },
            key=f"join-request-{join_request.pk}-new",
        )
    return join_request


def _join_request_decide(
    *, by: User, join_request: JoinRequest, status: JoinRequest.Status
) -> JoinRequest:
    """Lock the request, check it is still pending and that ``by`` may decide it, record it."""
    locked = (
        JoinRequest.objects.select_for_update(of=("self",))
        .select_related("project", "user")
        .get(pk=join_request.pk)
    )
    if locked.status != JoinRequest.Status.PENDING:
        raise ValidationError(
            _("Cette demande a déjà reçu une réponse : elle est « %(status)s ».")
            % {"status": locked.get_status_display()},
            code="already_decided",
        )
    if not can_decide_join_request(by, locked):
        raise ValidationError(_("Vous ne pouvez pas répondre à cette demande."), code="not_allowed")
    locked.status = status
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    return locked


@transaction.atomic
def join_request_approve(*, by: User, join_request: JoinRequest) -> JoinRequest:
    """Make the requester a leader of the project and tell them by email."""
    decided = _join_request_decide(
        by=by, join_request=join_request, status=JoinRequest.Status.APPROVED
    )
    Membership.objects.get_or_create(project=decided.project, user=decided.user)
    email_queue_template(
        to=decided.user.email,
        template="join_request_approved",
        context={
            "join_request": decided,
            "project": decided.project,
            "requester": decided.user,
            "espace_url": _espace_url("espace:home"),
            "edit_url": settings.SITE_URL
            + reverse("espace_projets:project_edit", kwargs={"slug": decided.project.slug}),
        },
        key=f"join-request-{decided.pk}-decision",
    )
    return decided


@transaction.atomic
def join_request_decline(*, by: User, join_request: JoinRequest, reason: str = "") -> JoinRequest:
    """Decline the request and tell the requester by email, with the reason if one is given."""
    reason = reason.strip()
    if len(reason) > JOIN_MESSAGE_MAX_LENGTH:
        raise text_too_long("reason", JOIN_MESSAGE_MAX_LENGTH)
    decided = _join_request_decide(
        by=by, join_request=join_request, status=JoinRequest.Status.DECLINED
    )
    email_queue_template(
        to=decided.user.email,
        template="join_request_declined",
        context={
            "join_request": decided,
            "project": decided.project,
            "requester": decided.user,
            "reason": reason,
        },
        key=f"join-request-{decided.pk}-decision",
    )
    return decided
