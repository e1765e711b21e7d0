"""Deleting an account: what goes, what stays without any link to the person, counted first."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib import import_module

from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chantiers.models import News
from events.models import CalendarFeedToken, Event, Registration
from expertises.models import Need, Offer, Support, WorkshopProposal
from hub.personal_data.common import addresses, histories, outbox_to, subscriptions
from newsletter.models import Issue
from portal.models import OutgoingEmail, User
from portal.roles import is_last_superuser
from projets.models import JoinRequest, Membership, PisteProposal
from territoires.models import Province

logger = logging.getLogger(__name__)

# Session engines that keep sessions in the database, where a person's sessions can be found.
DB_SESSION_ENGINES = (
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cached_db",
)


@dataclass(frozen=True)
class DeletionPlan:
    """What deleting an account removes and what it anonymises, counted beforehand."""

    # Deleted
    memberships: int
    join_requests: int
    provinces: int
    email_addresses: int
    outgoing_emails: int
    admin_actions: int
    newsletter_subscriptions: int = 0
    registrations: int = 0
    workshop_supports: int = 0
    calendar_feed: int = 0
    # Kept without any link to the person
    events_created: int = 0
    changes_made: int = 0
    decisions_made: int = 0
    needs_written: int = 0
    offers_written: int = 0
    workshop_proposals: int = 0
    piste_proposals: int = 0
    news_written: int = 0
    newsletter_issues_created: int = 0
    blocked_reason: str = ""

    @property
    def allowed(self) -> bool:
        return not self.blocked_reason

    @property
    def keeps_anything(self) -> bool:
        return any(
            (
                self.events_created,
                self.changes_made,
                self.decisions_made,
                self.needs_written,
                self.offers_written,
                self.workshop_proposals,
                self.piste_proposals,
                self.news_written,
                self.newsletter_issues_created,
            )
        )


LAST_SUPERUSER = _(
    "Vous êtes la dernière personne superutilisatrice du portail : votre compte ne peut pas "
    "être supprimé depuis le site. Nommez d'abord une autre personne superutilisatrice "
    "dans l'administration."
)


def user_delete_plan(*, user: User) -> DeletionPlan:
    return DeletionPlan(
        memberships=Membership.objects.filter(user=user).count(),
        join_requests=JoinRequest.objects.filter(user=user).count(),
        provinces=Province.objects.followed_by(user).count(),
        email_addresses=EmailAddress.objects.filter(user=user).count(),
        outgoing_emails=OutgoingEmail.objects.filter(outbox_to(addresses(user))).count(),
        admin_actions=LogEntry.objects.filter(user=user).count(),
        newsletter_subscriptions=subscriptions(user).count(),
        registrations=Registration.objects.filter(user=user).count(),
        workshop_supports=Support.objects.filter(user=user).count(),
        calendar_feed=CalendarFeedToken.objects.filter(user=user).count(),
        events_created=Event.objects.filter(created_by=user).count(),
        changes_made=sum(
            model.objects.filter(history_user=user).count() for _kind, model, _title in histories()
        ),
        decisions_made=JoinRequest.objects.filter(decided_by=user).count(),
        needs_written=Need.objects.filter(created_by=user).count(),
        offers_written=Offer.objects.filter(created_by=user).count(),
        workshop_proposals=WorkshopProposal.objects.filter(proposed_by=user).count(),
        piste_proposals=PisteProposal.objects.filter(proposed_by=user).count(),
        news_written=News.objects.filter(author=user).count(),
        newsletter_issues_created=Issue.objects.filter(created_by=user).count(),
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

    Deleted: memberships, join requests, provinces followed, registrations (with their
    remarks; a confirmed seat is freed and the waiting list moves up, events/signals.py),
    supports of workshop proposals, the private calendar address, newsletter subscriptions (the
    account's, and those of its verified addresses), allauth email addresses, sessions, the
    outbox messages addressed to them, their admin log entries and the import files they
    previewed and have not confirmed (Django deletes both with the user) and the user row.
    Kept without any link to the person (the relation set to NULL): the events, needs,
    offers, workshop and piste proposals, news and newsletter issues they wrote, which belong
    to the projects and chantiers, and the history of projects and events (``history_user``
    set to NULL by the database relation, ``created_by`` nulled in the historical rows here).
    """
    # Locked so that two superusers deleting themselves at once cannot both pass the check.
    list(User.objects.select_for_update().filter(is_superuser=True, is_active=True))
    if is_last_superuser(user):
        raise ValidationError(LAST_SUPERUSER, code="last_superuser")

    emails = addresses(user)
    subscriptions(user).delete()  # before the addresses that find them go
    Membership.objects.filter(user=user).delete()
    JoinRequest.objects.filter(user=user).delete()
    # One by one through the model's delete: the seat of a confirmed registration is freed.
    Registration.objects.filter(user=user).delete()
    user.followed_provinces.clear()
    EmailAddress.objects.filter(user=user).delete()
    OutgoingEmail.objects.filter(outbox_to(emails)).delete()
    # The historical copy of Event.created_by has no database constraint (simple-history
    # copies foreign keys as DO_NOTHING): it would keep the deleted person's id.
    historical_event = Event.history.model  # type: ignore[attr-defined]
    historical_event.objects.filter(created_by_id=user.pk).update(created_by=None)
    News.history.model.objects.filter(author_id=user.pk).update(author=None)  # type: ignore[attr-defined]
    officers_history = apps.get_model("territoires", "HistoricalProvince_officers")
    officers_history.objects.filter(user_id=user.pk).update(user=None)
    # Staff's log entries about this account name it in object_repr: keep the entry, not the name.
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).update(object_repr=str(_("Compte supprimé")), change_message="")
    _delete_sessions(user)
    pk = user.pk
    # Supports and the calendar address go by CASCADE; Event.created_by, Need.created_by and
    # answered_by, Offer.created_by, WorkshopProposal.proposed_by,
    # PisteProposal.proposed_by, News.author, Issue.created_by,
    # JoinRequest.decided_by, Registration.cancelled_by and history_user: SET_NULL.
    user.delete()
    logger.info("Account %s deleted at the person's request.", pk)
