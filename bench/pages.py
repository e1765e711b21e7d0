"""Key pages against a bare view on the same gunicorn: req/s and CPU per request, cache hit and
miss, at seed size and at 100 times the rows; query counts and response sizes.

A private redis-server (the page cache's store, as in production), a fresh database
(BENCH_DATABASE_URL: an empty PostgreSQL database of your own; SQLite otherwise, and said so),
migrated, seeded, static files collected; then gunicorn (2 sync workers, production settings)
serving ``bench/pages_wsgi.py``: the portal plus a bare view answering the very bytes of each
page (``/__bench__/bare/<name>/``), through the same middleware. One client, one connection
at a time; for each page, batches of the portal on a cache hit, the bare view and the portal
on a miss (each request carries ``X-Bench-Miss``: the content version is bumped first, as by a
write, so the page, its fragments and the next change by time are all built again) are
interleaved, round after round. CPU is the workers' user + system time (/proc) over each
batch. A figure is the median of the rounds, a ratio the median of each round's ratio, printed
with its lowest and highest round; the script exits non-zero if a goal of issue 12 is missed.
The 100× figures come from a copy of the database grown to 100 times its rows with bulk
inserts (bench/pages_data.py), served by a second gunicorn beside the first: its misses and
hits are measured in the same rounds, between the seed's, so that the ratio of the two does not
follow the machine's speed from one minute to the next.

    make bench-pages   (or .venv/bin/python bench/pages.py [--seconds S] [--rounds R])
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from redis_outage import HOST, ROOT, call, free_port, process

PAGES = {
    "home": "/",
    "chantier": "/chantiers/recueil-expertises/",
    "projects": "/projets/",
    "province": "/territoires/liege/",
    "event": "/evenements/rencontre-territoriale-liege-2021-06-01/",
}
# Signed-in visitors: "Mon espace" is theirs (its body kept under the person); the home and
# chantier pages are the anonymous visitors' entry with their header (a hit), or built for them
# (a miss: the content version moved).
SIGNED_IN = {
    "espace": "/espace/",
    "home-signed-in": "/",
    "chantier-signed-in": "/chantiers/recueil-expertises/",
}
# Of those, the pages served from the anonymous visitors' entry.
SHARED_SIGNED_IN = ("home-signed-in", "chantier-signed-in")
TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Batches:
    """One page's batches in one variant, a batch per round: each round's figures are kept, so
    that a figure is the median of the rounds and a ratio the median of the ratios of batches
    measured side by side in the same round (a slow spell of the machine, or a batch caught by
    another process, then moves one round's figure and not the result)."""

    rates: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)  # ms of workers' CPU per request

    def add(self, requests: int, seconds: float, cpu: float) -> None:
        self.rates.append(requests / seconds)
        self.cpus.append(1000 * cpu / requests)

    @property
    def rate(self) -> float:
        return statistics.median(self.rates)

    @property
    def cpu_ms(self) -> float:
        return statistics.median(self.cpus)


def ratio(a: list[float], b: list[float]) -> float:
    """The median over rounds of a ÷ b, each pair measured in the same round."""
    return statistics.median(x / y for x, y in zip(a, b, strict=True))


def spread(values: list[float]) -> str:
    return f"{min(values):.2f}–{max(values):.2f}"


def workers_cpu(master: int) -> float:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    total = 0
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICK


def batch(port: int, master: int, path: str, seconds: float, headers: dict[str, str]) -> tuple:
    cpu = workers_cpu(master)
    start = time.perf_counter()
    count = 0
    while True:
        status, _, _, _ = call(port, "GET", path, headers=headers)
        assert status == 200, (path, status)
        count += 1
        if time.perf_counter() - start >= seconds:
            break
    return count, time.perf_counter() - start, workers_cpu(master) - cpu


# A signed-in visitor's browser holds a CSRF cookie too (the sign-in form set it): without
# one, each signed-in page would draw a new secret and set the cookie, as for a first visit.
CSRF_SECRET = "".join(
    secrets.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(32)
)


def signed_in_cookies(session: str) -> dict[str, str]:
    return {"Cookie": f"sessionid={session}; csrftoken={CSRF_SECRET}"}


def run_django(env: dict[str, str], code: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.exit(f"{code}\n{done.stderr[-3000:]}")
    return done.stdout.strip().splitlines()[-1]


@dataclass
class Server:
    """A gunicorn serving ``bench/pages_wsgi.py`` on one database: the seed's, or its copy grown
    to 100 times its rows."""

    port: int
    master: int


def measure_http(
    seed: Server, grown: Server, session: str, seconds: float, rounds: int
) -> dict[tuple[str, str, str], Batches]:
    """Round after round, for each page: the seed's portal on a hit, the bare view, the seed's
    portal on a miss, then the grown copy's portal on a miss and on a hit. Seed and 100× are
    measured side by side, so that their ratio does not follow the machine's speed from one
    minute to the next."""
    results: dict[tuple[str, str, str], Batches] = {}
    cookie = signed_in_cookies(session)
    plan = (
        ("seed", "hit"),
        ("seed", "bare"),
        ("seed", "miss"),
        ("grown", "miss"),
        ("grown", "hit"),
    )
    for _ in range(rounds):
        for name, path in {**PAGES, **SIGNED_IN}.items():
            headers = cookie if name in SIGNED_IN else {}
            for data, variant in plan:
                server = seed if data == "seed" else grown
                target = f"/__bench__/bare/{name}/" if variant == "bare" else path
                # A miss: the WSGI entry bumps the content version first (bench/pages_wsgi.py).
                extra = {"X-Bench-Miss": "1"} if variant == "miss" else {}
                if name in SHARED_SIGNED_IN and variant == "hit":
                    shared_entry(server.port, path, headers)
                results.setdefault((data, name, variant), Batches()).add(
                    *batch(server.port, server.master, target, seconds, {**headers, **extra})
                )
    return results


def shared_entry(port: int, path: str, headers: dict[str, str]) -> None:
    """The anonymous visitors' entry of ``path`` stored (an earlier miss moved the version),
    and a signed-in visitor served from it."""
    call(port, "GET", path)
    for _ in range(5):  # a worker renders the signed-in header once before it can swap it
        status, answer, _, _ = call(port, "GET", path, headers=headers)
        if status == 200 and answer.get("X-Page-Cache") == "hit":
            return
    raise AssertionError((path, status, answer))


def copy_database(env: dict[str, str], tmp: Path) -> dict[str, str]:
    """The environment of a copy of ``env``'s database: a copy of the SQLite file, or of the
    PostgreSQL database (``CREATE DATABASE … TEMPLATE``, on the same server)."""
    copy = dict(env)
    if "DATABASE_URL" not in env:
        target = tmp / "grown.sqlite3"
        # SQLite's online backup: the whole database, whatever its write-ahead log holds.
        with sqlite3.connect(env["SQLITE_PATH"]) as source, sqlite3.connect(target) as copied:
            source.backup(copied)
        copy["SQLITE_PATH"] = str(target)
        return copy
    url = urlsplit(env["DATABASE_URL"])
    name = url.path.lstrip("/")
    grown = f"{name}_grown"
    drop = f'DROP DATABASE IF EXISTS "{grown}"'
    on_server(env, drop, f'CREATE DATABASE "{grown}" TEMPLATE "{name}"')
    copy["DATABASE_URL"] = urlunsplit(url._replace(path=f"/{grown}"))
    return copy


def drop_database(env: dict[str, str]) -> None:
    """Drop the PostgreSQL database of ``env`` (the grown copy)."""
    name = urlsplit(env["DATABASE_URL"]).path.lstrip("/")
    on_server(env, f'DROP DATABASE IF EXISTS "{name}"')


def on_server(env: dict[str, str], *statements: str) -> None:
    """Run ``statements`` on the PostgreSQL server of ``env``, from its maintenance database,
    outside any transaction (as CREATE and DROP DATABASE must be)."""
    url = urlsplit(env["DATABASE_URL"])
    code = (
        "from django.db import connection\n"
        "connection.ensure_connection()\n"
        "connection.connection.autocommit = True\n"
        "with connection.connection.cursor() as cursor:\n"
        f"    for statement in {list(statements)!r}:\n"
        "        cursor.execute(statement)\n"
        "print('ok')"
    )
    run_django({**env, "DATABASE_URL": urlunsplit(url._replace(path="/postgres"))}, code)


def serve(env: dict[str, str], tmp: Path, name: str, stack: ExitStack) -> Server:
    """gunicorn on a free port with ``env``, up and answering."""
    port = free_port()
    env = {**env, "WEB_BIND": f"127.0.0.1:{port}"}
    gunicorn = [
        sys.executable, "-m", "gunicorn", "bench.pages_wsgi:application",
        "--config", str(ROOT / "docker" / "gunicorn.conf.py"), "--access-logfile", "/dev/null",
    ]  # fmt: skip
    log = tmp / f"gunicorn-{name}.log"
    server = stack.enter_context(process(gunicorn, env, log))
    deadline = time.monotonic() + 60
    while True:
        try:
            if call(port, "GET", "/")[0] == 200:
                return Server(port, server.pid)
        except OSError:
            pass
        if time.monotonic() > deadline:
            sys.exit(log.read_text()[-3000:])
        time.sleep(0.3)


def warm(server: Server, session: str, bare_dir: Path | None) -> None:
    """Both workers and the cache warmed on every page; the bare view's bytes are the seed's
    pages."""
    cookie = signed_in_cookies(session)
    for name, path in {**PAGES, **SIGNED_IN}.items():
        headers = cookie if name in SIGNED_IN else {}
        # Each worker renders the signed-in header once before it can swap it in.
        for _ in range(6 if name in SIGNED_IN else 3):
            status, answer, body, _ = call(server.port, "GET", path, headers=headers)
        assert status == 200, (path, status)
        if name in PAGES:
            assert answer.get("X-Page-Cache") == "hit", (path, answer)
        if bare_dir is not None:
            (bare_dir / f"{name}.html").write_bytes(body)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="length of one batch")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds")
    parser.add_argument("--times", type=int, default=100, help="growth of the data")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    bare_dir = tmp / "bare"
    bare_dir.mkdir()
    redis_port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        PYTHONUNBUFFERED="1",
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_LOG_LEVEL="ERROR",
        SQLITE_PATH=str(tmp / "db.sqlite3"),
        DJANGO_STATIC_ROOT=str(tmp / "static"),
        REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
        WEB_CONCURRENCY="2",
        BENCH_BARE_DIR=str(bare_dir),
    )
    if os.environ.get("BENCH_DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    database = "PostgreSQL" if env.get("DATABASE_URL") else "SQLite (set BENCH_DATABASE_URL)"
    redis_args = ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1"]
    redis_args += ["--save", "", "--appendonly", "no", "--dir", str(tmp)]
    with process(redis_args, env, tmp / "redis.log"), ExitStack() as stack:
        for command in (["migrate", "--noinput"], ["load_seed"], ["collectstatic", "--noinput"]):
            subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
        session = run_django(env, "import bench.pages_data as d; d.setup()")
        measure = "import bench.pages_data as d; "
        measure += f"d.measure({PAGES!r}, {SIGNED_IN!r}, {session!r}, {HOST!r})"
        counts = {"seed": json.loads(run_django(env, measure))}
        # The copy grown to 100 times its rows, with its own cache: the same session and pages.
        grown_env = copy_database(env, tmp)
        grown_env["REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/1"
        grown = run_django(grown_env, f"import bench.pages_data as d; d.grow({args.times})")
        counts["grown"] = json.loads(run_django(grown_env, measure))
        servers = {
            "seed": serve(env, tmp, "seed", stack),
            "grown": serve(grown_env, tmp, "grown", stack),
        }
        warm(servers["seed"], session, bare_dir)
        warm(servers["grown"], session, None)
        timings = measure_http(
            servers["seed"], servers["grown"], session, args.seconds, args.rounds
        )
        if "DATABASE_URL" in grown_env:
            stack.close()  # the grown copy's servers stopped before it is dropped
            drop_database(grown_env)
    missed = report(database, args, counts, timings, grown)
    for line in missed:
        print(f"missed: {line}")
    if missed:
        return 1
    print("ok: every page goal met")
    return 0


# The goals of issue 12 for these pages.
HIT_RATIO, SIGNED_IN_RATIO, MISS_CPU_MS, MAX_QUERIES, GROWTH = 0.8, 0.3, 8.0, 8, 1.5


def report(
    database: str, args: argparse.Namespace, counts: dict, timings: dict, grown: str
) -> list[str]:
    """Prints the tables; returns the goals missed."""
    seed = {key[1:]: value for key, value in timings.items() if key[0] == "seed"}
    big = {key[1:]: value for key, value in timings.items() if key[0] == "grown"}
    missed: list[str] = []
    print(
        f"Key pages, gunicorn 2 sync workers, production settings, {database}, Redis cache; "
        f"one client, {args.rounds} interleaved rounds of {args.seconds:g} s batches. "
        "Figures are medians over the rounds; a ratio is the median of each round's ratio "
        "(batches measured side by side), with its lowest and highest round."
    )
    print(
        "| page | hit req/s | bare req/s | hit ÷ bare | (rounds) | hit CPU | bare CPU "
        "| miss req/s | miss CPU | (rounds) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name in {**PAGES, **SIGNED_IN}:
        hit, bare, miss = seed[name, "hit"], seed[name, "bare"], seed[name, "miss"]
        label = f"{name} (signed in)" if name in SIGNED_IN else name
        ratios = [x / y for x, y in zip(hit.rates, bare.rates, strict=True)]
        hit_ratio = ratio(hit.rates, bare.rates)
        print(
            f"| {label} | {hit.rate:.0f} | {bare.rate:.0f} | {hit_ratio:.2f} | "
            f"{spread(ratios)} | {hit.cpu_ms:.1f} ms | {bare.cpu_ms:.1f} ms | "
            f"{miss.rate:.0f} | {miss.cpu_ms:.1f} ms | {spread(miss.cpus)} |"
        )
        goal = SIGNED_IN_RATIO if name in SIGNED_IN else HIT_RATIO
        if hit_ratio < goal:
            missed.append(f"{label}: served at {hit_ratio:.2f}× the bare view (goal ≥ {goal})")
        if name in PAGES and miss.cpu_ms > MISS_CPU_MS:
            missed.append(f"{label}: a miss costs {miss.cpu_ms:.1f} ms (goal ≤ {MISS_CPU_MS:g})")
    print(f"\nAt {args.times}× rows ({grown}): built afresh (miss) against seed size")
    times = f"{args.times}×"
    print(
        f"| page | queries seed | queries {times} | bytes seed | bytes {times} | size ratio "
        f"| miss CPU seed | miss CPU {times} | CPU ratio | (rounds) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name in {**PAGES, **SIGNED_IN}:
        small, large = counts["seed"][name], counts["grown"][name]
        before, after = seed[name, "miss"], big[name, "miss"]
        size = large["bytes"] / small["bytes"]
        growth = ratio(after.cpus, before.cpus)
        ratios = [x / y for x, y in zip(after.cpus, before.cpus, strict=True)]
        print(
            f"| {name} | {small['queries']} | {large['queries']} | {small['bytes']:,} | "
            f"{large['bytes']:,} | {size:.2f} | {before.cpu_ms:.1f} ms | "
            f"{after.cpu_ms:.1f} ms | {growth:.2f} | {spread(ratios)} |"
        )
        if large["queries"] != small["queries"] or large["queries"] > MAX_QUERIES:
            missed.append(
                f"{name}: {small['queries']} queries, {large['queries']} at {times} "
                f"(goal ≤ {MAX_QUERIES}, constant)"
            )
        if size > GROWTH or growth > GROWTH:
            missed.append(
                f"{name}: at {times}, {size:.2f}× the bytes and {growth:.2f}× the CPU "
                f"(goal ≤ {GROWTH:g})"
            )
    return missed


if __name__ == "__main__":
    sys.exit(main())
