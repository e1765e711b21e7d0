"""Site-wide Celery tasks: the heartbeat (broker, worker and cache alive), the outbox sender,
the daily purge of the content of old sent messages, and the hourly purge of import files
previewed and never confirmed."""

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_CACHE_KEY = "portal:heartbeat"


@shared_task(ignore_result=True)
def heartbeat() -> str:
    """Write the current time (ISO 8601) into the cache under ``HEARTBEAT_CACHE_KEY``.

    Idempotent: a second run only moves the time forward. With REDIS_URL set the cache is the
    Redis shared by web and worker, so ops (or a test) can read when a worker last ran a task.
    """
    now = timezone.now().isoformat()
    # No expiry: an old time is itself the signal that no worker has run lately.
    cache.set(HEARTBEAT_CACHE_KEY, now, timeout=None)
    return now


# A run stops after this many seconds and leaves the rest to a fresh task, so that a large
# backlog (a newsletter issue) never holds a worker, or a deploy's restart, for long.
SEND_BUDGET = 120.0


@shared_task(ignore_result=True)
def send_queued_emails() -> int:
    """Send what the outbox holds. Safe to run twice at once: each message is claimed first.

    Woken after each commit that queues mail, and run every minute by beat as a sweep for what
    a broker outage left behind. Sends until the queue is empty; past ``SEND_BUDGET`` it queues
    a fresh run for the rest.
    """
    from portal.mail import email_send_woken, wake_sender

    # Commits made while it runs wake no other run: it looks again before it stops.
    sent, more = email_send_woken(budget=SEND_BUDGET)
    if more:
        wake_sender()
    return sent


@shared_task(ignore_result=True)
def purge_sent_email_content() -> int:
    """Blank the content of messages sent long ago (idempotent: a second run finds none)."""
    from portal.mail import email_purge_content

    return email_purge_content()


@shared_task(ignore_result=True)
def purge_import_uploads() -> int:
    """Delete the import files previewed and never confirmed (idempotent: a second run finds
    none)."""
    from portal.imports.uploads import import_upload_purge

    return import_upload_purge()
