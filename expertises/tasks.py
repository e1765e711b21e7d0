"""Celery tasks of the catalogue: the hourly scan of open needs for new matches."""

from celery import shared_task


@shared_task(ignore_result=True)
def notify_need_matches() -> int:
    """Queue the match emails that no hook sent. Idempotent: the outbox key of each
    (need, match) lets it through once, so a second run queues nothing."""
    from expertises.services import needs_notify_all_matches

    return needs_notify_all_matches()
