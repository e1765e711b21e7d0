"""Measure the two brokers that need only Python and the local disk, for the embedded default
(no REDIS_URL): kombu's filesystem transport and SQLAlchemy on a SQLite file.

For each: a real ``celery worker`` (solo pool, as `make run` starts it) on a throwaway app; the
wake-up latency (``.delay()`` to the task running, median and max of 20 one at a time), the
time to drain 200 tasks sent at once, and the worker's CPU time while idle for 20 s.

    .venv/bin/python bench/embedded_broker.py          (SQLAlchemy is measured if installed)
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

APP = textwrap.dedent(
    """
    import os, time
    from celery import Celery
    app = Celery("bench", broker=os.environ["BENCH_BROKER"])
    app.conf.broker_transport_options = {
        "data_folder_in": os.environ["BENCH_DIR"] + "/queue",
        "data_folder_out": os.environ["BENCH_DIR"] + "/queue",
        "control_folder": os.environ["BENCH_DIR"] + "/control",
        "polling_interval": float(os.environ.get("BENCH_POLL", "1")),
    } if os.environ["BENCH_BROKER"].startswith("filesystem") else {}
    app.conf.broker_polling_interval = float(os.environ.get("BENCH_POLL", "1"))
    app.conf.task_ignore_result = True
    app.conf.worker_hijack_root_logger = False

    @app.task
    def mark(name):
        with open(os.path.join(os.environ["BENCH_DIR"], "done", name), "w") as f:
            f.write(repr(time.time()))
    """
)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(name: str, broker: str, work: Path, poll: str) -> dict[str, float]:
    for sub in ("queue", "control", "done"):
        (work / sub).mkdir(parents=True, exist_ok=True)
    (work / "bench_app.py").write_text(APP)
    env = {**os.environ, "BENCH_BROKER": broker, "BENCH_DIR": str(work), "BENCH_POLL": poll}
    env["PYTHONPATH"] = str(work)
    sys.path.insert(0, str(work))
    os.environ.update(BENCH_BROKER=broker, BENCH_DIR=str(work), BENCH_POLL=poll)
    import importlib

    bench_app = importlib.import_module("bench_app")
    importlib.reload(bench_app)
    args = [sys.executable, "-m", "celery", "-A", "bench_app", "worker", "--pool", "solo"]
    args += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning"]
    worker = subprocess.Popen(
        args,
        cwd=work,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        done = work / "done"
        bench_app.mark.delay("warm")
        deadline = time.monotonic() + 60
        while not (done / "warm").exists():
            assert time.monotonic() < deadline, f"{name}: worker never ran a task"
            time.sleep(0.01)
        latencies = []
        for i in range(20):
            start = time.time()
            bench_app.mark.delay(f"one-{i}")
            while not (done / f"one-{i}").exists():
                time.sleep(0.005)
            latencies.append(float((done / f"one-{i}").read_text()) - start)
        start = time.monotonic()
        for i in range(200):
            bench_app.mark.delay(f"many-{i}")
        while len(list(done.glob("many-*"))) < 200:
            time.sleep(0.02)
        drain = time.monotonic() - start
        before = cpu_seconds(worker.pid)
        time.sleep(20)
        idle_cpu = cpu_seconds(worker.pid) - before
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    return {
        "median_wakeup_s": statistics.median(latencies),
        "max_wakeup_s": max(latencies),
        "drain_200_s": drain,
        "idle_cpu_s_per_20s": idle_cpu,
    }


def main() -> None:
    poll = os.environ.get("BENCH_POLL", "1")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows.append(("filesystem", measure("filesystem", "filesystem://", Path(tmp) / "fs", poll)))
        try:
            import sqlalchemy  # noqa: F401
        except ImportError:
            print("SQLAlchemy not installed: its transport is not measured")
        else:
            url = f"sqla+sqlite:///{tmp}/broker.sqlite3"
            rows.append(("sqlalchemy-sqlite", measure("sqla", url, Path(tmp) / "sqla", poll)))
    print(f"polling interval {poll} s")
    print("| transport | median wake-up | max wake-up | 200 tasks drained | idle CPU / 20 s |")
    print("|---|---|---|---|---|")
    for name, r in rows:
        print(
            f"| {name} | {r['median_wakeup_s']:.3f} s | {r['max_wakeup_s']:.3f} s "
            f"| {r['drain_200_s']:.2f} s | {r['idle_cpu_s_per_20s']:.2f} s |"
        )


if __name__ == "__main__":
    main()
