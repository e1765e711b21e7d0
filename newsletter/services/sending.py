"""Issues of the newsletter: rendering, the draft's agenda and news, test sends, and the sending
itself in batches through the outbox, exactly once per subscriber.

The issue is rendered once per send (its Markdown to sanitised HTML and to text, then the email
templates) with markers where each subscriber's own links go; a batch only replaces the markers.
A batch locks the issue row, picks the confirmed subscribers of the segment who have no
delivery yet, and writes their outbox messages and deliveries in one transaction: a worker
killed mid-way, or a second run at the same time, finds them done and goes on with the rest.
"""

from __future__ import annotations

import datetime
import logging
import re
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from chantiers.models import News
from events.models import Event
from newsletter.models import Delivery, Issue, Section, Subscriber
from portal.broker import task_publish
from portal.dates import when as event_when
from portal.mail import BulkMessage, email_queue, email_queue_bulk
from portal.markdown import markdown_to_html, markdown_to_text
from portal.models import OutgoingEmail, uncertain_q

logger = logging.getLogger(__name__)

SITE_NAME = "Chantiers communs"
BATCH_SIZE = 500
# The draft's agenda: public events starting within this many days.
AGENDA_DAYS = 60
# The draft's news when no issue was sent before: those of the last this many days.
NEWS_DAYS_WITHOUT_PREVIOUS = 30
FILL_LIMIT = 30  # items per generated section, at most
ONE_CLICK = "List-Unsubscribe=One-Click"


# --- Rendering ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedIssue:
    """An issue's email, rendered once: ``html`` and ``text`` hold markers where each
    recipient's unsubscribe and preferences addresses go (``for_recipient`` fills them)."""

    subject: str
    html: str
    text: str
    web_url: str
    unsubscribe_mark: str
    preferences_mark: str

    def for_recipient(self, *, unsubscribe_url: str, preferences_url: str) -> tuple[str, str]:
        """(html, text) for one recipient, given absolute addresses."""

        def fill(body: str) -> str:
            return body.replace(self.unsubscribe_mark, unsubscribe_url).replace(
                self.preferences_mark, preferences_url
            )

        return fill(self.html), fill(self.text)

    def for_subscriber(self, subscriber: Subscriber) -> tuple[str, str]:
        return self.for_recipient(
            unsubscribe_url=unsubscribe_url(subscriber),
            preferences_url=absolute(subscriber.get_preferences_url()),
        )

    def generic(self) -> tuple[str, str]:
        """(html, text) for someone who is no subscriber (preview, test send): both links lead
        to the subscription page."""
        subscribe = absolute(reverse("newsletter:subscribe"))
        return self.for_recipient(unsubscribe_url=subscribe, preferences_url=subscribe)


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def unsubscribe_url(subscriber: Subscriber) -> str:
    return absolute(subscriber.get_unsubscribe_url())


def issue_content(*, issue: Issue, sections: list[Section] | None = None) -> dict[str, Any]:
    """The issue's introduction and sections as sanitised HTML and plain text, for the email
    templates and the web version (``templates/emails/newsletter_issue_content.html``). Raw
    HTML typed in the Markdown is dropped from the text too: a text reader wants none."""
    if sections is None:
        sections = list(issue.sections.all())
    return {
        "intro_html": markdown_to_html(issue.introduction),
        "intro_text": strip_tags(markdown_to_text(issue.introduction)),
        "sections": [
            {
                "title": section.title,
                "html": markdown_to_html(section.body),
                "text": strip_tags(markdown_to_text(section.body)),
            }
            for section in sections
        ],
    }


def issue_render(*, issue: Issue) -> RenderedIssue:
    """Subject, HTML and text of the issue's email (two queries: its sections, nothing else)."""
    marks = secrets.token_hex(8)
    # Random markers: the Markdown of the issue cannot contain them and steer a replacement.
    unsubscribe_mark = f"newsletter-unsubscribe-{marks}"
    preferences_mark = f"newsletter-preferences-{marks}"
    web_url = absolute(issue.get_absolute_url())
    context = {
        "SITE_URL": settings.SITE_URL,
        "SITE_NAME": SITE_NAME,
        "issue": issue,
        "web_url": web_url,
        "unsubscribe_url": unsubscribe_mark,
        "preferences_url": preferences_mark,
        **issue_content(issue=issue),
    }
    return RenderedIssue(
        subject=" ".join(issue.subject.split()),
        html=render_to_string("emails/newsletter_issue_body.html", context),
        text=render_to_string("emails/newsletter_issue_body.txt", context),
        web_url=web_url,
        unsubscribe_mark=unsubscribe_mark,
        preferences_mark=preferences_mark,
    )


def unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 2369 and RFC 8058: mail clients show an unsubscribe button that POSTs to ``url``."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": ONE_CLICK}


# --- Draft: agenda and news --------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _md(text: str) -> str:
    """Plain text made literal in Markdown (a title with brackets or stars stays a title)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _in_segment(issue: Issue) -> Q:
    """Events or news of the issue's provinces or chantiers, and those of all Wallonia."""
    provinces = list(issue.provinces.values_list("pk", flat=True))
    chantiers = list(issue.chantiers.values_list("pk", flat=True))
    if not provinces and not chantiers:
        return Q()
    return Q(province__isnull=True) | Q(province__in=provinces) | Q(chantier__in=chantiers)


def _place(event: Event) -> str:
    place = ", ".join(part for part in (event.venue, event.address) if part)
    if event.online_url:
        place = f"{place} ({_('et en ligne')})" if place else _("En ligne")
    return place


def _agenda(issue: Issue, now: datetime.datetime) -> str:
    events = (
        Event.objects.public()
        .upcoming(now)
        .filter(_in_segment(issue), start__lt=now + datetime.timedelta(days=AGENDA_DAYS))
        .order_by("start", "pk")[:FILL_LIMIT]
    )
    lines = []
    for event in events:
        title = f"[{_md(event.title)}]({absolute(event.get_absolute_url())})"
        if event.is_cancelled:
            title = _("%(title)s (annulé)") % {"title": title}
        parts = [f"**{_md(event_when(event))}**", title]
        if place := _place(event):
            parts.append(_md(place))
        lines.append("- " + " — ".join(parts))
    return "\n".join(lines)


def _news(issue: Issue, now: datetime.datetime) -> str:
    previous = (
        Issue.objects.sent()
        .exclude(pk=issue.pk)
        .filter(sent_at__isnull=False)
        .aggregate(last=Max("sent_at"))["last"]
    )
    since = previous or now - datetime.timedelta(days=NEWS_DAYS_WITHOUT_PREVIOUS)
    news = (
        News.objects.published(now)
        .filter(_in_segment(issue), published_at__gt=since)
        .order_by("-published_at", "pk")[:FILL_LIMIT]
    )
    lines = []
    for item in news:
        line = f"- [{_md(item.title)}]({absolute(item.get_absolute_url())})"
        if item.summary:
            line += f" — {_md(item.summary)}"
        lines.append(line)
    return "\n".join(lines)


@transaction.atomic
def issue_fill_draft(*, issue: Issue) -> None:
    """Add to a draft the sections "Agenda" (public events of the next days) and "Actualités"
    (news published since the last issue sent), or replace those a previous fill wrote (found
    by their title). In Markdown: staff edit them afterwards. A segment keeps the events and
    news of its provinces and chantiers, and those of all Wallonia; an empty list adds none."""
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    if not issue.is_draft:
        raise ValidationError(
            _("Seul un brouillon peut être complété : l'envoi de ce numéro a commencé."),
            code="not_draft",
        )
    now = timezone.now()
    generated = [(_("Agenda"), _agenda(issue, now)), (_("Actualités"), _news(issue, now))]
    last_order = issue.sections.aggregate(last=Max("order"))["last"] or 0
    for title, body in generated:
        existing = issue.sections.filter(title=title).order_by("order", "pk").first()
        if existing is not None:
            if body:
                existing.body = body
                existing.save(update_fields=["body"])
            else:
                existing.delete()
        elif body:
            last_order += 1
            Section.objects.create(issue=issue, title=title, body=body, order=last_order)


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
def issue_send_start(*, issue: Issue, by: AbstractBaseUser | AnonymousUser) -> int:
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


# --- Progress ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    total: int
    sent: int
    queued: int  # waiting in the outbox, or being sent right now
    failed: int
    uncertain: int = 0  # interrupted mid-send long ago: perhaps received (see portal.models)

    @property
    def percent(self) -> int:
        return round(100 * self.sent / self.total) if self.total else 0

    @property
    def complete(self) -> bool:
        """Every message settled (sent or failed): nothing waiting, nothing uncertain."""
        return self.queued == 0 and self.uncertain == 0


def progress_aggregates(prefix: str = "") -> dict[str, Count]:
    """Counts of deliveries by outbox status (``prefix`` "deliveries__" from an issue)."""
    status = f"{prefix}email__status"
    pk = f"{prefix}pk" if prefix else "pk"
    statuses = OutgoingEmail.Status
    uncertain = uncertain_q(prefix=f"{prefix}email__")
    distinct = bool(prefix)
    return {
        "progress_total": Count(pk, distinct=distinct),
        "progress_sent": Count(pk, filter=Q(**{status: statuses.SENT}), distinct=distinct),
        "progress_queued": Count(
            pk,
            filter=Q(**{f"{status}__in": [statuses.QUEUED, statuses.SENDING]}) & ~uncertain,
            distinct=distinct,
        ),
        "progress_failed": Count(pk, filter=Q(**{status: statuses.FAILED}), distinct=distinct),
        "progress_uncertain": Count(pk, filter=uncertain, distinct=distinct),
    }


def issue_progress(*, issue: Issue) -> Progress:
    """Where the sending stands, in one aggregate query over the deliveries and the outbox."""
    row = Delivery.objects.filter(issue=issue).aggregate(**progress_aggregates())
    return Progress(
        total=row["progress_total"],
        sent=row["progress_sent"],
        queued=row["progress_queued"],
        failed=row["progress_failed"],
        uncertain=row["progress_uncertain"],
    )
