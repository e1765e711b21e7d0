"""The harness of the tests that run a real Redis, a real Celery worker and a real SMTP server.

Each test runs its own throwaway ``redis-server`` on 127.0.0.1 (``throwaway_redis``), points
the test process's Celery app at it (``broker``), and starts ``celery -A portal worker`` (the
worker service's verb, production settings) against pytest-django's test database and an SMTP
sink (``worker``, ``tests/smtp_sink.py``). The shared Redis of the machine is never touched,
beyond being the condition for running at all (``requires_services``).

Used by tests/events/test_delivery.py and tests/newsletter/test_delivery.py.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import kombu.pools
import pytest
import redis
from django.conf import settings

from portal import circuit
from portal.celery import app
from tests.portal.test_processes import ENTRYPOINT, free_port, production_env, running, tail
from tests.smtp_sink import SmtpSink

# The services marker lets `-m "not services"` deselect these; the skip covers a plain run
# (and PORTAL_TESTS_STRICT=1 turns it into a failure in CI).
requires_services = pytest.mark.skipif(
    not os.environ.get("REDIS_URL")
    or not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="REDIS_URL ou DATABASE_URL PostgreSQL absent : ce test a besoin des deux",
)

ARRIVE_WITHIN = 30.0  # seconds: the bound for an email to reach the SMTP server
WORKER_START_WITHIN = 60.0


def wait_for(
    condition: Callable[[], bool],
    *,
    timeout: float,
    what: str,
    log: Path | None = None,
    interval: float = 0.1,
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
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


@dataclass
class RedisProcess:
    """A throwaway redis-server that a test may stop, freeze (SIGSTOP) and thaw."""

    url: str
    proc: subprocess.Popen

    def freeze(self) -> None:
        os.kill(self.proc.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self.proc.pid, signal.SIGCONT)

    def stop(self) -> None:
        self.thaw()
        self.proc.terminate()
        self.proc.wait(timeout=10)


@contextmanager
def redis_process(tmp_path: Path, port: int | None = None) -> Iterator[RedisProcess]:
    """Like ``throwaway_redis``, with the process to stop or freeze; thawed and stopped on exit
    (never the machine's shared Redis)."""
    port = port or free_port()
    log = tmp_path / f"redis-{port}.log"
    args = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    args += ["--appendonly", "no", "--dir", str(tmp_path)]
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
        server = RedisProcess(url=f"redis://127.0.0.1:{port}/0", proc=proc)
        try:
            yield server
        finally:
            if proc.poll() is None:
                with suppress(ProcessLookupError):
                    server.thaw()


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


def reset_broker_pools() -> None:
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
    reset_broker_pools()
    circuit.reset_all()  # a breaker left open by an earlier test on the same port
    app.conf.broker_url = url
    try:
        yield
    finally:
        reset_broker_pools()
        circuit.reset_all()
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
    tmp_path: Path, *, redis_url: str, sink: SmtpSink, name: str = "worker", concurrency: int = 1
) -> Iterator[tuple[subprocess.Popen, Path, dict[str, str]]]:
    """``celery -A portal worker`` as the worker service runs it, in its own process group,
    ready when it yields; stopped (the whole group) on exit."""
    env = service_env(tmp_path, redis_url=redis_url, sink=sink)
    log = tmp_path / f"{name}.log"
    args = ["sh", str(ENTRYPOINT), "worker", "--concurrency", str(concurrency)]
    args += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    with running(args, env=env, log=log) as proc:

        def ready() -> bool:
            if proc.poll() is not None:
                pytest.fail(f"{name} exited ({proc.returncode})\n{tail(log)}")
            return " ready." in log.read_text(errors="replace")

        wait_for(ready, timeout=WORKER_START_WITHIN, what=f"{name} start-up", log=log)
        yield proc, log, env


def run_task(task: Any, log: Path, *args: Any, timeout: float = ARRIVE_WITHIN) -> str:
    """Send ``task`` through the broker and wait until the worker writing ``log`` has run it;
    returns the worker's line (``… succeeded in …s: <return value>``)."""
    reset_broker_pools()
    task_id = task.delay(*args).id
    marker = f"{task.name}[{task_id}] succeeded"

    def done() -> bool:
        return marker in log.read_text(errors="replace")

    wait_for(done, timeout=timeout, what=f"{task.name} run by the worker", log=log)
    return next(line for line in log.read_text().splitlines() if marker in line)


def sweep(log: Path, *, timeout: float = ARRIVE_WITHIN) -> str:
    """The outbox sweep (``send_queued_emails``) through the broker, run by the worker; returns
    the worker's line (``… succeeded in …s: <number sent>``)."""
    from portal.tasks import send_queued_emails

    return run_task(send_queued_emails, log, timeout=timeout)


def summary(record_property: Any, scenario: str, **timings: float | int | str) -> None:
    """Record the timings in the JUnit report and print a one-line summary (``-s``)."""
    for key, value in timings.items():
        record_property(key, round(value, 2) if isinstance(value, float) else value)
    parts = ", ".join(
        f"{k}={v:.2f}s" if isinstance(v, float) else f"{k}={v}" for k, v in timings.items()
    )
    print(f"[delivery] {scenario}: {parts}")
