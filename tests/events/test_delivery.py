"""Registration emails through a real Redis, a real Celery worker and a real SMTP server.

Each test runs its own throwaway ``redis-server`` (or a dead or hung port) on 127.0.0.1, points
the test process's Celery app at it, and starts ``celery -A portal worker`` (the worker
service's verb, production settings) against the test database and an SMTP sink
(``tests/smtp_sink.py``). The shared Redis of the machine is never touched, beyond being
the condition for running at all.

Scenarios: delivery once; Redis dead, then back; Redis hung, then back; a worker killed during
a send (with a server that had, or had not, queued the message); the reply to DATA lost after
the server queued the message. Each records its timings (``record_property``) and prints a
one-line summary. Two are expected failures for now, each with its reason: registering with a
hung Redis takes ~4 s (bound 3 s), and a lost reply to DATA makes the sweep send it again.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import quote

import kombu.pools
import pytest
import redis
from django.conf import settings
from django.db import transaction

from events.models import Registration
from events.registrations import registration_create
from portal.celery import app
from portal.mail import email_requeue
from portal.models import OutgoingEmail
from portal.tasks import send_queued_emails
from tests.events.factories import EventFactory
from tests.portal.factories import UserFactory
from tests.portal.test_processes import ENTRYPOINT, ROOT, free_port, production_env, running, tail
from tests.smtp_sink import SmtpSink, smtp_sink

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL")
        or not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="REDIS_URL ou DATABASE_URL PostgreSQL absent : ce test a besoin des deux",
    ),
    pytest.mark.django_db(transaction=True),
]

REGISTER_WITHIN = 3.0  # seconds: the bound for registering with a dead or hung Redis
HUNG_HARD_LIMIT = 10.0  # seconds: beyond this a hung broker holds requests, whatever the settings
ARRIVE_WITHIN = 30.0  # seconds: the bound for an email to reach the SMTP server
WORKER_START_WITHIN = 60.0


# --- Servers and processes -----------------------------------------------------------------


def wait_for(
    condition: Callable[[], bool], *, timeout: float, what: str, log: Path | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"{what}: not within {timeout} s" + (f"\n{tail(log)}" if log else ""))


@contextmanager
def throwaway_redis(tmp_path: Path, port: int | None = None) -> Iterator[str]:
    """A private redis-server on 127.0.0.1 (no persistence), stopped on exit."""
    port = port or free_port()
    log = tmp_path / f"redis-{port}.log"
    args = [
        "redis-server",
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(tmp_path),
    ]
    with running(args, env=dict(os.environ), log=log) as proc:
        client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=1)

        def up() -> bool:
            if proc.poll() is not None:
                pytest.fail(f"redis-server exited ({proc.returncode})\n{tail(log)}")
            with suppress(redis.RedisError):
                return bool(client.ping())
            return False

        wait_for(up, timeout=10, what="throwaway redis-server", log=log)
        client.close()
        yield f"redis://127.0.0.1:{port}/0"


@contextmanager
def hung_server() -> Iterator[int]:
    """A TCP server on 127.0.0.1 that accepts connections and never answers (a wedged Redis)."""
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.1)
    stop = threading.Event()
    accepted: list[socket.socket] = []

    def accept_forever() -> None:
        while not stop.is_set():
            with suppress(TimeoutError, OSError):
                accepted.append(server.accept()[0])

    thread = threading.Thread(target=accept_forever, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in accepted:
            conn.close()
        server.close()


def _reset_broker_pools() -> None:
    """Drop the broker connections this process holds (kombu's pools are global and keyed by
    connection), so the next .delay() connects to ``broker_url`` anew."""
    kombu.pools.reset()
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@contextmanager
def broker(url: str) -> Iterator[None]:
    """Point this process's .delay() (and the wake-up after commit) at ``url``."""
    previous = app.conf.broker_url
    assert not app.conf.task_always_eager, "a services test must use the real broker"
    _reset_broker_pools()
    app.conf.broker_url = url
    try:
        yield
    finally:
        _reset_broker_pools()
        app.conf.broker_url = previous


def worker_database_url() -> str:
    """The URL of pytest-django's test database, for the processes started here."""
    db = settings.DATABASES["default"]
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{quote(db['NAME'], safe='')}"


def service_env(tmp_path: Path, *, redis_url: str, sink: SmtpSink) -> dict[str, str]:
    """A container's environment (production settings) on the test database, the given Redis
    and the SMTP sink."""
    return production_env(
        tmp_path,
        services=True,
        DATABASE_URL=worker_database_url(),
        REDIS_URL=redis_url,
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(sink.port),
        HOSTNAME=f"chantiers-delivery-{uuid.uuid4().hex[:12]}",
    )


@contextmanager
def worker(
    tmp_path: Path, *, redis_url: str, sink: SmtpSink, name: str = "worker"
) -> Iterator[tuple[subprocess.Popen, Path, dict[str, str]]]:
    """``celery -A portal worker`` as the worker service runs it, in its own process group,
    ready when it yields; stopped (the whole group) on exit."""
    env = service_env(tmp_path, redis_url=redis_url, sink=sink)
    log = tmp_path / f"{name}.log"
    args = ["sh", str(ENTRYPOINT), "worker", "--concurrency", "1", "--without-gossip"]
    args += ["--without-mingle", "--without-heartbeat"]
    with running(args, env=env, log=log) as proc:

        def ready() -> bool:
            if proc.poll() is not None:
                pytest.fail(f"{name} exited ({proc.returncode})\n{tail(log)}")
            return " ready." in log.read_text(errors="replace")

        wait_for(ready, timeout=WORKER_START_WITHIN, what=f"{name} start-up", log=log)
        yield proc, log, env


def sweep(log: Path, *, timeout: float = ARRIVE_WITHIN) -> str:
    """Send the sweep task through the broker and wait until the worker has run it; returns
    the worker's line (``… succeeded in …s: <number sent>``)."""
    _reset_broker_pools()
    task_id = send_queued_emails.delay().id
    marker = f"portal.tasks.send_queued_emails[{task_id}] succeeded"

    def done() -> bool:
        return marker in log.read_text(errors="replace")

    wait_for(done, timeout=timeout, what="sweep task run by the worker", log=log)
    return next(line for line in log.read_text().splitlines() if marker in line)


def register(*, email: str) -> tuple[Registration, float]:
    """Register a new person to a new event, as the view would (one transaction, the wake-up
    after commit); returns the registration and the seconds it took, commit included."""
    user = UserFactory(email=email)
    event = EventFactory()
    start = time.monotonic()
    with transaction.atomic():
        registration = registration_create(user=user, event=event, organisation="Asbl Exemple")
    return registration, time.monotonic() - start


def outbox_row(email: str) -> OutgoingEmail:
    return OutgoingEmail.objects.get(to=email)


def summary(record_property, scenario: str, **timings: float | int | str) -> None:
    for key, value in timings.items():
        record_property(key, round(value, 2) if isinstance(value, float) else value)
    parts = ", ".join(
        f"{k}={v:.2f}s" if isinstance(v, float) else f"{k}={v}" for k, v in timings.items()
    )
    print(f"[delivery] {scenario}: {parts}")


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

        row = outbox_row(email)
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

            # Staff's resend from the admin.
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
        event = EventFactory(
            start=timezone.now() + timedelta(days=1, hours=1), end=None, reminder_days_before=2
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
            _reset_broker_pools()
            task_id = send_due_reminders.delay().id
            marker = f"events.tasks.send_due_reminders[{task_id}] succeeded"
            wait_for(
                lambda m=marker: m in log.read_text(errors="replace"),
                timeout=ARRIVE_WITHIN,
                what="the reminder task run by the worker",
                log=log,
            )
        messages = sink.wait_for(2, timeout=ARRIVE_WITHIN, to=email)
        arrived = time.monotonic() - start
        sweep(log)
        reminders = [m for m in sink.delivered(to=email) if m is not messages[0]]
        assert len(sink.delivered(to=email)) == 2, [m.parsed()["Subject"] for m in messages]
        assert len(reminders) == 1
    summary(record_property, "6 reminder via beat's task twice", arrival_s=arrived, delivered=1)
