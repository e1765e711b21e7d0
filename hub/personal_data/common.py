"""What the export and the deletion share: which rows belong to a person, found the same way."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import Q, QuerySet

from newsletter.models import Subscriber
from portal.models import User

# Every relation from a row to a person ("app.Model.field") and the key of the export that
# shows it, or why it is not exported. tests/hub/test_personal_data.py fails when a model gains
# a relation to the user without an entry here: decide where it goes, and what deletion does.
USER_RELATIONS: dict[str, str] = {
    "account.EmailAddress.user": "email_addresses",
    "admin.LogEntry.user": "admin_actions",
    "territoires.Province.officers": "provinces_followed",
    "projets.Project.members": "memberships",
    "projets.Membership.user": "memberships",
    "projets.JoinRequest.user": "join_requests",
    "projets.JoinRequest.decided_by": "join_request_decisions",
    "projets.PisteProposal.proposed_by": "piste_proposals",
    "projets.HistoricalProject.history_user": "changes_made",
    "chantiers.News.author": "news_written",
    "events.Event.created_by": "events_created",
    "events.HistoricalEvent.created_by": "events_created",
    "events.HistoricalEvent.history_user": "changes_made",
    "chantiers.HistoricalChantier.history_user": "changes_made",
    "chantiers.HistoricalResource.history_user": "changes_made",
    "chantiers.HistoricalStep.history_user": "changes_made",
    "chantiers.HistoricalNews.history_user": "changes_made",
    # The history's copy of who signed a news item (nulled with the person's account).
    "chantiers.HistoricalNews.author": "news_written",
    "projets.HistoricalOrganisation.history_user": "changes_made",
    "expertises.HistoricalFacilitator.history_user": "changes_made",
    "territoires.HistoricalProvince.history_user": "changes_made",
    # The officers a province had at each version of its history (nulled with the account).
    "territoires.HistoricalProvince_officers.user": "provinces_followed",
    "events.CalendarFeedToken.user": "calendar_feed",
    "events.Registration.user": "registrations",
    # Who cancelled someone else's registration (an organiser): that row is the other
    # person's data; the person's own registrations say whether they cancelled themselves.
    "events.Registration.cancelled_by": "registrations",
    "expertises.Need.created_by": "needs_written",
    "expertises.Need.answered_by": "needs_marked_answered",
    "expertises.Offer.created_by": "offers_written",
    "expertises.WorkshopProposal.proposed_by": "workshop_proposals",
    "expertises.WorkshopProposal.supporters": "workshop_supports",
    "expertises.Support.user": "workshop_supports",
    "newsletter.Subscriber.user": "newsletter_subscriptions",
    "newsletter.Issue.created_by": "newsletter_issues_created",
    # A file staff previewed for an import and have not confirmed yet (an hour at most).
    "portal.ImportUpload.user": "import_uploads",
}


def histories() -> list[tuple[str, Any, str]]:
    """The histories that name who made a change: (kind, historical model, title field)."""
    from chantiers.models import Chantier, News, Resource, Step
    from events.models import Event
    from expertises.models import Facilitator
    from projets.models import Organisation, Project
    from territoires.models import Province

    return [
        ("projet", Project.history.model, "name"),  # type: ignore[attr-defined]
        ("événement", Event.history.model, "title"),  # type: ignore[attr-defined]
        ("chantier", Chantier.history.model, "title"),  # type: ignore[attr-defined]
        ("ressource", Resource.history.model, "title"),  # type: ignore[attr-defined]
        ("étape", Step.history.model, "title"),  # type: ignore[attr-defined]
        ("actualité", News.history.model, "title"),  # type: ignore[attr-defined]
        ("organisation", Organisation.history.model, "name"),  # type: ignore[attr-defined]
        ("facilitateur", Facilitator.history.model, "name"),  # type: ignore[attr-defined]
        ("province", Province.history.model, "name"),  # type: ignore[attr-defined]
    ]


def when(moment: Any) -> str | None:
    return moment.isoformat() if moment else None


def addresses(user: User) -> set[str]:
    """The person's addresses: the account's and every one added to it (verified or not)."""
    emails = {user.email.lower()}
    emails.update(
        e.lower() for e in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    )
    return emails


def subscriptions(user: User) -> QuerySet[Subscriber]:
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


def outbox_to(emails: set[str]) -> Q:
    query = Q(pk__in=[])
    for email in emails:
        query |= Q(to__iexact=email)
    return query
