"""Scale-out: two web processes (gunicorn, the web service's verb, production settings) and two
Celery workers against one PostgreSQL and one Redis behave as one.

The 200-registration rush of tests/events/test_concurrency.py, over HTTP this time, split
between both web processes: exactly the capacity is confirmed, the rest wait in arrival order,
and each person receives exactly one email, sent by whichever worker took it. Sessions live in
the database and the rate limits in Redis, so a visitor may hit either process.
"""

from __future__ import annotations

import http.client
import secrets
import subprocess
import sys
import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from http import HTTPStatus
from importlib import import_module
from pathlib import Path
from typing import cast
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

from events.models import Event, Registration
from portal.models import OutgoingEmail, User
from tests.events.factories import EventFactory
from tests.portal.test_processes import ENTRYPOINT, EXAMPLE_HOST, ROOT, free_port, running, tail
from tests.smtp_sink import smtp_sink
from tests.workers import (
    broker,
    requires_services,
    service_env,
    throwaway_redis,
    wait_for,
    worker,
)

pytestmark = [
    pytest.mark.services,
    requires_services,
    pytest.mark.django_db(transaction=True),
]

SEATS = 20
RUSH = 200
CLIENTS = 16  # requests in flight at once, spread over both web processes


def session_for(user: User) -> str:
    """A signed-in session in the database, as the login view would leave it."""
    engine = import_module(settings.SESSION_ENGINE)
    session = engine.SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return cast(str, session.session_key)


def register(port: int, slug: str, session_key: str) -> int:
    token = secrets.token_hex(16)  # a CSRF secret of the visitor's own (cookie = field)
    body = urlencode({"csrfmiddlewaretoken": token, "organisation": "Asbl Exemple"})
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request(
            "POST",
            f"/evenements/{slug}/inscription/",
            body=body,
            headers={
                "Host": EXAMPLE_HOST,
                "X-Forwarded-Proto": "https",
                "Referer": f"https://{EXAMPLE_HOST}/evenements/{slug}/",
                "Origin": f"https://{EXAMPLE_HOST}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"sessionid={session_key}; csrftoken={token}",
            },
        )
        response = conn.getresponse()
        response.read()
        if response.status == HTTPStatus.FOUND:  # back to the event page, not to a login
            assert response.getheader("Location") == f"/evenements/{slug}/", response.getheader(
                "Location"
            )
        return response.status
    finally:
        conn.close()


def test_the_rush_split_over_two_web_processes_and_two_workers_behaves_as_one(
    tmp_path: Path, record_property
) -> None:
    event = cast(Event, EventFactory(capacity=SEATS))
    tag = uuid.uuid4().hex[:8]
    people = [
        User.objects.create_user(email=f"rush-{tag}-{n:03d}@example.org") for n in range(RUSH)
    ]
    sessions = [session_for(person) for person in people]

    with (
        smtp_sink() as sink,
        throwaway_redis(tmp_path) as redis_url,
        broker(redis_url),
        ExitStack() as stack,
    ):
        ports = [free_port(), free_port()]
        # The image collects the static files at build time; the manifest storage needs them.
        collect = subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput"],
            cwd=ROOT,
            env=service_env(tmp_path, redis_url=redis_url, sink=sink),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert collect.returncode == 0, collect.stderr[-3000:]
        logs = []
        for n, port in enumerate(ports, start=1):
            env = service_env(tmp_path, redis_url=redis_url, sink=sink)
            # The sessions made here are signed with this process's key.
            env.update(
                WEB_BIND=f"127.0.0.1:{port}",
                WEB_CONCURRENCY="2",
                DJANGO_SECRET_KEY=settings.SECRET_KEY,
            )
            log = tmp_path / f"web-{n}.log"
            proc = stack.enter_context(running(["sh", str(ENTRYPOINT), "serve"], env=env, log=log))
            logs.append((proc, log))
        for n in (1, 2):
            stack.enter_context(
                worker(tmp_path, redis_url=redis_url, sink=sink, name=f"worker-{n}")
            )
        for (proc, log), port in zip(logs, ports, strict=True):

            def up(port: int = port, proc=proc, log=log) -> bool:
                if proc.poll() is not None:
                    pytest.fail(f"web exited\n{tail(log)}")
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                    conn.request(
                        "GET", "/", headers={"Host": EXAMPLE_HOST, "X-Forwarded-Proto": "https"}
                    )
                    return conn.getresponse().status == HTTPStatus.OK
                except OSError:
                    return False

            wait_for(up, timeout=90, what=f"web on {port}", log=log)

        lock = threading.Lock()
        served: Counter[int] = Counter()

        def one(n: int) -> int:
            port = ports[n % 2]
            status = register(port, event.slug, sessions[n])
            with lock:
                served[port] += 1
            return status

        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            statuses = list(pool.map(one, range(RUSH)))

        assert Counter(statuses) == {HTTPStatus.FOUND: RUSH}, Counter(statuses)
        assert served == {ports[0]: RUSH // 2, ports[1]: RUSH // 2}

        registrations = Registration.objects.filter(event=event)
        assert registrations.count() == RUSH
        assert registrations.filter(status=Registration.Status.CONFIRMED).count() == SEATS
        event.refresh_from_db()
        assert event.seats_taken == SEATS

        # One email each (a confirmation, or a place on the waiting list), whichever worker.
        sink.wait_for(RUSH, timeout=120)
        outbox = OutgoingEmail.objects.filter(to__startswith=f"rush-{tag}-")
        wait_for(
            lambda: not outbox.exclude(status=OutgoingEmail.Status.SENT).exists(),
            timeout=60,
            what="the outbox sent",
        )
        received = Counter(r.strip("<>").lower() for m in sink.delivered() for r in m.rcpt_to)
        assert len(received) == RUSH
        assert set(received.values()) == {1}
        worker_lines = [
            (tmp_path / f"worker-{n}.log").read_text().count("succeeded") for n in (1, 2)
        ]
    record_property("served_per_web_process", dict(served))
    record_property("tasks_run_per_worker", worker_lines)
    print(f"[scale-out] served {dict(served)}, tasks run per worker {worker_lines}")  # noqa: T201
