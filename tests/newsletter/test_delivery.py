"""A newsletter issue through a real Redis, real Celery workers and a real SMTP server: each
subscriber receives it exactly once, even when the worker is killed mid-way.

The harness is ``tests/workers.py`` (a throwaway Redis per test, ``celery -A portal worker``
with production settings on the PostgreSQL test database, the SMTP sink of
``tests/smtp_sink.py``). Nothing in the workers is patched: the issue goes to ``SUBSCRIBERS``
confirmed subscribers, several batches of ``BATCH_SIZE``, so that a kill can land between two
batches. The unit tests with injected failures are tests/newsletter/test_tasks.py and
test_sending.py; these prove the same with processes, a broker and SMTP.

Scenarios: the worker SIGKILLed while it queues the issue, then beat's ``resume_sending`` run
by a second worker; the send task delivered twice at once to a worker of two processes. Each
records its timings (``record_property``) and prints a one-line summary.
"""

from __future__ import annotations

import datetime
import os
import re
import signal
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import cast

import pytest
from django.db.models import QuerySet
from django.utils import timezone

from newsletter.models import Delivery, Issue, Subscriber
from newsletter.services.sending import BATCH_SIZE, issue_send_start
from newsletter.tasks import STALLED_AFTER, resume_sending, send_issue
from portal.models import OutgoingEmail, User
from tests.newsletter.factories import IssueFactory, SectionFactory
from tests.portal.factories import UserFactory
from tests.portal.test_processes import tail
from tests.smtp_sink import SmtpSink, smtp_sink
from tests.workers import (
    ARRIVE_WITHIN,
    broker,
    requires_services,
    run_task,
    summary,
    sweep,
    throwaway_redis,
    wait_for,
    worker,
)

pytestmark = [
    pytest.mark.services,
    requires_services,
    pytest.mark.django_db(transaction=True),
]

SUBSCRIBERS = 4 * BATCH_SIZE  # four batches: a kill after the first leaves most to do
SENT_WITHIN = 60.0  # seconds: the whole issue queued and through SMTP, after the (re)start
SENDING = OutgoingEmail.Status.SENDING


# --- Helpers -----------------------------------------------------------------------------


def confirmed_subscribers(count: int) -> list[Subscriber]:
    """``count`` confirmed subscribers of everything, in one INSERT."""
    tag = uuid.uuid4().hex[:8]
    now = timezone.now()
    return Subscriber.objects.bulk_create(
        Subscriber(
            email=f"abonne-{tag}-{i:05d}@example.org",
            status=Subscriber.Status.CONFIRMED,
            consent_at=now,
            consent_source="Page d'inscription",
        )
        for i in range(count)
    )


def draft_issue() -> Issue:
    issue = cast(Issue, IssueFactory())
    SectionFactory(issue=issue)
    return issue


def start_sending(issue: Issue) -> int:
    """Staff's "send" (the service the view calls): after commit, send_issue through the
    broker."""
    return issue_send_start(issue=issue, by=cast(User, UserFactory(is_staff=True)))


def outbox(issue: Issue) -> QuerySet[OutgoingEmail]:
    return OutgoingEmail.objects.filter(key__startswith=f"newsletter:{issue.pk}:")


def issue_status(issue: Issue) -> str:
    return Issue.objects.values_list("status", flat=True).get(pk=issue.pk)


def wait_until_sent(issue: Issue, *, uncertain: set[int], log: Path) -> None:
    """Until the issue is marked sent and its outbox has nothing left to send: no message
    queued, and none "sending" but those a kill left so (``uncertain``)."""

    def done() -> bool:
        if issue_status(issue) != Issue.Status.SENT:
            return False
        rows = outbox(issue)
        return not rows.filter(status=OutgoingEmail.Status.QUEUED).exists() and uncertain == set(
            rows.filter(status=SENDING).values_list("pk", flat=True)
        )

    wait_for(done, timeout=SENT_WITHIN, what="the issue sent and its outbox empty", log=log)


def received(sink: SmtpSink) -> Counter[str]:
    """How many copies each address received at the SMTP server."""
    return Counter(r.strip("<>").lower() for m in sink.delivered() for r in m.rcpt_to)


def assert_exactly_once(
    issue: Issue, subscribers: list[Subscriber], sink: SmtpSink, *, uncertain: set[int]
) -> None:
    """One delivery and one outbox message per subscriber; at the server, at most one copy
    per address, and exactly one for every message the outbox marks sent."""
    per_subscriber = Counter(
        Delivery.objects.filter(issue=issue).values_list("subscriber_id", flat=True)
    )
    assert per_subscriber == Counter({s.pk: 1 for s in subscribers})
    per_address = Counter(outbox(issue).values_list("to", flat=True))
    assert per_address == Counter({s.email: 1 for s in subscribers})

    copies = received(sink)
    assert max(copies.values()) == 1, copies.most_common(3)
    assert set(copies) <= {s.email for s in subscribers}
    sent = set(outbox(issue).filter(status=OutgoingEmail.Status.SENT).values_list("to", flat=True))
    assert len(sent) == len(subscribers) - len(uncertain)
    assert all(copies[email] == 1 for email in sent)
    # An interrupted SMTP conversation (uncertain) may or may not have reached the server.
    unsent = set(outbox(issue).filter(pk__in=uncertain).values_list("to", flat=True))
    assert set(copies) - sent <= unsent

    # Each copy is its recipient's own: a sample's one-click unsubscribe carries their token.
    tokens = {s.email: s.token for s in subscribers}
    for message in sink.delivered()[:: len(subscribers) // 20 or 1]:
        to = message.rcpt_to[0].strip("<>")
        parsed = message.parsed()
        assert parsed["Subject"] == issue.subject
        assert f"/{tokens[to]}/" in parsed["List-Unsubscribe"], (to, parsed["List-Unsubscribe"])


def task_returns(log: Path, task: str) -> list[int]:
    """The return values of the runs of ``task`` that the worker logged as succeeded."""
    pattern = re.compile(rf"{re.escape(task)}\[[^\]]+\] succeeded in [0-9.]+s: (\d+)")
    return [int(m.group(1)) for m in pattern.finditer(log.read_text(errors="replace"))]


# --- Scenarios -----------------------------------------------------------------------------


def test_worker_killed_while_queueing_the_issue_then_resumed_sends_each_once(
    tmp_path: Path, record_property
) -> None:
    """Killed between two batches, the issue stays "sending" with part of its deliveries (the
    task's message is unacknowledged, and Redis gives it back only after the one-hour
    visibility timeout). Beat's sweep finds it stalled and starts it again on a new worker.

    The resume goes through ``resume_sending`` rather than ``send_issue.delay(pk)``: it is what
    brings a killed send back in production, so the test proves that the sweep recognises the
    stalled issue, not only that the send task is idempotent (test_tasks.py does). The issue
    is made to look stalled by dating its deliveries and start back past ``STALLED_AFTER``,
    as two minutes of waiting would.
    """
    subscribers = confirmed_subscribers(SUBSCRIBERS)
    issue = draft_issue()
    with smtp_sink() as sink, throwaway_redis(tmp_path) as redis_url, broker(redis_url):
        with worker(tmp_path, redis_url=redis_url, sink=sink, name="worker-1") as (proc, log1, _):
            started = time.monotonic()
            assert start_sending(issue) == SUBSCRIBERS

            def partly_queued() -> bool:
                return 0 < Delivery.objects.filter(issue=issue).count() < SUBSCRIBERS

            wait_for(
                partly_queued,
                timeout=ARRIVE_WITHIN,
                what="the worker queueing the issue",
                log=log1,
                interval=0.01,
            )
            killed_after = time.monotonic() - started
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

        queued_at_kill = Delivery.objects.filter(issue=issue).count()
        assert 0 < queued_at_kill < SUBSCRIBERS, f"killed too late\n{tail(log1)}"
        assert queued_at_kill % BATCH_SIZE == 0  # whole batches: each is one transaction
        assert outbox(issue).count() == queued_at_kill
        assert issue_status(issue) == Issue.Status.SENDING
        # The worker ran the send task alone (one process, prefetch 1): nothing was in SMTP.
        uncertain = set(outbox(issue).filter(status=SENDING).values_list("pk", flat=True))
        copies_at_kill = len(sink.delivered())

        stalled = timezone.now() - STALLED_AFTER - datetime.timedelta(seconds=30)
        Delivery.objects.filter(issue=issue).update(created_at=stalled)
        Issue.objects.filter(pk=issue.pk).update(sending_started_at=stalled)

        with worker(tmp_path, redis_url=redis_url, sink=sink, name="worker-2") as (_, log2, _):
            restarted = time.monotonic()
            # The wake-ups worker-1 published after each batch wait in the queue: worker-2
            # sends those batches first, then runs the sweep, which finds the issue stalled.
            line = run_task(resume_sending, log2, timeout=SENT_WITHIN)
            assert line.rstrip().endswith(": 1"), line
            wait_until_sent(issue, uncertain=uncertain, log=log2)
            resumed_in = time.monotonic() - restarted
            # Beat's next runs find nothing left to do.
            assert run_task(resume_sending, log2).rstrip().endswith(": 0")
            assert sweep(log2).rstrip().endswith(": 0")
            resumed_runs = task_returns(log2, send_issue.name)

        assert_exactly_once(issue, subscribers, sink, uncertain=uncertain)
        assert resumed_runs == [SUBSCRIBERS - queued_at_kill]
        assert not uncertain, "a kill while queueing leaves no SMTP conversation cut short"
    summary(
        record_property,
        "N1 worker killed while queueing, resumed by the sweep",
        subscribers=SUBSCRIBERS,
        killed_after_s=killed_after,
        queued_at_kill=queued_at_kill,
        copies_at_kill=copies_at_kill,
        left_sending=len(uncertain),
        resumed_and_sent_s=resumed_in,
        copies=sum(received(sink).values()),
    )


def test_send_task_delivered_twice_at_once_sends_each_once(tmp_path: Path, record_property) -> None:
    """The send task twice in the queue (a broker redelivery, or staff's start and a sweep at
    the same moment), run side by side by a worker of two processes: the batches take turns
    on the issue's lock, the outbox claims each message once."""
    subscribers = confirmed_subscribers(SUBSCRIBERS)
    issue = draft_issue()
    with (
        smtp_sink() as sink,
        throwaway_redis(tmp_path) as redis_url,
        broker(redis_url),
        worker(tmp_path, redis_url=redis_url, sink=sink, concurrency=2) as (_, log, _),
    ):
        started = time.monotonic()
        assert start_sending(issue) == SUBSCRIBERS
        send_issue.delay(issue.pk)
        wait_until_sent(issue, uncertain=set(), log=log)
        took = time.monotonic() - started
        wait_for(
            lambda: len(task_returns(log, send_issue.name)) == 2,
            timeout=ARRIVE_WITHIN,
            what="both send tasks done",
            log=log,
        )
        runs = task_returns(log, send_issue.name)
        assert sweep(log).rstrip().endswith(": 0")

    assert sum(runs) == SUBSCRIBERS, runs
    assert_exactly_once(issue, subscribers, sink, uncertain=set())
    summary(
        record_property,
        "N2 send task twice at once, two processes",
        subscribers=SUBSCRIBERS,
        queued_by_each_run=" + ".join(str(n) for n in sorted(runs, reverse=True)),
        sent_s=took,
        copies=sum(received(sink).values()),
    )
