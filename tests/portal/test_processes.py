"""The commands the docker-compose services run, started as real processes.

Each service calls a verb of docker/entrypoint.sh; these tests run the same script, with the
production settings the image uses, so a broken command fails here before it fails in a
container.
"""

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path

import pytest
import redis

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "docker" / "entrypoint.sh"
# gunicorn and celery live next to the interpreter that runs the tests (the virtualenv).
BIN_DIR = Path(sys.executable).parent
EXAMPLE_HOST = "example.org"
# What a container would not have. DJANGO_ALLOW_ASYNC_UNSAFE is set for the whole session by
# the browser tests' conftest.
NOT_INHERITED = {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}

# The services marker lets `-m "not services"` deselect these; the skip covers a plain run.
requires_redis = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="REDIS_URL absent : ce test a besoin de Redis"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(tmp_path: Path, *, services: bool = False, **extra: str) -> dict[str, str]:
    """The environment of a container: production settings, example secrets, temp storage.

    Without ``services`` the database is a temporary SQLite file and there is no Redis, as
    for a newcomer; with it, DATABASE_URL and REDIS_URL are passed on.
    """
    env = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    if services:
        for key in ("DATABASE_URL", "REDIS_URL"):
            if key in os.environ:
                env[key] = os.environ[key]
    env.update(
        PATH=f"{BIN_DIR}{os.pathsep}{env.get('PATH', '')}",
        PYTHONUNBUFFERED="1",
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=EXAMPLE_HOST,
        SQLITE_PATH=str(tmp_path / "db.sqlite3"),
        DJANGO_STATIC_ROOT=str(tmp_path / "staticfiles"),
    )
    env.update(extra)
    return env


def tail(path: Path, lines: int = 40) -> str:
    text = path.read_text(errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


@contextmanager
def running(args: list[str], *, env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """Start ``args`` in its own process group; on exit stop the whole group (gunicorn and
    Celery fork children), first politely, then by force."""
    with log.open("ab") as out:
        proc = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield proc
        finally:
            for sig, grace in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
                with suppress(ProcessLookupError):
                    os.killpg(proc.pid, sig)
                try:
                    proc.wait(timeout=grace)
                    break
                except subprocess.TimeoutExpired:
                    continue


def wait_until(
    condition: Callable[[], bool], *, proc: subprocess.Popen, log: Path, timeout: float, what: str
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if proc.poll() is not None:
            pytest.fail(f"{what}: process exited ({proc.returncode})\n{tail(log)}")
        time.sleep(0.3)
    pytest.fail(f"{what}: not within {timeout} s\n{tail(log)}")


def run_verb(verb: str, *, env: dict[str, str], timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["sh", str(ENTRYPOINT), verb],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def get(url: str) -> tuple[int, bytes]:
    """GET as the TLS proxy in front of the container would forward it."""
    request = urllib.request.Request(
        url, headers={"Host": EXAMPLE_HOST, "X-Forwarded-Proto": "https"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def run_in_container(code: str, *, env: dict[str, str]) -> subprocess.CompletedProcess:
    """``python manage.py shell -c code`` through the entrypoint, as `docker compose run` would."""
    return subprocess.run(
        ["sh", str(ENTRYPOINT), "python", "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# --- web: migrate, load_seed, gunicorn -----------------------------------------------------------

COUNT_ROWS = """
import json
from chantiers.models import Chantier, Resource, Step
from events.models import Event
from projets.models import Project
models = (Chantier, Resource, Step, Event, Project)
print(json.dumps({m.__name__: m.objects.count() for m in models}))
"""
# The measured case of issue 10: a resource renamed, an event's and a project's slug changed,
# a step deleted; the next start used to create all four again.
STAFF_EDITS = (
    """
from chantiers.models import Resource, Step
from events.models import Event
from projets.models import Project
Resource.objects.filter(title="Projet FRUGAL").update(title="FRUGAL (recherche)")
Step.objects.filter(chantier__slug="recueil-expertises").order_by("order").last().delete()
Event.objects.filter(kind="workshop").update(slug="atelier-micro-credits")
Project.objects.filter(slug="atelier-de-pain-durable").update(slug="pain-durable")
"""
    + COUNT_ROWS
)


def test_web_service_migrates_seeds_and_serves_the_home_page(tmp_path: Path) -> None:
    port = free_port()
    env = production_env(tmp_path, WEB_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="1")
    log = tmp_path / "web.log"
    # The image runs collectstatic at build time; the manifest storage needs it.
    collect = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert collect.returncode == 0, collect.stderr[-3000:]

    # A container restart runs migrate and load_seed again: both must be idempotent, and
    # what staff changed or deleted in between must stay as they left it.
    counts: dict[str, str] = {}
    for start in ("first start", "restart"):
        if start == "restart":
            edited = run_in_container(STAFF_EDITS, env=env)
            assert edited.returncode == 0, edited.stderr[-3000:]
            counts["before"] = edited.stdout.strip().splitlines()[-1]
        with running(["sh", str(ENTRYPOINT), "web"], env=env, log=log) as proc:
            wait_until(
                lambda: run_verb("healthcheck-web", env=env, timeout=30).returncode == 0,
                proc=proc,
                log=log,
                timeout=180,
                what=f"web healthcheck ({start})",
            )
            status, body = get(f"http://127.0.0.1:{port}/")
            assert status == 200, f"{start}: / answered {status}\n{tail(log)}"
            html = body.decode()
            assert "<html" in html
            # The stylesheet comes through WhiteNoise from the collected, hashed files.
            stylesheets = re.findall(r'<link[^>]+href="(/static/[^"]+\.css)"', html)
            assert stylesheets, "no stylesheet link on the home page"
            for href in stylesheets:
                assert get(f"http://127.0.0.1:{port}{href}")[0] == 200, href
    after = run_in_container(COUNT_ROWS, env=env)
    assert after.returncode == 0, after.stderr[-3000:]
    assert after.stdout.strip().splitlines()[-1] == counts["before"], tail(log)


# --- the heartbeat task, in-process ------------------------------------------------------------


def test_heartbeat_writes_the_current_time_and_can_run_twice() -> None:
    from django.core.cache import cache

    from portal.tasks import HEARTBEAT_CACHE_KEY, heartbeat

    before = datetime.now().astimezone()
    first = heartbeat.apply().get()
    second = heartbeat.apply().get()
    assert before <= datetime.fromisoformat(first) <= datetime.fromisoformat(second)
    assert cache.get(HEARTBEAT_CACHE_KEY) == second


# --- worker and beat: need Redis -----------------------------------------------------------------


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[tuple[str, dict[str, str], Path]]:
    """A real ``celery -A portal worker`` (the worker service's verb) on its own queue, so it
    neither steals tasks queued on the shared Redis nor runs them."""
    queue = f"test-processes-{uuid.uuid4().hex}"
    env = production_env(tmp_path, services=True, HOSTNAME=f"chantiers-test-{uuid.uuid4().hex}")
    log = tmp_path / "worker.log"
    args = ["sh", str(ENTRYPOINT), "worker", "--queues", queue, "--concurrency", "1"]
    with running(args, env=env, log=log) as proc:
        wait_until(
            lambda: run_verb("healthcheck-worker", env=env, timeout=30).returncode == 0,
            proc=proc,
            log=log,
            timeout=90,
            what="celery inspect ping",
        )
        yield queue, env, log
    # Kombu leaves the queue and its bindings in Redis; each run names a new queue.
    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    for pattern in (queue, f"_kombu.binding*.{queue}"):
        for key in client.scan_iter(match=pattern):
            client.delete(key)
    client.close()


@pytest.mark.services
@requires_redis
def test_worker_answers_ping_and_runs_a_task_sent_with_delay(
    worker: tuple[str, dict[str, str], Path],
) -> None:
    from django.conf import settings
    from django.core.cache import cache

    from portal.celery import app
    from portal.tasks import HEARTBEAT_CACHE_KEY, heartbeat

    queue, _env, log = worker
    # Otherwise .delay() would run the task right here and prove nothing about the worker.
    assert not app.conf.task_always_eager
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")

    cache.delete(HEARTBEAT_CACHE_KEY)
    before = datetime.now().astimezone()
    result = heartbeat.s().set(queue=queue).delay()

    deadline = time.monotonic() + 30
    while cache.get(HEARTBEAT_CACHE_KEY) is None and time.monotonic() < deadline:
        time.sleep(0.2)
    written = cache.get(HEARTBEAT_CACHE_KEY)
    assert written is not None, f"heartbeat not run within 30 s\n{tail(log)}"
    assert datetime.fromisoformat(written) >= before
    assert f"portal.tasks.heartbeat[{result.id}] succeeded" in log.read_text(), tail(log)


@pytest.mark.services
@requires_redis
def test_beat_starts_stays_up_and_keeps_nothing_on_disk(tmp_path: Path) -> None:
    env = production_env(tmp_path, services=True)
    log = tmp_path / "beat.log"
    with running(["sh", str(ENTRYPOINT), "beat"], env=env, log=log) as proc:
        time.sleep(3)
        assert proc.poll() is None, f"beat exited ({proc.returncode})\n{tail(log)}"
        wait_until(
            lambda: "beat: Starting" in log.read_text(errors="replace"),
            proc=proc,
            log=log,
            timeout=10,
            what="beat start-up",
        )
    assert "portal.beat.Scheduler" in log.read_text()
    assert not list(ROOT.glob("celerybeat-schedule*")), "beat wrote a schedule file"
    assert not list(Path("/tmp").glob("celerybeat-schedule*")), "beat wrote a schedule file"


# --- a broken broker must fail fast, not hang the request ---------------------------------------


@pytest.fixture
def hung_redis() -> Iterator[int]:
    """A server that accepts connections and never answers, like a wedged Redis."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    stop = threading.Event()
    accepted: list[socket.socket] = []

    def accept_forever() -> None:
        while not stop.is_set():
            with suppress(TimeoutError, OSError):
                accepted.append(server.accept()[0])

    thread = threading.Thread(target=accept_forever, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(timeout=5)
    for conn in accepted:
        conn.close()
    server.close()


DELAY_SCRIPT = """
import json, time
import django
django.setup()
from portal.tasks import heartbeat
start = time.monotonic()
try:
    heartbeat.delay()
except Exception as exc:
    error = f"{type(exc).__module__}.{type(exc).__name__}: {exc}"
else:
    error = None
print(json.dumps({"error": error, "elapsed": time.monotonic() - start}))
"""


@pytest.mark.parametrize("broker", ["dead", "hung"])
def test_delay_fails_fast_when_redis_is_dead_or_hung(
    broker: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    port = free_port() if broker == "dead" else request.getfixturevalue("hung_redis")
    env = production_env(tmp_path, REDIS_URL=f"redis://127.0.0.1:{port}/0")
    try:
        proc = subprocess.run(
            [sys.executable, "-c", DELAY_SCRIPT],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f".delay() against a {broker} Redis still blocked after 60 s")
    assert proc.returncode == 0, proc.stderr[-3000:]
    outcome = json.loads(proc.stdout.strip().splitlines()[-1])
    assert outcome["error"], f".delay() against a {broker} Redis did not raise"
    assert "OperationalError" in outcome["error"]
    assert outcome["elapsed"] < 6, f"raised only after {outcome['elapsed']:.1f} s"
