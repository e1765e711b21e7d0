"""Page reads and sign-ins with Redis healthy, then frozen (SIGSTOP), against gunicorn with the
production settings: the p95 of each, and frozen ÷ healthy (the issue's bound: 1.5 at most).

A private redis-server on a free port (never the machine's shared one), a fresh database
(a temporary SQLite file, or BENCH_DATABASE_URL: an empty PostgreSQL database of your own),
migrated and seeded, static files collected, then gunicorn (docker/entrypoint.sh serve, two
workers). Clients in threads read public pages and sign in (the login form, then its POST);
each sign-in comes from another address behind the "proxy" (X-Forwarded-For with
DJANGO_TRUSTED_PROXY_COUNT=1), as real visitors would, so that allauth's per-address limit
does not refuse the benchmark itself. It exits non-zero when a ratio exceeds the bound.

    make bench-redis      (or .venv/bin/python bench/redis_outage.py [--requests N])
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "example.org"
PAGES = ["/", "/chantiers/", "/projets/", "/evenements/", "/territoires/liege/", "/lettre/"]
EMAIL, PASSWORD = "bench@example.org", "une phrase de passe pour le banc d'essai"
BOUND = 1.5
CLIENTS = 4

SETUP_USER = f"""
from allauth.account.models import EmailAddress
from portal.models import User
user = User.objects.create_user(email={EMAIL!r}, password={PASSWORD!r})
EmailAddress.objects.create(user=user, email={EMAIL!r}, verified=True, primary=True)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def process(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    with log.open("ab") as out:
        proc = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield proc
        finally:
            for sig in (signal.SIGCONT, signal.SIGTERM):
                with suppress(ProcessLookupError):
                    os.killpg(proc.pid, sig)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)


def call(
    port: int, method: str, path: str, *, headers: dict[str, str] | None = None, body: str = ""
) -> tuple[int, dict[str, str], bytes, float]:
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        all_headers = {"Host": HOST, "X-Forwarded-Proto": "https", **(headers or {})}
        conn.request(method, path, body=body or None, headers=all_headers)
        response = conn.getresponse()
        content = response.read()
        elapsed = time.perf_counter() - start
        return response.status, dict(response.getheaders()), content, elapsed
    finally:
        conn.close()


def sign_in(port: int, client_ip: str) -> float:
    """The login form, then its POST; returns the seconds of the POST (the sign-in)."""
    forwarded = {"X-Forwarded-For": client_ip}
    status, headers, page, _ = call(port, "GET", "/compte/login/", headers=forwarded)
    assert status == 200, status
    cookie = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", "")).group(1)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    body = f"csrfmiddlewaretoken={token}&login={EMAIL}&password={PASSWORD.replace(' ', '+')}"
    status, headers, _, elapsed = call(
        port,
        "POST",
        "/compte/login/",
        headers={
            **forwarded,
            "Cookie": f"csrftoken={cookie}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"https://{HOST}/compte/login/",
            "Origin": f"https://{HOST}",
        },
        body=body,
    )
    assert status == 302 and headers["Location"] == "/espace/", (status, headers)
    return elapsed


def load(port: int, requests: int) -> tuple[list[float], list[float]]:
    """``requests`` page reads and a quarter as many sign-ins, from CLIENTS threads."""
    reads: list[float] = []
    sign_ins: list[float] = []
    lock = threading.Lock()
    counter = iter(range(10**9))

    def client() -> None:
        while True:
            with lock:
                n = next(counter)
            if n >= requests:
                return
            status, _, _, elapsed = call(port, "GET", PAGES[n % len(PAGES)])
            assert status == 200, (PAGES[n % len(PAGES)], status)
            with lock:
                reads.append(elapsed)
            if n % 4 == 0:
                ip = f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"
                took = sign_in(port, ip)
                with lock:
                    sign_ins.append(took)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return reads, sign_ins


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=400, help="page reads per phase")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-redis-"))
    redis_port, web_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        PYTHONUNBUFFERED="1",
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_TRUSTED_PROXY_COUNT="1",
        DJANGO_LOG_LEVEL="ERROR",
        SQLITE_PATH=str(tmp / "db.sqlite3"),
        DJANGO_STATIC_ROOT=str(tmp / "static"),
        REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
        WEB_BIND=f"127.0.0.1:{web_port}",
        WEB_CONCURRENCY="2",
    )
    if os.environ.get("BENCH_DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    database = "PostgreSQL" if env.get("DATABASE_URL") else "SQLite"
    redis_args = ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1"]
    redis_args += ["--save", "", "--appendonly", "no", "--dir", str(tmp)]
    with process(redis_args, env, tmp / "redis.log") as redis:
        for command in (
            ["migrate", "--noinput"],
            ["load_seed"],
            ["collectstatic", "--noinput"],
            ["shell", "-c", SETUP_USER],
        ):
            subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
        serve = ["sh", str(ROOT / "docker" / "entrypoint.sh"), "serve"]
        with process(serve, env, tmp / "gunicorn.log"):
            deadline = time.monotonic() + 60
            while True:
                try:
                    if call(web_port, "GET", "/")[0] == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    print((tmp / "gunicorn.log").read_text()[-3000:])
                    return 2
                time.sleep(0.3)
            load(web_port, 60)  # warm-up: templates, connections
            results = {}
            results["healthy"] = load(web_port, args.requests)
            os.kill(redis.pid, signal.SIGSTOP)
            try:
                results["frozen"] = load(web_port, args.requests)
            finally:
                os.kill(redis.pid, signal.SIGCONT)
    print(
        f"Redis healthy vs frozen (SIGSTOP), gunicorn 2 sync workers, production settings, "
        f"{database}, {CLIENTS} clients, {args.requests} page reads and "
        f"{len(results['healthy'][1])} sign-ins per phase"
    )
    print("| measure | healthy p95 | frozen p95 | frozen ÷ healthy |")
    print("|---|---|---|---|")
    failed = False
    for index, name in enumerate(("page read", "sign-in")):
        healthy, frozen = p95(results["healthy"][index]), p95(results["frozen"][index])
        ratio = frozen / healthy
        failed |= ratio > BOUND
        print(f"| {name} | {healthy * 1000:.0f} ms | {frozen * 1000:.0f} ms | {ratio:.2f} |")
    if failed:
        print(f"FAILED: a ratio exceeds {BOUND}")
        return 1
    print(f"ok: both ratios within {BOUND}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
