"""Beat (portal/beat.py): every entry due at start, and one beat at a time against one Redis.

The second test runs two real ``celery -A portal beat`` (the beat service's verb, production
settings) against a throwaway Redis: the second waits on standby while the first runs, and
takes over once it stops. Beat sends into that Redis only; no worker is needed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from portal.beat import Scheduler
from portal.celery import app
from tests.portal.test_processes import ENTRYPOINT, production_env, running, tail
from tests.workers import requires_services, throwaway_redis, wait_for


def test_every_entry_is_due_at_start_and_no_schedule_file_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    scheduler = Scheduler(app=app, lazy=False)
    try:
        names = set(app.conf.beat_schedule)
        assert names <= set(scheduler.schedule)
        for name in names:
            due, _next = scheduler.schedule[name].is_due()
            assert due, name
    finally:
        scheduler.close()
    assert list(tmp_path.iterdir()) == []


def sent(log: Path) -> int:
    return len(re.findall(r"Sending due task", log.read_text(errors="replace")))


@pytest.mark.services
@requires_services
def test_a_second_beat_waits_on_standby_and_takes_over_when_the_first_stops(
    tmp_path: Path,
) -> None:
    with throwaway_redis(tmp_path) as redis_url:
        env = production_env(tmp_path, services=True, REDIS_URL=redis_url)
        first_log, second_log = tmp_path / "beat-1.log", tmp_path / "beat-2.log"
        with running(["sh", str(ENTRYPOINT), "beat"], env=env, log=first_log) as first:
            wait_for(
                lambda: "holds the lock" in first_log.read_text(errors="replace"),
                timeout=60,
                what="the first beat taking the lock",
                log=first_log,
            )
            wait_for(lambda: sent(first_log) >= 1, timeout=30, what="first beat sending")
            with running(["sh", str(ENTRYPOINT), "beat"], env=env, log=second_log) as second:
                wait_for(
                    lambda: "waits on standby" in second_log.read_text(errors="replace"),
                    timeout=60,
                    what="the second beat on standby",
                    log=second_log,
                )
                assert sent(second_log) == 0, tail(second_log)

                first.terminate()  # a graceful stop releases the lock
                first.wait(timeout=30)
                wait_for(
                    lambda: "holds the lock" in second_log.read_text(errors="replace"),
                    timeout=60,
                    what="the second beat taking over",
                    log=second_log,
                )
                wait_for(lambda: sent(second_log) >= 1, timeout=30, what="second beat sending")
                assert second.poll() is None
