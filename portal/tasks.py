"""Site-wide Celery tasks: the heartbeat (broker, worker and cache alive) and the outbox sender."""

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


@shared_task(ignore_result=True)
def send_queued_emails() -> int:
    """Send what the outbox holds. Safe to run twice at once: each message is claimed first.

    Woken after each commit that queues mail, and run every minute by beat as a sweep for what
    a broker outage left behind.
    """
    from portal.mail import email_send_queued

    return email_send_queued()
