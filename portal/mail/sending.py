"""Sending: claim queued messages a group at a time, send them over one SMTP connection,
record what the server accepted; requeue and purge for staff and the sweeps."""

from __future__ import annotations

import datetime
import logging
import select
import smtplib
import time
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from portal.mail.queueing import EmailObsolete, _render_deferred, wake_hold, wake_received
from portal.models import OutgoingEmail, uncertain_q

logger = logging.getLogger(__name__)

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


def email_send_woken(*, budget: float) -> tuple[int, bool]:
    """What the woken sender runs: the backlog, holding the wake-up flag meanwhile so that the
    commits of a rush do not publish one wake-up each while it sends (see ``WAKE_PENDING_KEY``);
    then the flag is dropped and the queue looked at once more, for what committed while it
    was held. Returns as ``email_send_backlog``: (sent, whether some may still wait because the
    budget ran out). A pass that sends nothing while messages wait (the server refuses or is
    unreachable) ends the run after one more try: the sweep takes them later.
    """
    deadline = time.monotonic() + budget
    total = 0
    idle = 0
    wake_hold(take_over=True)
    _settle(settings.MAIL_SETTLE_SECONDS, settings.MAIL_SETTLE_MAX_SECONDS)
    while True:
        sent, more = email_send_backlog(budget=max(0.0, deadline - time.monotonic()))
        total += sent
        wake_received()  # from now on a commit wakes a sender again
        if more:
            return total, True
        if not OutgoingEmail.objects.queued().exists():
            return total, False
        # Committed while the flag was held: its wake-up was skipped, this run sends it.
        idle = 0 if sent else idle + 1
        if idle > 1 or not wake_hold():
            return total, False  # left to the sweep, or to the run a wake-up just started


def _settle(quiet: float, at_most: float) -> None:
    """Wait until no message has been queued for ``quiet`` seconds, ``at_most`` seconds in
    all: while a rush of registrations commits, building and sending their confirmations would
    take the CPU and the database from the web workers answering the people (a rush of 200 on
    two cores: its p95 went from 1.3 s to 0.6 s without the sender). A single message waits
    ``quiet`` seconds. The wake-up flag is held meanwhile: the rush's commits publish nothing."""
    if quiet <= 0:
        return
    end = time.monotonic() + at_most
    newest = _newest_queued()
    while time.monotonic() + quiet <= end:
        time.sleep(quiet)
        latest = _newest_queued()
        if latest == newest:
            return
        newest = latest


def _newest_queued() -> int | None:
    """The key of the last message queued (a new one changes it): one index lookup."""
    return OutgoingEmail.objects.order_by("-pk").values_list("pk", flat=True).first()


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
