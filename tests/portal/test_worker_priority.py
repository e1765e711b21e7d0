"""The Celery worker runs at a lower CPU priority than the web (portal/celery.py): on a shared
host a rush of requests is answered before the messages it queued are built."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import os; from celery.signals import worker_init; import portal.celery; "
    "worker_init.send(sender=None); print(os.nice(0))"
)


def niceness_after_worker_init(setting: str | None) -> int:
    env = {k: v for k, v in os.environ.items() if k != "CELERY_WORKER_NICENESS"}
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
    if setting is not None:
        env["CELERY_WORKER_NICENESS"] = setting
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return int(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(("setting", "lowered_by"), [(None, 10), ("3", 3), ("0", 0)])
def test_the_worker_lowers_its_priority_when_it_starts(setting, lowered_by):
    assert niceness_after_worker_init(setting) == min(19, os.nice(0) + lowered_by)
