"""A light registration: the web worker's CPU per registration POST, and a rush of 200 people
registering at once for a 20-seat event, against gunicorn (2 sync workers, production
settings) on PostgreSQL and Redis.

- CPU per POST: the CPU time (user + system, from /proc/<pid>/stat) that gunicorn's worker
  processes spend while one client registers ``--posts`` different people, one after the
  other, to an event with unlimited seats; divided by the number of POSTs. Everything the
  worker does for the request counts: middleware, session, the registration, the outbox row,
  the wake-up of the sender (published to Redis).
- Rush: ``--rush`` people (200), each with their own session, released together by a barrier,
  POST their registration to an event of ``--seats`` seats (20); the p50 and p95 of the
  answers' times, then how many are confirmed (exactly the seats) and waiting.

Each person is signed in by a session written beforehand (no password hashing in the
measure); the CSRF token is a cookie and its form field, as a browser sends them. A private
redis-server on a free port, a fresh PostgreSQL database (BENCH_DATABASE_URL, else a
temporary database created on postgres://postgres@127.0.0.1:5432 and dropped at the end), and
a Celery worker that builds and "sends" the confirmations (Django's dummy email backend), so
that the web workers publish their wake-ups as in production. Exits non-zero when a goal
fails: CPU per POST over 5 ms, rush p95 of 1 s or more, or a confirmed count other than the
seats.

    make bench  (or .venv/bin/python bench/registration.py [--posts N] [--rush N] [--seats N])
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from redis_outage import HOST, ROOT, call, free_port, process

CPU_GOAL_MS = 5.0
P95_GOAL_S = 1.0
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"

SETUP = """
import datetime, json
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.utils import timezone
from events.models import Event
from portal.models import User

store = import_module(settings.SESSION_ENGINE).SessionStore
start = timezone.now() + datetime.timedelta(days=30)
def event(slug, capacity):
    return Event.objects.create(
        title=slug, slug=slug, status=Event.Status.PUBLISHED, start=start,
        end=start + datetime.timedelta(hours=3), venue="Salle", capacity=capacity,
    ).slug
def sessions(prefix, count):
    users = User.objects.bulk_create(
        [User(email=f"{prefix}{n}@example.org", password="!") for n in range(count)]
    )
    keys = []
    for user in users:
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    return keys
print(json.dumps({
    "open_event": event("banc-cpu", None),
    "rush_event": event("banc-ruee", SEATS),
    "warm": sessions("warm", 20),
    "cpu": sessions("cpu", POSTS),
    "rush": sessions("rush", RUSH),
}))
"""

COUNT = """
from events.models import Event, Registration
event = Event.objects.get(slug="banc-ruee")
rows = Registration.objects.filter(event=event)
print(rows.filter(status="confirmed").count(), rows.filter(status="waiting").count(),
      event.seats_taken)
"""


def register(port: int, slug: str, session_key: str) -> tuple[int, float]:
    """One registration POST as a signed-in browser sends it; (status, seconds)."""
    token = secrets.token_hex(16)  # 32 characters: an unmasked CSRF secret, as Django accepts
    path = f"/evenements/{slug}/inscription/"
    status, _headers, _body, elapsed = call(
        port,
        "POST",
        path,
        headers={
            "Cookie": f"sessionid={session_key}; csrftoken={token}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"https://{HOST}",
            "Referer": f"https://{HOST}{path}",
        },
        body=f"csrfmiddlewaretoken={token}&project=&organisation=Asbl+du+banc&remarks=",
    )
    return status, elapsed


def worker_pids(master: int) -> list[int]:
    """gunicorn's workers: the children of its master (the entrypoint execs gunicorn)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            pids.append(int(entry.name))
    return pids


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes, in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


UNSENT = "SELECT count(*) FROM portal_outgoingemail WHERE status IN ('queued', 'sending')"


def unsent(url: str) -> int:
    """Messages of the outbox not sent yet (queued or being sent)."""
    done = subprocess.run(
        ["psql", url, "-Atc", UNSENT],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return int(done.stdout.strip())


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def pg_admin(url: str, sql: str) -> None:
    subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=300, help="registrations timed for CPU")
    parser.add_argument("--rush", type=int, default=200, help="people registering at once")
    parser.add_argument("--seats", type=int, default=20, help="seats of the rushed event")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-registration-"))
    redis_port, web_port = free_port(), free_port()

    database_url = os.environ.get("BENCH_DATABASE_URL", "")
    created = ""
    if not database_url:
        created = f"bench_registration_{os.getpid()}"
        pg_admin(DEFAULT_PG, f"CREATE DATABASE {created}")
        database_url = urlunsplit(urlsplit(DEFAULT_PG)._replace(path=f"/{created}"))

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        PYTHONUNBUFFERED="1",
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_CSRF_TRUSTED_ORIGINS=f"https://{HOST}",
        DJANGO_LOG_LEVEL="ERROR",
        DATABASE_URL=database_url,
        DJANGO_STATIC_ROOT=str(tmp / "static"),
        REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
        WEB_BIND=f"127.0.0.1:{web_port}",
        WEB_CONCURRENCY="2",
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
    )
    redis_args = ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1"]
    redis_args += ["--save", "", "--appendonly", "no", "--dir", str(tmp)]
    try:
        with process(redis_args, env, tmp / "redis.log"):
            manage(env, "migrate", "--noinput")
            manage(env, "collectstatic", "--noinput")
            setup = SETUP.replace("SEATS", str(args.seats)).replace("POSTS", str(args.posts))
            setup = setup.replace("RUSH", str(args.rush))
            data = json.loads(manage(env, "shell", "-v", "0", "-c", setup).splitlines()[-1])
            serve = ["sh", str(ROOT / "docker" / "entrypoint.sh"), "serve"]
            celery = [str(Path(sys.executable).parent / "celery"), "-A", "portal", "worker"]
            celery += ["--pool", "solo", "-l", "warning"]
            with (
                process(celery, env, tmp / "worker.log"),
                process(serve, env, tmp / "gunicorn.log") as gunicorn,
            ):
                deadline = time.monotonic() + 60
                while True:
                    try:
                        if call(web_port, "GET", "/evenements/")[0] == 200:
                            break
                    except OSError:
                        pass
                    if time.monotonic() > deadline:
                        print((tmp / "gunicorn.log").read_text()[-3000:])
                        return 2
                    time.sleep(0.3)
                pids = worker_pids(gunicorn.pid)
                assert len(pids) == 2, pids

                # Warm-up: both workers import and connect (templates, ORM, Redis).
                for key in data["warm"]:
                    assert register(web_port, data["open_event"], key)[0] == 302

                before = cpu_seconds(pids)
                for key in data["cpu"]:
                    status, _ = register(web_port, data["open_event"], key)
                    assert status == 302, status
                cpu_ms = (cpu_seconds(pids) - before) / len(data["cpu"]) * 1000

                barrier = threading.Barrier(len(data["rush"]))
                results: list[tuple[int, float]] = []
                lock = threading.Lock()

                def rusher(key: str) -> None:
                    barrier.wait()
                    outcome = register(web_port, data["rush_event"], key)
                    with lock:
                        results.append(outcome)

                threads = [threading.Thread(target=rusher, args=(k,)) for k in data["rush"]]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                # The confirmations: the sender waits for the rush to pass, then sends them.
                rush_end = time.monotonic()
                mail_deadline = rush_end + 60
                while (waiting_mail := unsent(database_url)) and time.monotonic() < mail_deadline:
                    time.sleep(0.1)
                mail_seconds = time.monotonic() - rush_end
            counts = manage(env, "shell", "-v", "0", "-c", COUNT).splitlines()[-1]
            confirmed, waiting, seats_taken = map(int, counts.split())
    finally:
        if created:
            pg_admin(DEFAULT_PG, f"DROP DATABASE IF EXISTS {created} WITH (FORCE)")

    times = [elapsed for _status, elapsed in results]
    statuses = sorted({status for status, _ in results})
    p50, p95 = percentile(times, 50), percentile(times, 95)
    print(
        "Registration, gunicorn 2 sync workers, production settings, PostgreSQL, Redis "
        f"(python bench/registration.py --posts {args.posts} --rush {args.rush} "
        f"--seats {args.seats})"
    )
    print("| measure | value | goal |")
    print("|---|---|---|")
    print(f"| web worker CPU per registration POST | {cpu_ms:.2f} ms | ≤ {CPU_GOAL_MS:.0f} ms |")
    print(f"| rush of {args.rush}: p50 | {p50 * 1000:.0f} ms | |")
    print(f"| rush of {args.rush}: p95 | {p95 * 1000:.0f} ms | < {P95_GOAL_S * 1000:.0f} ms |")
    print(f"| rush: confirmed / waiting | {confirmed} / {waiting} | {args.seats} confirmed |")
    print(f"| rush: answers | {', '.join(map(str, statuses))} | 302 |")
    print(
        f"| confirmations all sent, after the rush | {mail_seconds:.1f} s "
        f"({waiting_mail} left) | all sent |"
    )
    failures = []
    if cpu_ms > CPU_GOAL_MS:
        failures.append(f"CPU per POST {cpu_ms:.2f} ms > {CPU_GOAL_MS} ms")
    if p95 >= P95_GOAL_S:
        failures.append(f"rush p95 {p95:.2f} s ≥ {P95_GOAL_S} s")
    if confirmed != args.seats or seats_taken != args.seats:
        failures.append(f"{confirmed} confirmed ({seats_taken} seats taken), not {args.seats}")
    if waiting_mail:
        failures.append(f"{waiting_mail} messages still unsent a minute after the rush")
    if confirmed + waiting != args.rush or statuses != [302]:
        failures.append(f"answers {statuses}, {confirmed + waiting} registrations of {args.rush}")
    if failures:
        print("FAILED: " + "; ".join(failures))
        return 1
    print("ok: every registration goal met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
