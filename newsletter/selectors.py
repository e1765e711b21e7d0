"""Reads of the newsletter's issues: the public archive."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from newsletter.models import Issue, Section


def issue_archive_list() -> QuerySet[Issue]:
    """Sent issues, the latest first: the public list."""
    return Issue.objects.sent().order_by("-number", "-sent_at")


def issue_archive_detail_queryset() -> QuerySet[Issue]:
    """Issues anyone may read at their address, with their sections: sent ones, and the one
    being sent (its email, with the "Voir dans le navigateur" link, is already in people's
    inboxes). Drafts are not public: staff preview them in the admin."""
    return Issue.objects.filter(
        status__in=[Issue.Status.SENT, Issue.Status.SENDING]
    ).prefetch_related(Prefetch("sections", queryset=Section.objects.order_by("order", "pk")))
