"""Queueing: messages rendered (now, or by the sender from stored ids) and stored in the
outbox in the caller's transaction; the sender woken after commit."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connections, router, transaction
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery
from django.template.loader import render_to_string
from django.utils import translation

from portal.broker import task_publish
from portal.models import OutgoingEmail

logger = logging.getLogger(__name__)

SITE_NAME = "Chantiers communs"  # how every email names the site


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
    email = OutgoingEmail(
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
    if full_key is None:
        with transaction.atomic():  # as before: a failure leaves the caller's transaction usable
            email.save(force_insert=True)
    elif not _insert_unless_queued(email):
        if OutgoingEmail.objects.filter(key=full_key).exists():
            return None
        # Refused for another reason (SQLite's OR IGNORE skips more than the key): say so.
        raise IntegrityError(f"Outgoing email to {to!r} not stored")
    if wake:
        _wake_after_commit()
    return email


def _insert_unless_queued(email: OutgoingEmail) -> bool:
    """Store a keyed message unless its key is already queued: one statement,
    ``INSERT … ON CONFLICT DO NOTHING RETURNING id`` (``INSERT OR IGNORE`` on SQLite), so that
    the caller's transaction survives a duplicate without a savepoint around the INSERT (two
    more round trips for every message, often while the caller holds a lock: a registration
    holds its event's). False when no row was inserted; the caller asks why.

    Built by Django's own INSERT compiler (field preparation, ``auto_now_add``), with the
    conflict clause and the returned id; ``post_save`` is not sent (the outbox has no receiver:
    the page cache ignores it).
    """
    connection = connections[router.db_for_write(OutgoingEmail)]
    meta = OutgoingEmail._meta
    query = InsertQuery(OutgoingEmail, on_conflict=OnConflict.IGNORE)
    query.insert_values(
        [f for f in meta.local_concrete_fields if f is not meta.auto_field and not f.generated],
        [email],
    )
    compiler = query.get_compiler(connection=connection)
    returning = connection.features.can_return_columns_from_insert
    compiler.returning_fields = [meta.pk] if returning else None
    with connection.cursor() as cursor:
        for sql, params in compiler.as_sql():
            cursor.execute(sql, params)
        if returning:
            row = cursor.fetchone()
            pk = row[0] if row else None
        else:
            pk = cursor.lastrowid if cursor.rowcount == 1 else None
    if pk is None:
        return False
    email.pk = pk
    email._state.adding = False
    email._state.db = connection.alias
    return True


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


# Set in the shared cache (Redis) when a wake-up is published, and held by the sender while it
# runs (``wake_hold``); deleted by the sender once it has sent what it found (``wake_received``),
# just before it looks at the queue once more. While it is set, a wake-up is on its way or the
# sender is running and will look again after the flag is gone, so another wake-up would add
# nothing but a broker round trip (a quarter of a registration's CPU): a commit that saw the
# flag committed before it was deleted, so the sender's last look finds its message. The
# expiry bounds a lost wake-up (a worker killed mid-run) or a run longer than it.
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


def wake_hold(*, take_over: bool = False) -> bool:
    """Called by the sender before it reads the queue: commits from now on do not wake it (it
    looks again after ``wake_received``). ``take_over``: hold the flag whatever it is (the
    start of a run: a wake-up still pending finds the queue sent). Without it, False when a
    wake-up was published since ``wake_received``: that run sends what waits."""
    if not _wake_flag_shared():
        return True
    if take_over:
        cache.set(WAKE_PENDING_KEY, 1, WAKE_PENDING_SECONDS)
        return True
    return bool(cache.add(WAKE_PENDING_KEY, 1, WAKE_PENDING_SECONDS))


def wake_received() -> None:
    """Called by the sender once it has sent what it found, before it looks at the queue once
    more (or by whoever knows the flag's holder is dead): the next commit wakes it again."""
    if _wake_flag_shared():
        cache.delete(WAKE_PENDING_KEY)
