"""A person's own data: their roles, the export of what the portal holds, and account deletion."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event
from newsletter.models import Subscriber
from portal.models import OutgoingEmail, User
from portal.roles import STAFF_GROUP, is_last_superuser
from projets.models import JoinRequest, Membership, Project
from territoires.models import Province

logger = logging.getLogger(__name__)

# Session engines that keep sessions in the database, where a person's sessions can be found.
DB_SESSION_ENGINES = (
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cached_db",
)


# --- Roles -----------------------------------------------------------------------------------


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


# --- Export ----------------------------------------------------------------------------------


def _when(moment: Any) -> str | None:
    return moment.isoformat() if moment else None


def _addresses(user: User) -> set[str]:
    emails = {user.email.lower()}
    emails.update(
        e.lower() for e in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    )
    return emails


def _subscriptions(user: User) -> QuerySet[Subscriber]:
    """The newsletter subscriptions of this person: the one linked to the account, and those
    of its own address or of addresses it has verified (not an address merely typed in)."""
    emails = {user.email.lower()}
    emails.update(
        e.lower()
        for e in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    )
    query = Q(user=user)
    for email in emails:
        query |= Q(email__iexact=email)
    return Subscriber.objects.filter(query)


def _outbox_to(emails: set[str]) -> Q:
    query = Q(pk__in=[])
    for email in emails:
        query |= Q(to__iexact=email)
    return query


def user_export_data(*, user: User) -> dict[str, Any]:
    """Everything the portal holds about this person, and nothing about anyone else.

    Who decided a join request, or who else leads a project, is another person's data: left out.
    The password hash is left out too (it is not information about the person, and a risk).
    """
    historical_project = Project.history.model  # type: ignore[attr-defined]
    historical_event = Event.history.model  # type: ignore[attr-defined]
    changes = [
        {
            "type": kind,
            "id": record.id,
            "title": getattr(record, title_field),
            "date": _when(record.history_date),
            "change": record.get_history_type_display(),
            "reason": record.history_change_reason or "",
        }
        for kind, model, title_field in (
            ("projet", historical_project, "name"),
            ("événement", historical_event, "title"),
        )
        for record in model.objects.filter(history_user=user).order_by("history_date")
    ]
    return {
        "format": "chantiers-communs/donnees-personnelles/1",
        "exported_at": _when(timezone.now()),
        "account": {
            "id": user.pk,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "is_active": user.is_active,
            "is_staff": user.is_staff,
            "is_superuser": user.is_superuser,
            "groups": sorted(user.groups.values_list("name", flat=True)),
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
            "has_password": user.has_usable_password(),
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "memberships": [
            {
                "project_id": m.project_id,
                "project": m.project.name,
                "project_slug": m.project.slug,
                "since": _when(m.created_at),
            }
            for m in Membership.objects.filter(user=user).select_related("project")
        ],
        "join_requests": [
            {
                "project_id": r.project_id,
                "project": r.project.name,
                "message": r.message,
                "status": r.status,
                "status_display": str(r.get_status_display()),
                "created_at": _when(r.created_at),
                "decided_at": _when(r.decided_at),
            }
            for r in JoinRequest.objects.filter(user=user).select_related("project")
        ],
        "provinces_followed": [
            {"id": p.pk, "name": p.name, "slug": p.slug} for p in Province.objects.followed_by(user)
        ],
        "events_created": [
            {"id": e.pk, "title": e.title, "slug": e.slug, "status": e.status}
            for e in Event.objects.filter(created_by=user).order_by("start")
        ],
        "changes_made": changes,
        "newsletter_subscriptions": [
            {
                "email": s.email,
                "status": s.status,
                "status_display": str(s.get_status_display()),
                "provinces": [p.name for p in s.provinces.all()],
                "chantiers": [c.title for c in s.chantiers.all()],
                "consent_at": _when(s.consent_at),
                "consent_source": s.consent_source,
                "confirmation_sent_at": _when(s.confirmation_sent_at),
                "unsubscribed_at": _when(s.unsubscribed_at),
            }
            for s in _subscriptions(user).prefetch_related("provinces", "chantiers")
        ],
        "emails_sent_to_you": [
            {
                "to": m.to,
                "subject": m.subject,
                "status": m.status,
                "created_at": _when(m.created_at),
                "sent_at": _when(m.sent_at),
            }
            for m in OutgoingEmail.objects.filter(_outbox_to(_addresses(user))).order_by(
                "created_at"
            )
        ],
    }


# --- Deletion --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeletionPlan:
    """What deleting an account removes and what it anonymises, counted beforehand."""

    memberships: int
    join_requests: int
    provinces: int
    email_addresses: int
    outgoing_emails: int
    events_created: int
    changes_made: int
    decisions_made: int
    admin_actions: int
    newsletter_subscriptions: int = 0
    blocked_reason: str = ""

    @property
    def allowed(self) -> bool:
        return not self.blocked_reason


LAST_SUPERUSER = _(
    "Vous êtes la dernière personne superutilisatrice du portail : votre compte ne peut pas "
    "être supprimé depuis le site. Nommez d'abord une autre personne superutilisatrice "
    "dans l'administration."
)


def user_delete_plan(*, user: User) -> DeletionPlan:
    historical_project = Project.history.model  # type: ignore[attr-defined]
    historical_event = Event.history.model  # type: ignore[attr-defined]
    return DeletionPlan(
        memberships=Membership.objects.filter(user=user).count(),
        join_requests=JoinRequest.objects.filter(user=user).count(),
        provinces=Province.objects.followed_by(user).count(),
        email_addresses=EmailAddress.objects.filter(user=user).count(),
        outgoing_emails=OutgoingEmail.objects.filter(_outbox_to(_addresses(user))).count(),
        events_created=Event.objects.filter(created_by=user).count(),
        changes_made=historical_project.objects.filter(history_user=user).count()
        + historical_event.objects.filter(history_user=user).count(),
        decisions_made=JoinRequest.objects.filter(decided_by=user).count(),
        admin_actions=LogEntry.objects.filter(user=user).count(),
        newsletter_subscriptions=_subscriptions(user).count(),
        blocked_reason=str(LAST_SUPERUSER) if is_last_superuser(user) else "",
    )


def _delete_sessions(user: User) -> int:
    """End every session of this person (on every device), where sessions are in the database."""
    if settings.SESSION_ENGINE not in DB_SESSION_ENGINES:
        return 0  # cookie or cache sessions: they die with the user row (no user to load)
    from django.contrib.sessions.models import Session

    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    for key in keys:
        store(session_key=key).delete()  # the cached_db engine clears its cache too
    return len(keys)


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete a person's account and what the portal holds about them.

    Deleted: memberships, join requests, provinces followed, newsletter subscriptions (the
    account's, and those of its verified addresses), allauth email addresses, sessions,
    the outbox messages addressed to them, their admin log entries (Django deletes them with
    the user) and the user row. Kept without any link to the person: the events they created
    (``created_by`` set to NULL) and the history of projects and events (``history_user`` set
    to NULL by the database relation, ``created_by`` nulled in the historical rows here).
    """
    # Locked so that two superusers deleting themselves at once cannot both pass the check.
    list(User.objects.select_for_update().filter(is_superuser=True, is_active=True))
    if is_last_superuser(user):
        raise ValidationError(LAST_SUPERUSER, code="last_superuser")

    emails = _addresses(user)
    _subscriptions(user).delete()  # before the addresses that find them go
    Membership.objects.filter(user=user).delete()
    JoinRequest.objects.filter(user=user).delete()
    user.followed_provinces.clear()
    EmailAddress.objects.filter(user=user).delete()
    OutgoingEmail.objects.filter(_outbox_to(emails)).delete()
    # The historical copy of Event.created_by has no database constraint (simple-history
    # copies foreign keys as DO_NOTHING): it would keep the deleted person's id.
    historical_event = Event.history.model  # type: ignore[attr-defined]
    historical_event.objects.filter(created_by_id=user.pk).update(created_by=None)
    # Staff's log entries about this account name it in object_repr: keep the entry, not the name.
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).update(object_repr=str(_("Compte supprimé")), change_message="")
    _delete_sessions(user)
    pk = user.pk
    user.delete()  # Event.created_by, JoinRequest.decided_by and history_user: SET_NULL
    logger.info("Account %s deleted at the person's request.", pk)
