"""The export: everything the portal holds about a person, as one JSON document."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.admin.models import LogEntry
from django.utils import timezone

from chantiers.models import News
from events.models import CalendarFeedToken, Event, Registration
from expertises.models import Need, Offer, Support, WorkshopProposal
from hub.personal_data.common import addresses, histories, outbox_to, subscriptions, when
from newsletter.models import Issue
from portal.models import ImportUpload, OutgoingEmail, User
from projets.models import JoinRequest, Membership, PisteProposal
from territoires.models import Province

FORMAT = "chantiers-communs/donnees-personnelles/2"


def _name(obj: Any) -> str | None:
    return str(obj) if obj is not None else None


def _changes(user: User) -> list[dict[str, Any]]:
    return [
        {
            "type": kind,
            "id": record.id,
            "title": getattr(record, title_field),
            "date": when(record.history_date),
            "change": record.get_history_type_display(),
            "reason": record.history_change_reason or "",
        }
        for kind, model, title_field in histories()
        for record in model.objects.filter(history_user=user).order_by("history_date")
    ]


def _registrations(user: User) -> list[dict[str, Any]]:
    rows = (
        Registration.objects.filter(user=user)
        .select_related("event", "project")
        .order_by("event__start", "pk")
    )
    return [
        {
            "event": r.event.title,
            "event_slug": r.event.slug,
            "event_start": when(r.event.start),
            "status": r.status,
            "status_display": str(r.get_status_display()),
            "project": _name(r.project),
            "organisation": r.organisation,
            # Diet, accessibility…: blanked 30 days after the event (events.retention).
            "remarks": r.remarks,
            "registered_at": when(r.registered_at),
            "times_registered": r.times_registered,
            "waiting_since": when(r.waiting_since),
            "attended": r.attended,
            "cancelled_at": when(r.cancelled_at),
            # Who else cancelled it (an organiser) is that person's data: only "not you".
            "cancelled_by_you": (r.cancelled_by_id == user.pk) if r.cancelled_at else None,
        }
        for r in rows
    ]


def _expertise(user: User) -> dict[str, list[dict[str, Any]]]:
    needs = Need.objects.select_related("project", "category", "province")
    return {
        "needs_written": [
            {
                "id": n.pk,
                "project": n.project.name,
                "category": n.category.name,
                "province": _name(n.province),
                "description": n.description,
                "urgency": n.urgency,
                "status": n.status,
                "created_at": when(n.created_at),
                "answered_at": when(n.answered_at),
            }
            for n in needs.filter(created_by=user).order_by("created_at")
        ],
        "needs_marked_answered": [
            {
                "id": n.pk,
                "project": n.project.name,
                "category": n.category.name,
                "answered_at": when(n.answered_at),
            }
            for n in needs.filter(answered_by=user).order_by("answered_at")
        ],
        "offers_written": [
            {
                "id": o.pk,
                "project": o.project.name,
                "category": o.category.name,
                "description": o.description,
                "created_at": when(o.created_at),
            }
            for o in Offer.objects.filter(created_by=user)
            .select_related("project", "category")
            .order_by("created_at")
        ],
        "piste_proposals": [
            {
                "title": p.title,
                "description": p.description,
                "project": p.project.name,
                "status": p.status,
                "created_at": when(p.created_at),
                "decided_at": when(p.decided_at),
            }
            for p in PisteProposal.objects.filter(proposed_by=user)
            .select_related("project")
            .order_by("created_at")
        ],
        "workshop_proposals": [
            {
                "id": p.pk,
                "title": p.title,
                "description": p.description,
                "chantier": _name(p.chantier),
                "status": p.status,
                "created_at": when(p.created_at),
            }
            for p in WorkshopProposal.objects.filter(proposed_by=user)
            .select_related("chantier")
            .order_by("created_at")
        ],
        "workshop_supports": [
            {
                "proposal_id": s.proposal_id,
                "proposal": s.proposal.title,
                "since": when(s.created_at),
            }
            for s in Support.objects.filter(user=user)
            .select_related("proposal")
            .order_by("created_at")
        ],
    }


def _writings(user: User) -> dict[str, Any]:
    feed = CalendarFeedToken.objects.filter(user=user).first()
    return {
        "news_written": [
            {
                "title": n.title,
                "slug": n.slug,
                "chantier": _name(n.chantier),
                "province": _name(n.province),
                "summary": n.summary,
                "published_at": when(n.published_at),
                "created_at": when(n.created_at),
            }
            for n in News.objects.filter(author=user)
            .select_related("chantier", "province")
            .order_by("created_at")
        ],
        "newsletter_issues_created": [
            {
                "subject": i.subject,
                "number": i.number,
                "status": i.status,
                "created_at": when(i.created_at),
                "sent_at": when(i.sent_at),
            }
            for i in Issue.objects.filter(created_by=user).order_by("created_at")
        ],
        # The secret address itself is a key, not information: only that it exists, and since.
        "calendar_feed": {"created_at": when(feed.created_at)} if feed else None,
    }


def _staff_actions(user: User) -> dict[str, list[dict[str, Any]]]:
    return {
        # Whose request was decided, or which row an action changed, may name someone else.
        "join_request_decisions": [
            {
                "project": r.project.name,
                "status": r.status,
                "decided_at": when(r.decided_at),
            }
            for r in JoinRequest.objects.filter(decided_by=user)
            .select_related("project")
            .order_by("decided_at")
        ],
        "admin_actions": [
            {
                "date": when(entry.action_time),
                "action": {1: "addition", 2: "change", 3: "deletion"}.get(entry.action_flag, ""),
                "kind": str(entry.content_type) if entry.content_type else "",
            }
            for entry in LogEntry.objects.filter(user=user)
            .select_related("content_type")
            .order_by("action_time")
        ],
        # A list sent for import (projects, facilitators) names other people: the file is
        # named, its content is not copied.
        "import_uploads": [
            {
                "import": u.import_label,
                "name": u.name,
                "format": u.file_format,
                "sent_at": when(u.created_at),
            }
            for u in ImportUpload.objects.filter(user=user)
            .only("import_label", "name", "file_format", "created_at")
            .order_by("created_at")
        ],
    }


def user_export_data(*, user: User) -> dict[str, Any]:
    """Everything the portal holds about this person, and nothing about anyone else.

    Who decided a join request, who else leads a project or cancelled a registration, is
    another person's data: left out. The password hash is left out too (it is not information
    about the person, and a risk). ``USER_RELATIONS`` maps each relation to its key here.
    """
    return {
        "format": FORMAT,
        "exported_at": when(timezone.now()),
        "account": {
            "id": user.pk,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "is_active": user.is_active,
            "is_staff": user.is_staff,
            "is_superuser": user.is_superuser,
            "groups": sorted(user.groups.values_list("name", flat=True)),
            "date_joined": when(user.date_joined),
            "last_login": when(user.last_login),
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
                "since": when(m.created_at),
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
                "created_at": when(r.created_at),
                "decided_at": when(r.decided_at),
            }
            for r in JoinRequest.objects.filter(user=user).select_related("project")
        ],
        "provinces_followed": [
            {"id": p.pk, "name": p.name, "slug": p.slug} for p in Province.objects.followed_by(user)
        ],
        "registrations": _registrations(user),
        "events_created": [
            {"id": e.pk, "title": e.title, "slug": e.slug, "status": e.status}
            for e in Event.objects.filter(created_by=user).order_by("start")
        ],
        "changes_made": _changes(user),
        **_expertise(user),
        **_writings(user),
        **_staff_actions(user),
        "newsletter_subscriptions": [
            {
                "email": s.email,
                "status": s.status,
                "status_display": str(s.get_status_display()),
                "provinces": [p.name for p in s.provinces.all()],
                "chantiers": [c.title for c in s.chantiers.all()],
                "consent_at": when(s.consent_at),
                "consent_source": s.consent_source,
                "confirmation_sent_at": when(s.confirmation_sent_at),
                "unsubscribed_at": when(s.unsubscribed_at),
            }
            for s in subscriptions(user).prefetch_related("provinces", "chantiers")
        ],
        "emails_sent_to_you": [
            {
                "to": m.to,
                "subject": m.subject,
                "status": m.status,
                "created_at": when(m.created_at),
                "sent_at": when(m.sent_at),
            }
            for m in OutgoingEmail.objects.filter(outbox_to(addresses(user))).order_by("created_at")
        ],
    }
