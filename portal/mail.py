"""The portal's one delivery path for email: a durable outbox in the database.

``email_queue`` renders a message and stores it in the caller's transaction; after commit it
wakes the Celery sender, and if the broker is down the periodic sweep sends it later.
``email_send_queued`` claims messages (``CLAIM_GROUP`` at a time, in one transaction that skips
rows another run holds) before sending them over one SMTP connection, so a task that runs twice,
or a second worker, finds nothing to do; it records the accepted ones as sent a group at a time.
A conversation cut before the server's answer leaves the message "sending", and a worker killed
outright leaves its group "sending" (the message in flight, those accepted but not yet recorded,
and those not yet tried), never sent twice automatically: past ``UNCERTAIN_AFTER`` the admin
shows them as uncertain, and staff check, then resend them. A run that stops otherwise records
what was accepted and puts back what it had not tried. Delivery is thus at most once unless
staff choose otherwise: a message is never sent twice by the portal itself, and one interrupted
mid-send may have been lost (or received). django-post-office was considered: it marks a batch
sent only after the whole batch has gone, so a worker killed mid-batch would send some messages
again.
"""

from __future__ import annotations

import datetime
import logging
import select
import smtplib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal.broker import task_publish
from portal.models import OutgoingEmail, uncertain_q

logger = logging.getLogger(__name__)

SITE_NAME = "Chantiers communs"  # how every email names the site
MAX_ATTEMPTS = 5
# Messages read, claimed and sent by one run of email_send_queued, over one SMTP connection.
SEND_BATCH = 200
# Messages claimed together (one transaction), then recorded as sent together (one UPDATE).
# A worker killed outright leaves at most this many "sending": uncertain, for staff to check.
CLAIM_GROUP = 20
# The content of a sent message is kept this long (to answer "what did I receive?"), then
# blanked by a daily task; see email_purge_content.
CONTENT_KEPT_DAYS = 30
# A conversation cut before the server's final reply: it may have stored the message already.
UNCERTAIN = (smtplib.SMTPServerDisconnected, OSError)
UNCERTAIN_NOTE = (
    "Envoi interrompu avant la réponse du serveur : le message a peut-être été reçu. "
    "Vérifiez avant de le renvoyer."
)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: str
    mimetype: str


def render_email(template: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """Subject, text and HTML of ``templates/emails/<template>_{subject,body}.{txt,html}``."""
    context = {"SITE_URL": settings.SITE_URL, "SITE_NAME": SITE_NAME, **context}
    subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
    text = render_to_string(f"emails/{template}_body.txt", context)
    html = render_to_string(f"emails/{template}_body.html", context)
    return subject, text, html


@dataclass(frozen=True)
class RenderedEmail:
    """What a renderer builds for one deferred message, just before it is sent."""

    subject: str
    body_text: str
    body_html: str = ""
    attachments: list[Attachment] = field(default_factory=list)


class EmailObsolete(Exception):
    """Raised by a renderer: what the message was about changed meanwhile, so that it would say
    something no longer true (a reminder of a cancelled event, a notice superseded by a newer
    one). The message is dropped, with this reason, instead of being sent."""


Renderer = Callable[[dict[str, Any]], RenderedEmail]
_renderers: dict[str, Renderer] = {}


def email_renderer(name: str) -> Callable[[Renderer], Renderer]:
    """Register a renderer under ``name`` (an app's, from its ``AppConfig.ready``): a function
    of the message's stored ``params`` that returns its :class:`RenderedEmail`, or raises
    :class:`EmailObsolete`. The ground knows no domain: the apps above bring their renderers."""

    def register(function: Renderer) -> Renderer:
        _renderers[name] = function
        return function

    return register


def render_template_email(
    template: str, context: dict[str, Any], *, attachments: list[Attachment] | None = None
) -> RenderedEmail:
    """A :class:`RenderedEmail` from ``templates/emails/<template>_…`` (see render_email)."""
    subject, text, html = render_email(template, context)
    return RenderedEmail(subject, text, html, attachments or [])


def email_queue_deferred(
    *,
    to: str,
    renderer: str,
    params: dict[str, Any],
    key: str | None = None,
) -> OutgoingEmail | None:
    """Store a message that the sender will build, by ``renderer`` from ``params`` (ids and
    small JSON values), when it sends it; at most once per ``key`` and recipient, as
    ``email_queue``. The caller's language goes with it, so the text is the one it would have
    rendered itself. Costs one INSERT in the caller's transaction, no template."""
    if renderer not in _renderers:
        raise LookupError(f"No email renderer named {renderer!r}")
    return email_queue(
        to=to,
        subject="",
        body_text="",
        key=key,
        renderer=renderer,
        params={"language": translation.get_language() or settings.LANGUAGE_CODE, **params},
    )


def _render_deferred(email: OutgoingEmail) -> RenderedEmail:
    """Build a deferred message now, in the language it was queued in."""
    params = dict(email.params)
    language = params.pop("language", settings.LANGUAGE_CODE)
    with translation.override(language):
        return _renderers[email.renderer](params)


def email_queue(
    *,
    to: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    key: str | None = None,
    attachments: list[Attachment] | tuple[Attachment, ...] = (),
    headers: dict[str, str] | None = None,
    wake: bool = True,
    renderer: str = "",
    params: dict[str, Any] | None = None,
) -> OutgoingEmail | None:
    """Store a message in the outbox; with a ``key``, at most once per key and recipient.

    Returns the new message, or None when that key was already queued for this recipient.
    ``wake=False`` leaves it to the periodic sweep (an error report must not send, or wait on
    the broker, inside the request that failed).
    """
    full_key = f"{key}:{to.lower()}" if key else None
    try:
        with transaction.atomic():
            email = OutgoingEmail.objects.create(
                key=full_key,
                to=to,
                subject=subject[:300],
                body_text=body_text,
                body_html=body_html,
                headers=headers or {},
                attachments=[a.__dict__ for a in attachments],
                renderer=renderer,
                params=params or {},
            )
    except IntegrityError:
        if full_key and OutgoingEmail.objects.filter(key=full_key).exists():
            return None
        raise
    if wake:
        _wake_after_commit()
    return email


@dataclass(frozen=True)
class BulkMessage:
    """One message of ``email_queue_bulk``: already rendered, with its key (without recipient)."""

    to: str
    subject: str
    body_text: str
    body_html: str = ""
    key: str | None = None
    headers: dict[str, str] | None = None


def email_queue_bulk(*, messages: list[BulkMessage]) -> list[OutgoingEmail]:
    """Store many messages with one INSERT (per database batch) and one wake-up after commit.

    For senders that queue hundreds at once (a newsletter issue) and make sure themselves,
    under a lock, that nothing is queued twice: a ``key`` already queued for that recipient is
    not skipped as ``email_queue`` does, it raises IntegrityError and rolls the caller's
    transaction back (the unique key is the last line of defence). Returns the new messages,
    with their primary keys, in the order given.
    """
    if not messages:
        return []
    emails = OutgoingEmail.objects.bulk_create(
        [
            OutgoingEmail(
                key=f"{m.key}:{m.to.lower()}" if m.key else None,
                to=m.to,
                subject=m.subject[:300],
                body_text=m.body_text,
                body_html=m.body_html,
                headers=m.headers or {},
                attachments=[],
            )
            for m in messages
        ]
    )
    _wake_after_commit()
    return emails


class _WakeUps(threading.local):
    """The wake-ups of this thread's open transactions, as one batch (see _wake_after_commit)."""

    batch: _Batch | None = None


class _Batch:
    """Wake-ups registered since the sender was last woken in this thread: the first of them to
    run after a commit wakes it, the others find the batch done."""

    def __init__(self) -> None:
        self.done = False


_pending = _WakeUps()


def _wake_after_commit() -> None:
    """One wake-up per transaction, however many messages it queues: a batch of reminders or a
    message to every registrant must not cost one broker round trip (or, with Redis hung, one
    socket timeout) per message.

    Only public APIs: each message registers its own on-commit hook, and all the hooks of this
    thread point to one batch until one of them has run. After a commit the first hook wakes the
    sender and marks the batch done; the others do nothing. Hooks of a rolled-back transaction
    or savepoint are dropped by Django, so a later committed hook of the same batch still wakes
    the sender: no commit is left without its wake-up.
    """
    batch = _pending.batch
    if batch is None or batch.done:
        batch = _pending.batch = _Batch()

    def wake() -> None:
        if batch.done:
            return
        batch.done = True
        wake_sender()

    transaction.on_commit(wake)


def email_queue_template(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    key: str | None = None,
    attachments: list[Attachment] | tuple[Attachment, ...] = (),
    headers: dict[str, str] | None = None,
) -> OutgoingEmail | None:
    subject, text, html = render_email(template, context)
    return email_queue(
        to=to,
        subject=subject,
        body_text=text,
        body_html=html,
        key=key,
        attachments=attachments,
        headers=headers,
    )


# Set in the shared cache (Redis) when a wake-up is published, deleted by the sender when it
# starts reading the queue: while it is set, a wake-up is on its way and will find whatever was
# committed before it started, so another one would add nothing but a broker round trip
# (a quarter of a registration's CPU). The expiry bounds a lost wake-up (a worker killed).
WAKE_PENDING_KEY = "portal:mail:wake-pending"
WAKE_PENDING_SECONDS = 30


def _wake_flag_shared() -> bool:
    """Only a cache shared with the workers (Redis) can carry the flag: the embedded default's
    local cache would hold it in the web process, where the sender could not clear it."""
    return bool(getattr(settings, "REDIS_URL", ""))


def wake_sender() -> bool:
    """Ask a worker to send now; a dead or hung broker only delays the mail until the sweep.
    Returns whether the wake-up was published (skipped while the Redis breaker is open, or
    while a wake-up already published has not reached the sender yet)."""
    from portal.tasks import send_queued_emails

    if _wake_flag_shared() and not cache.add(WAKE_PENDING_KEY, 1, WAKE_PENDING_SECONDS):
        return False  # one is pending: the sender clears the flag before it reads the queue
    return task_publish(send_queued_emails)


def wake_received() -> None:
    """Called by the sender before it reads the queue: the next commit wakes it again."""
    if _wake_flag_shared():
        cache.delete(WAKE_PENDING_KEY)


def _claim(emails: list[OutgoingEmail]) -> list[OutgoingEmail]:
    """Claim for sending those of ``emails`` still queued; returns them, in order.

    One transaction for the group: the rows are locked as they are read (PostgreSQL; another
    run skips them and takes the next), or the whole database is (SQLite's transactions are
    IMMEDIATE), so a row another run took meanwhile is not claimed twice.
    """
    now = timezone.now()
    with transaction.atomic():
        mine = set(
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(pk__in=[email.pk for email in emails], status=OutgoingEmail.Status.QUEUED)
            .values_list("pk", flat=True)
        )
        if mine:
            OutgoingEmail.objects.filter(pk__in=mine).update(
                status=OutgoingEmail.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
            )
    claimed = [email for email in emails if email.pk in mine]
    for email in claimed:
        email.attempts += 1  # as the UPDATE counted it
    return claimed


def _mark_sent(pks: list[int]) -> None:
    """Record in one UPDATE that the server accepted these messages."""
    OutgoingEmail.objects.filter(pk__in=pks).update(
        status=OutgoingEmail.Status.SENT, sent_at=timezone.now(), last_error=""
    )


def _release(emails: list[OutgoingEmail]) -> None:
    """Put back in the queue claimed messages the run stopped before trying: nothing of them
    was sent, and their claim does not count as an attempt."""
    OutgoingEmail.objects.filter(
        pk__in=[email.pk for email in emails], status=OutgoingEmail.Status.SENDING
    ).update(status=OutgoingEmail.Status.QUEUED, claimed_at=None, attempts=F("attempts") - 1)


def _message(email: OutgoingEmail, connection: Any) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers=email.headers,
        connection=connection,
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    for attachment in email.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return message


def _quiet(sock: Any) -> bool:
    """Whether an open SMTP socket has nothing to read between two messages, as it should: a
    server that closed it, or announced it would (421), has made it readable."""
    if getattr(sock, "pending", None) and sock.pending():  # TLS data already decrypted
        return False
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return False
    return not readable


def _ensure_open(connection: Any) -> None:
    """Open the connection, or reopen it if the server dropped it, before claiming anything:
    a failure here leaves every message queued, since nothing was sent. A connection whose
    socket is open and quiet is used as it is (a NOOP round trip per message cost more than
    the database's writes); one that is closed, or that the server wrote to unasked, is
    checked with a NOOP and reopened if dead."""
    smtp = getattr(connection, "connection", None)  # smtplib.SMTP of Django's SMTP backend
    if smtp is not None:
        sock = getattr(smtp, "sock", None)
        if sock is not None and _quiet(sock):
            return
        try:
            smtp.noop()
            return
        except UNCERTAIN:
            connection.close()
    connection.open()


def email_send_queued(
    *, limit: int = SEND_BATCH, connection: Any = None, group: int | None = None
) -> int:
    """Send up to ``limit`` queued messages; returns how many were sent.

    Messages are claimed before they are sent, ``group`` (``CLAIM_GROUP``) at a time in one
    transaction, and recorded as sent a group at a time in one UPDATE: two statements for
    twenty messages rather than two for each. What the server refuses is retried (a temporary
    4xx refusal, up to MAX_ATTEMPTS) or failed (a permanent one), at once; a conversation cut
    before the server's answer leaves the message "sending" for staff to check, never resent by
    itself. A run that stops (server unreachable, an exception) records what was accepted and
    puts back what it had not tried; only a worker killed outright leaves its group (at most
    ``CLAIM_GROUP`` messages, some perhaps received) "sending", shown as uncertain after
    ``UNCERTAIN_AFTER`` for staff to check. ``connection``: an open mail connection to reuse
    (email_send_backlog's); otherwise one is opened and closed here.
    """
    # Read once with their content, which never changes once queued; a row another run took
    # meanwhile is not claimed.
    emails = list(OutgoingEmail.objects.queued().order_by("created_at")[:limit])
    if not emails:
        return 0
    size = max(1, group or CLAIM_GROUP)
    own = connection is None
    if own:
        connection = get_connection(fail_silently=False)
    sent = 0
    accepted: list[int] = []  # sent, not yet recorded as such
    claimed: list[OutgoingEmail] = []  # claimed, not yet tried
    try:
        position = 0
        while claimed or position < len(emails):
            try:
                _ensure_open(connection)
            except (smtplib.SMTPException, OSError) as exc:
                logger.warning(
                    "Mail server unreachable (%s); the queue waits for the next run", exc
                )
                break
            if not claimed:
                if accepted:
                    _mark_sent(accepted)
                    accepted = []
                claimed = _claim(emails[position : position + size])
                position += size
                continue
            email = claimed.pop(0)
            pk = email.pk
            if email.renderer and not _build(email):
                continue  # obsolete (dropped) or not renderable (failed): recorded by _build
            try:
                _message(email, connection).send()
            except smtplib.SMTPResponseException as exc:  # the server answered no: not stored
                retry = 400 <= exc.smtp_code < 500 and email.attempts < MAX_ATTEMPTS
                _finish(
                    pk, OutgoingEmail.Status.QUEUED if retry else OutgoingEmail.Status.FAILED, exc
                )
            except smtplib.SMTPRecipientsRefused as exc:
                _finish(pk, OutgoingEmail.Status.FAILED, exc)
            except UNCERTAIN as exc:
                _finish(pk, OutgoingEmail.Status.SENDING, exc, note=UNCERTAIN_NOTE)
                connection.close()  # reopened (or found unreachable) before the next one
            except Exception as exc:  # refused for good (bad address, bad content)
                logger.exception("Email %s refused", pk)
                _finish(pk, OutgoingEmail.Status.FAILED, exc)
            else:
                accepted.append(pk)
                sent += 1
    finally:
        try:
            if accepted:
                _mark_sent(accepted)
            if claimed:
                _release(claimed)
        finally:
            if own:
                connection.close()
    return sent


def email_send_backlog(*, budget: float | None = None) -> tuple[int, bool]:
    """Send batch after batch until the queue is empty, a batch sends nothing (the server is
    unreachable or refuses everything), or ``budget`` seconds have passed; one mail connection
    for them all.

    Returns (messages sent, whether some may still wait): a newsletter issue queues thousands,
    which one batch every minute would take hours to send.
    """
    deadline = None if budget is None else time.monotonic() + budget
    total = 0
    connection = get_connection(fail_silently=False)
    try:
        while True:
            sent = email_send_queued(connection=connection)
            total += sent
            if not sent or not OutgoingEmail.objects.queued().exists():
                return total, False
            if deadline is not None and time.monotonic() > deadline:
                return total, True
    finally:
        connection.close()


def _build(email: OutgoingEmail) -> bool:
    """Render a deferred message into its row (the outbox shows what was sent), after its
    claim; False when it is not to be sent: obsolete (dropped) or not renderable (failed)."""
    try:
        rendered = _render_deferred(email)
    except EmailObsolete as exc:
        OutgoingEmail.objects.filter(pk=email.pk).update(
            status=OutgoingEmail.Status.DROPPED, last_error=str(exc)[:2000]
        )
        logger.info("Email %s dropped: %s", email.pk, exc)
        return False
    except Exception as exc:
        logger.exception("Email %s could not be built", email.pk)
        _finish(email.pk, OutgoingEmail.Status.FAILED, exc)
        return False
    email.subject = " ".join(rendered.subject.split())[:300]
    email.body_text = rendered.body_text
    email.body_html = rendered.body_html
    email.attachments = [a.__dict__ for a in rendered.attachments]
    OutgoingEmail.objects.filter(pk=email.pk).update(
        subject=email.subject,
        body_text=email.body_text,
        body_html=email.body_html,
        attachments=email.attachments,
    )
    return True


def _finish(pk: int, status: str, exc: Exception, *, note: str = "") -> None:
    error = f"{note} {exc!r}".strip()
    OutgoingEmail.objects.filter(pk=pk).update(status=status, last_error=error[:2000])
    logger.warning("Email %s not sent (%s): now %s", pk, exc, status)


def email_purge_content(*, now: datetime.datetime | None = None) -> int:
    """Blank the content of messages sent more than ``CONTENT_KEPT_DAYS`` ago; returns how
    many. The row stays (recipient, subject, dates, key) as the record of what was sent and so
    that its key still stops a second sending; the body, which may hold personal links, goes.
    A newsletter issue alone writes thousands of rows of some 12 KB each."""
    before = (now or timezone.now()) - datetime.timedelta(days=CONTENT_KEPT_DAYS)
    return (
        OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT, sent_at__lt=before)
        .exclude(body_text="", body_html="", attachments=[])
        .update(body_text="", body_html="", attachments=[])
    )


def email_requeue(*, pks: list[int]) -> int:
    """Staff's resend: put failed messages, and uncertain ones (interrupted mid-send longer
    than ``UNCERTAIN_AFTER`` ago), back in the queue. A message being sent right now is left
    alone: requeued, it would go out twice for sure."""
    return (
        OutgoingEmail.objects.filter(pk__in=pks)
        .filter(Q(status=OutgoingEmail.Status.FAILED) | uncertain_q())
        .update(status=OutgoingEmail.Status.QUEUED, claimed_at=None)
    )
