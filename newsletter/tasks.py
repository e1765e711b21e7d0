"""Celery tasks of the newsletter: sending an issue in batches, and resuming stalled sends."""

from __future__ import annotations

import datetime
import time

from celery import shared_task
from django.db.models import Max
from django.db.models.functions import Coalesce
from django.utils import timezone

# A run stops after this many seconds and queues a fresh one for the rest: no task holds a
# worker for an hour, and a deploy's restart loses at most one batch's worth of progress.
TIME_BUDGET = 240.0
# A sending issue whose last batch is older than this has lost its task (worker killed,
# broker down when it was started): the beat sweep starts it again.
STALLED_AFTER = datetime.timedelta(minutes=2)


@shared_task(ignore_result=True, acks_late=True)
def send_issue(issue_pk: int) -> int:
    """Queue the issue for every subscriber left, batch after batch; returns how many.

    Idempotent and safe to run twice at once: each batch locks the issue and skips who already
    has a delivery, and (issue, subscriber) is unique. Returns quietly when the issue is gone or
    no longer sending; the last (empty) batch marks it sent.
    """
    from newsletter.models import Issue
    from newsletter.services import sending

    issue = Issue.objects.filter(pk=issue_pk, status=Issue.Status.SENDING).first()
    if issue is None:
        return 0
    rendered = sending.issue_render(issue=issue)  # once per run: the issue is frozen while sending
    deadline = time.monotonic() + TIME_BUDGET
    queued = 0
    while True:
        count = sending.issue_send_batch(
            issue_pk=issue_pk, size=sending.BATCH_SIZE, rendered=rendered
        )
        queued += count
        if not count:
            return queued
        if time.monotonic() > deadline:
            send_issue.delay(issue_pk)
            return queued


@shared_task(ignore_result=True)
def resume_sending() -> int:
    """Start again the sending of every issue that stalled; returns how many.

    Run by beat (see portal/celery.py). An issue still sending while its last batch (or its
    start) is older than ``STALLED_AFTER`` has no live task; one whose task is alive is left
    alone, so sweeps do not pile up runs that would only take turns on the lock.
    """
    from newsletter.models import Issue
    from portal.mail import wake_received

    stalled = (
        Issue.objects.sending()
        .annotate(last_activity=Coalesce(Max("deliveries__created_at"), "sending_started_at"))
        .filter(last_activity__lt=timezone.now() - STALLED_AFTER)
        .values_list("pk", flat=True)
    )
    pks = list(stalled)
    if pks:
        # A stalled send means a worker died, perhaps holding the sender's wake-up (reserved,
        # not run): its "wake-up pending" flag would silence the resumed batches' wake-ups
        # until it expires. Clearing it costs at most one extra wake-up.
        wake_received()
    for pk in pks:
        send_issue.delay(pk)
    return len(pks)
