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

Two modules: ``queueing`` (rendering, the queue, the wake-up) and ``sending`` (claims, SMTP,
requeue, purge); every name is read from ``portal.mail``.
"""

from portal.mail.queueing import (
    SITE_NAME,
    WAKE_PENDING_KEY,
    Attachment,
    BulkMessage,
    EmailObsolete,
    RenderedEmail,
    email_queue,
    email_queue_bulk,
    email_queue_deferred,
    email_queue_template,
    email_renderer,
    render_email,
    render_template_email,
    wake_hold,
    wake_received,
    wake_sender,
)
from portal.mail.sending import (
    CLAIM_GROUP,
    CONTENT_KEPT_DAYS,
    MAX_ATTEMPTS,
    SEND_BATCH,
    UNCERTAIN_NOTE,
    email_purge_content,
    email_requeue,
    email_send_backlog,
    email_send_queued,
    email_send_woken,
)

__all__ = [
    "CLAIM_GROUP",
    "CONTENT_KEPT_DAYS",
    "MAX_ATTEMPTS",
    "SEND_BATCH",
    "SITE_NAME",
    "UNCERTAIN_NOTE",
    "WAKE_PENDING_KEY",
    "Attachment",
    "BulkMessage",
    "EmailObsolete",
    "RenderedEmail",
    "email_purge_content",
    "email_queue",
    "email_queue_bulk",
    "email_queue_deferred",
    "email_queue_template",
    "email_renderer",
    "email_requeue",
    "email_send_backlog",
    "email_send_queued",
    "email_send_woken",
    "render_email",
    "render_template_email",
    "wake_hold",
    "wake_received",
    "wake_sender",
]
