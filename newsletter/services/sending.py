"""Sending an issue of the newsletter: test sends, and the sending itself in batches through
the outbox, exactly once per subscriber.

A batch locks the issue row, picks the confirmed subscribers of the segment who have no
delivery yet, and writes their outbox messages and deliveries in one transaction: a worker
killed mid-way, or a second run at the same time, finds them done and goes on with the rest.
The issue is rendered once per run (``newsletter.services.rendering``).
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from newsletter.models import Delivery, Issue, Subscriber

# Re-exported: the admin and the archive import them from here.
from newsletter.services.drafts import issue_fill_draft as issue_fill_draft
from newsletter.services.progress import Progress as Progress
from newsletter.services.progress import issue_progress as issue_progress
from newsletter.services.progress import progress_aggregates as progress_aggregates
from newsletter.services.rendering import RenderedIssue as RenderedIssue
from newsletter.services.rendering import issue_content as issue_content
from newsletter.services.rendering import issue_render as issue_render
from newsletter.services.rendering import unsubscribe_headers, unsubscribe_url
from portal.broker import task_publish
from portal.mail import BulkMessage, email_queue, email_queue_bulk
from portal.signals import rows_changed

if TYPE_CHECKING:
    from portal.types import Visitor

logger = logging.getLogger(__name__)

BATCH_SIZE = 500


# --- Test send ---------------------------------------------------------------------------------


@transaction.atomic
def issue_send_test(*, issue: Issue, to: str) -> None:
    """The issue's email to ``to`` alone, subject prefixed "[TEST] ", with no delivery
    recorded; for drafts too, and as often as wanted (each has its own outbox key). When ``to``
    is a subscriber, the links and headers are theirs, as in the real send."""
    to = (to or "").strip()
    try:
        validate_email(to)
    except ValidationError:
        raise ValidationError(
            _("Aucune adresse e-mail valide pour l'envoi de test : « %(to)s »."),
            code="invalid_to",
            params={"to": to},
        ) from None
    rendered = issue_render(issue=issue)
    subscriber = Subscriber.objects.filter(email__iexact=to).first()
    if subscriber is not None:
        html, text = rendered.for_subscriber(subscriber)
        headers = unsubscribe_headers(unsubscribe_url(subscriber))
    else:
        html, text = rendered.generic()
        headers = {}
    email_queue(
        to=to,
        subject=_("[TEST] %(subject)s") % {"subject": rendered.subject},
        body_text=text,
        body_html=html,
        key=f"newsletter-test:{issue.pk}:{uuid.uuid4().hex}",
        headers=headers,
    )


# --- Sending -----------------------------------------------------------------------------------


def recipients(issue: Issue) -> Any:
    """Who the issue goes to: the confirmed subscribers of its segment."""
    return Subscriber.objects.confirmed().in_segment(issue)


def _enqueue_send(issue_pk: int) -> None:
    """Start the worker; a dead broker leaves the issue "sending" for the beat sweep."""
    from newsletter.tasks import send_issue

    task_publish(send_issue, issue_pk)  # if the broker is down, resume_sending will start it


@transaction.atomic
def issue_send_start(*, issue: Issue, by: Visitor) -> int:
    """Freeze a draft and start sending it: its number, the status "sending", and after commit
    the task that sends it in batches. Returns the number of recipients at this moment."""
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    if not issue.is_draft:
        raise ValidationError(
            _("L'envoi de ce numéro a déjà commencé."),
            code="not_draft",
        )
    if not issue.introduction.strip() and not issue.sections.exists():
        raise ValidationError(
            _("Ce numéro est vide : écrivez une introduction ou ajoutez une rubrique."),
            code="empty",
        )
    last = Issue.objects.aggregate(last=Max("number"))["last"] or 0
    issue.number = last + 1
    issue.status = Issue.Status.SENDING
    issue.sending_started_at = timezone.now()
    try:
        with transaction.atomic():
            issue.save(update_fields=["number", "status", "sending_started_at", "updated_at"])
    except IntegrityError:  # another issue took this number at the same moment
        raise ValidationError(
            _("Un autre numéro vient de partir au même moment. Réessayez."),
            code="number_taken",
        ) from None
    count = recipients(issue).count()
    logger.info("Issue %s (no. %s) sending to %s, started by %s", issue.pk, issue.number, count, by)
    transaction.on_commit(lambda: _enqueue_send(issue.pk))
    return count


@transaction.atomic
def issue_send_batch(
    *, issue_pk: int, size: int = BATCH_SIZE, rendered: RenderedIssue | None = None
) -> int:
    """Queue the issue for up to ``size`` more subscribers; returns how many (0 when done).

    Locks the issue row, so two runs at once take turns; picks the confirmed subscribers of the
    segment without a delivery, by primary key; writes their outbox messages (one INSERT, keyed
    by issue and subscriber) and deliveries (one INSERT, unique per issue and subscriber), and
    wakes the sender once after commit. When nobody is left, the issue is marked sent.
    ``rendered`` saves rendering again across the batches of one run (the issue is frozen).
    """
    issue = Issue.objects.select_for_update().filter(pk=issue_pk).first()
    if issue is None or issue.status != Issue.Status.SENDING:
        return 0
    pending = list(
        recipients(issue)
        .filter(~Exists(Delivery.objects.filter(issue_id=issue.pk, subscriber_id=OuterRef("pk"))))
        .order_by("pk")
        .only("pk", "email", "token")[:size]
    )
    if not pending:
        Issue.objects.filter(pk=issue.pk).update(
            status=Issue.Status.SENT, sent_at=timezone.now(), updated_at=timezone.now()
        )
        rows_changed.send(sender=Issue)  # the archive lists sent issues
        return 0
    if rendered is None:
        rendered = issue_render(issue=issue)
    messages = []
    for subscriber in pending:
        html, text = rendered.for_subscriber(subscriber)
        messages.append(
            BulkMessage(
                to=subscriber.email,
                subject=rendered.subject,
                body_text=text,
                body_html=html,
                key=f"newsletter:{issue.pk}:{subscriber.pk}",
                headers=unsubscribe_headers(unsubscribe_url(subscriber)),
            )
        )
    emails = email_queue_bulk(messages=messages)
    Delivery.objects.bulk_create(
        [
            Delivery(issue=issue, subscriber=subscriber, email=email)
            for subscriber, email in zip(pending, emails, strict=True)
        ]
    )
    return len(pending)
