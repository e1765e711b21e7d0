"""Registration emails through a real Redis, a real Celery worker and a real SMTP server.

Each test runs its own throwaway ``redis-server`` (or a dead or hung port) on 127.0.0.1, points
the test process's Celery app at it, and starts ``celery -A portal worker`` (the worker
service's verb, production settings) against the test database and an SMTP sink
(``tests/smtp_sink.py``), with the harness of ``tests/workers.py``. The shared Redis of the
machine is never touched, beyond being the condition for running at all.

Scenarios: delivery once; Redis dead, then back; Redis hung, then back; a worker killed during
a send (with a server that had, or had not, queued the message); the reply to DATA lost after
the server queued the message. Each records its timings (``record_property``) and prints a
one-line summary.
"""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import cast

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from events.models import Event, Registration
from events.services import registration_create
from portal.mail import email_requeue
from portal.models import UNCERTAIN_AFTER, OutgoingEmail
from tests.events.factories import EventFactory
from tests.portal.factories import UserFactory
from tests.portal.test_processes import ROOT, free_port, tail
from tests.smtp_sink import smtp_sink
from tests.workers import (
    ARRIVE_WITHIN,
    broker,
    hung_server,
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

REGISTER_WITHIN = 3.0  # seconds: the bound for registering with a dead or hung Redis
HUNG_HARD_LIMIT = 10.0  # seconds: beyond this a hung broker holds requests, whatever the settings


# --- Helpers -----------------------------------------------------------------------------


def register(*, email: str) -> tuple[Registration, float]:
    """Register a new person to a new event, as the view would (one transaction, the wake-up
    after commit); returns the registration and the seconds it took, commit included."""
    user = UserFactory(email=email)
    event = cast(Event, EventFactory())
    start = time.monotonic()
    with transaction.atomic():
        registration = registration_create(user=user, event=event, organisation="Asbl Exemple")
    return registration, time.monotonic() - start


def outbox_row(email: str, *, settled_within: float = 0.0) -> OutgoingEmail:
    """The row, once the worker has recorded how its sending ended (the SMTP server holds the
    message a moment before the worker's UPDATE marks it sent)."""
    deadline = time.monotonic() + settled_within
    while True:
        row = OutgoingEmail.objects.get(to=email)
        if row.status != OutgoingEmail.Status.SENDING or time.monotonic() > deadline:
            return row
        time.sleep(0.05)


# --- Scenarios -----------------------------------------------------------------------------


def test_confirmation_arrives_once_and_a_second_sweep_sends_nothing(
    tmp_path: Path, record_property
) -> None:
    email = f"once-{uuid.uuid4().hex[:8]}@example.org"
    with (
        smtp_sink() as sink,
        throwaway_redis(tmp_path) as redis_url,
        broker(redis_url),
        worker(tmp_path, redis_url=redis_url, sink=sink) as (_proc, log, _env),
    ):
        registration, took = register(email=email)
        assert registration.status == Registration.Status.CONFIRMED
        start = time.monotonic()
        messages = sink.wait_for(1, timeout=ARRIVE_WITHIN, to=email)
        arrived = time.monotonic() - start
        assert len(messages) == 1, f"no email within {ARRIVE_WITHIN} s\n{tail(log)}"

        row = outbox_row(email, settled_within=10.0)
        assert row.status == OutgoingEmail.Status.SENT
        assert row.attempts == 1
        message = messages[0].parsed()
        assert message["Subject"] == row.subject
        assert message.get_body(("plain",)) is not None
        assert message.get_body(("html",)) is not None

        # The beat sweep, run twice more: nothing more goes out.
        lines = [sweep(log), sweep(log)]
        assert all(line.rstrip().endswith(": 0") for line in lines), lines
        assert len(sink.delivered(to=email)) == 1
        assert len(sink.delivered()) == 1
    summary(
        record_property,
        "1 worker up",
        register_s=took,
        arrival_s=arrived,
        delivered=len(sink.delivered(to=email)),
    )


def test_registering_with_redis_stopped_then_email_once_redis_is_back(
    tmp_path: Path, record_property
) -> None:
    email = f"dead-{uuid.uuid4().hex[:8]}@example.org"
    port = free_port()  # nothing listens there yet
    with smtp_sink() as sink, broker(f"redis://127.0.0.1:{port}/0"):
        registration, took = register(email=email)
        assert took < REGISTER_WITHIN, f"registering took {took:.2f} s with Redis stopped"
        assert Registration.objects.filter(pk=registration.pk).exists()
        assert outbox_row(email).status == OutgoingEmail.Status.QUEUED

        with (
            throwaway_redis(tmp_path, port=port) as redis_url,
            worker(tmp_path, redis_url=redis_url, sink=sink) as (_proc, log, _env),
        ):
            assert outbox_row(email).status == OutgoingEmail.Status.QUEUED
            start = time.monotonic()
            first = sweep(log)
            messages = sink.wait_for(1, timeout=ARRIVE_WITHIN, to=email)
            arrived = time.monotonic() - start
            assert len(messages) == 1, first
            assert first.rstrip().endswith(": 1"), first
            assert sweep(log).rstrip().endswith(": 0")
            assert len(sink.delivered(to=email)) == 1
            assert outbox_row(email).status == OutgoingEmail.Status.SENT
    summary(
        record_property,
        "2 Redis stopped",
        register_s=took,
        arrival_after_restart_s=arrived,
        delivered=len(sink.delivered(to=email)),
    )


def test_registering_with_redis_hung_then_email_once_redis_is_back(
    tmp_path: Path, record_property
) -> None:
    email = f"hung-{uuid.uuid4().hex[:8]}@example.org"
    with smtp_sink() as sink:
        with hung_server() as port, broker(f"redis://127.0.0.1:{port}/0"):
            registration, took = register(email=email)
            # Never blocked for long; the 3 s bound itself is checked at the end.
            assert took < HUNG_HARD_LIMIT, f"registering took {took:.2f} s with Redis hung"
            assert Registration.objects.filter(pk=registration.pk).exists()
            assert outbox_row(email).status == OutgoingEmail.Status.QUEUED

        # Redis comes back on the same port; beat's sweep, or ops running the command, sends
        # what is queued.
        with (
            throwaway_redis(tmp_path, port=port) as redis_url,
            broker(redis_url),
            worker(tmp_path, redis_url=redis_url, sink=sink) as (_proc, log, env),
        ):
            start = time.monotonic()
            command = subprocess.run(
                [sys.executable, "manage.py", "send_queued_emails"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            arrived = time.monotonic() - start
            assert command.returncode == 0, command.stderr[-3000:]
            assert "E-mails envoyés : 1" in command.stdout, command.stdout
            assert len(sink.delivered(to=email)) == 1
            # The periodic sweep through the worker afterwards finds nothing left.
            assert sweep(log).rstrip().endswith(": 0")
            assert len(sink.delivered(to=email)) == 1
            assert outbox_row(email).status == OutgoingEmail.Status.SENT
    summary(
        record_property,
        "3 Redis hung",
        register_s=took,
        arrival_after_restart_s=arrived,
        delivered=len(sink.delivered(to=email)),
    )
    # Bounded by the 2 s broker socket timeout, once: publishing is not retried
    # (CELERY_TASK_PUBLISH_RETRY_POLICY); with Celery's default retries it took 4.2-4.6 s.
    assert took < REGISTER_WITHIN, f"registering took {took:.2f} s with Redis hung"


@pytest.mark.parametrize(
    "server_queues_before_reply",
    [
        pytest.param(False, id="server-had-not-queued-it"),
        pytest.param(True, id="server-had-queued-it"),
    ],
)
def test_worker_killed_during_a_send_causes_no_duplicate(
    server_queues_before_reply: bool, tmp_path: Path, record_property
) -> None:
    """Killed while the server holds back its reply to DATA: never resent automatically.

    Whether the server kept the message depends on the server: a slow one that had not yet
    queued it drops it (staff's resend then delivers exactly one copy); one that had queued it
    delivers it (staff's resend then makes a second copy, staff's informed choice).
    """
    email = f"killed-{uuid.uuid4().hex[:8]}@example.org"
    # The sink holds its reply to DATA back (below the 10 s EMAIL_TIMEOUT of the settings, so
    # the worker is still waiting for it when it is killed).
    with (
        smtp_sink(data_delay=8.0, commit_before_reply=server_queues_before_reply) as sink,
        throwaway_redis(tmp_path) as redis_url,
        broker(redis_url),
    ):
        with worker(tmp_path, redis_url=redis_url, sink=sink, name="worker-1") as (proc, log1, _):
            _registration, took = register(email=email)
            registered_at = time.monotonic()
            pk = outbox_row(email).pk

            def mid_send() -> bool:
                with sink.lock:
                    pending = len(sink.pending)
                return pending == 1 and outbox_row(email).status == OutgoingEmail.Status.SENDING

            wait_for(mid_send, timeout=ARRIVE_WITHIN, what="worker sending the email", log=log1)
            killed_at = time.monotonic()
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

        wait_for(lambda: len(sink.aborted) == 1, timeout=5, what="the sink seeing the client leave")
        at_kill = len(sink.delivered(to=email))
        assert at_kill == (1 if server_queues_before_reply else 0)
        row = outbox_row(email)
        assert row.status == OutgoingEmail.Status.SENDING
        assert row.attempts == 1

        sink.data_delay = 0.0  # the server is well again
        with worker(tmp_path, redis_url=redis_url, sink=sink, name="worker-2") as (_, log2, _):
            # Not resent automatically: the sweep leaves an interrupted send for staff.
            assert sweep(log2).rstrip().endswith(": 0")
            assert len(sink.delivered(to=email)) == at_kill <= 1
            assert outbox_row(email).status == OutgoingEmail.Status.SENDING

            # Staff's resend from the admin: not while it might still be in progress; once the
            # stated delay has passed, the admin shows it as uncertain and resends it.
            assert email_requeue(pks=[pk]) == 0
            OutgoingEmail.objects.filter(pk=pk).update(
                claimed_at=timezone.now() - UNCERTAIN_AFTER - datetime.timedelta(seconds=1)
            )
            assert OutgoingEmail.objects.uncertain().filter(pk=pk).exists()
            assert email_requeue(pks=[pk]) == 1
            start = time.monotonic()
            line = sweep(log2)
            resent = time.monotonic() - start
            assert line.rstrip().endswith(": 1"), line
            assert sweep(log2).rstrip().endswith(": 0")
            row = outbox_row(email)
            assert row.status == OutgoingEmail.Status.SENT
            assert row.attempts == 2
        delivered = len(sink.delivered(to=email))
        assert delivered == at_kill + 1
    summary(
        record_property,
        "4 worker killed mid-send"
        + (" (server had queued it)" if server_queues_before_reply else " (server had not)"),
        register_s=took,
        killed_after_s=killed_at - registered_at,
        copies_before_staff=at_kill,
        resend_s=resent,
        copies_after_staff_resend=delivered,
    )


def test_reply_to_data_lost_after_the_server_queued_the_message_causes_no_duplicate(
    tmp_path: Path, record_property
) -> None:
    email = f"slow-{uuid.uuid4().hex[:8]}@example.org"
    timeout = settings.EMAIL_TIMEOUT or 10
    # Like an MTA that has queued the message and then stalls past the client's timeout.
    with (
        smtp_sink(data_delay=timeout + 3, commit_before_reply=True) as sink,
        throwaway_redis(tmp_path) as redis_url,
        broker(redis_url),
        worker(tmp_path, redis_url=redis_url, sink=sink) as (_proc, log, _env),
    ):
        _registration, _took = register(email=email)
        start = time.monotonic()

        def given_up() -> bool:
            # The worker has given up on the answer: the row says so, and stays "sending".
            return bool(outbox_row(email).last_error)

        wait_for(given_up, timeout=timeout + 20, what="the send timing out", log=log)
        timed_out = time.monotonic() - start
        row = outbox_row(email)
        assert len(sink.delivered(to=email)) == 1  # the server has it

        sink.data_delay = 0.0
        line = sweep(log)
        delivered = len(sink.delivered(to=email))
        summary(
            record_property,
            "5 DATA reply lost after the server queued it",
            client_gave_up_s=timed_out,
            status_after_timeout=row.status,
            sweep=line.rsplit(":", 1)[-1].strip(),
            delivered=delivered,
        )
        assert delivered == 1, f"{delivered} copies at the server; last_error {row.last_error!r}"
        assert row.status == OutgoingEmail.Status.SENDING  # left for staff to check


def test_reminder_arrives_once_through_beats_task_run_twice(
    tmp_path: Path, record_property
) -> None:
    """The reminder task, sent through the broker as beat sends it, twice: one reminder."""
    from datetime import timedelta

    from django.utils import timezone

    from events.tasks import send_due_reminders

    email = f"reminder-{uuid.uuid4().hex[:8]}@example.org"
    with (
        smtp_sink() as sink,
        throwaway_redis(tmp_path) as redis_url,
        broker(redis_url),
        worker(tmp_path, redis_url=redis_url, sink=sink) as (_proc, log, _env),
    ):
        # An event in 25 hours: its "two days before" reminder is due for whoever registered
        # before that moment (the registration is dated back four days).
        event = cast(
            Event,
            EventFactory(
                start=timezone.now() + timedelta(days=1, hours=1), end=None, reminder_days_before=2
            ),
        )
        with transaction.atomic():
            registration = registration_create(
                user=UserFactory(email=email), event=event, organisation="Asbl Exemple"
            )
        sink.wait_for(1, timeout=ARRIVE_WITHIN, to=email)  # the confirmation
        Registration.objects.filter(pk=registration.pk).update(
            registered_at=timezone.now() - timedelta(days=4)
        )
        start = time.monotonic()
        for _ in range(2):
            run_task(send_due_reminders, log)
        messages = sink.wait_for(2, timeout=ARRIVE_WITHIN, to=email)
        arrived = time.monotonic() - start
        sweep(log)
        reminders = [m for m in sink.delivered(to=email) if m is not messages[0]]
        assert len(sink.delivered(to=email)) == 2, [m.parsed()["Subject"] for m in messages]
        assert len(reminders) == 1
    summary(record_property, "6 reminder via beat's task twice", arrival_s=arrived, delivered=1)
