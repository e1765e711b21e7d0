"""The embedded default runs the periodic work: `make run` starts the web server, a real Celery
worker and beat on kombu's filesystem broker (no service to install), and Ctrl-C stops all
three. A fresh start sends a reminder that is due, by itself, within a minute.

The run is the real `make run`, on a temporary SQLite file, with mail going to an SMTP sink
(tests/smtp_sink.py) instead of the console.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.portal.test_processes import NOT_INHERITED, ROOT, free_port, running, tail
from tests.smtp_sink import smtp_sink

DUE_WITHIN = 60.0  # seconds after `make run` starts: the bound for a due reminder

SETUP = """
import datetime
from django.db import transaction
from django.utils import timezone
from events.models import Event, Registration
from events.services import registration_create
from portal.models import User

user = User.objects.create_user(email="rappel@example.org", password="x" * 20)
event = Event.objects.create(
    title="Atelier du lendemain", slug="atelier-du-lendemain",
    kind=Event.Kind.WORKSHOP, status=Event.Status.PUBLISHED,
    start=timezone.now() + datetime.timedelta(hours=25), reminder_days_before=2,
    venue="Salle communale", address="Rue de l'Exemple 1, 5000 Namur",
)
with transaction.atomic():
    registration = registration_create(user=user, event=event, organisation="Asbl Exemple")
# Registered four days ago: the reminder "two days before" is due now.
Registration.objects.filter(pk=registration.pk).update(
    registered_at=timezone.now() - datetime.timedelta(days=4)
)
"""


def newcomer_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    env.update(SQLITE_PATH=str(tmp_path / "db.sqlite3"), PYTHONUNBUFFERED="1", **extra)
    return env


def manage(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_make_run_sends_a_due_reminder_by_itself_and_ctrl_c_stops_everything(
    tmp_path: Path,
) -> None:
    port = free_port()
    with smtp_sink() as sink:
        env = newcomer_env(
            tmp_path,
            PORT=str(port),
            DJANGO_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(sink.port),
        )
        manage(env, "migrate", "--noinput")
        manage(env, "shell", "-c", SETUP)  # queues the confirmation; nobody sends it yet
        assert sink.delivered() == []

        log = tmp_path / "make-run.log"
        with running(["make", "--no-print-directory", "run"], env=env, log=log) as make:
            started = time.monotonic()
            messages = sink.wait_for(2, timeout=DUE_WITHIN, to="rappel@example.org")
            subjects = sorted(m.subject.strip() for m in messages)
            assert any(s.startswith("Rappel : Atelier du lendemain") for s in subjects), (
                f"{subjects} within {time.monotonic() - started:.0f} s\n{tail(log)}"
            )
            # Beat's first tick sent the reminder task; the worker sent both emails.
            text = log.read_text()
            assert "Sending due task send-due-reminders" in text
            assert "events.tasks.send_due_reminders" in text
            reminder = next(m for m in messages if m.subject.strip().startswith("Rappel"))
            body = reminder.parsed().get_body(("plain",)).get_content()
            assert f"http://127.0.0.1:{port}/" in body  # links use the address served on
            assert (tmp_path / "celery-broker" / "queue").is_dir()

            # Ctrl-C: the terminal sends SIGINT to the whole foreground group.
            os.killpg(make.pid, signal.SIGINT)
            make.wait(timeout=60)
            deadline = time.monotonic() + 30
            while group_alive(make.pid) and time.monotonic() < deadline:
                time.sleep(0.2)
            assert not group_alive(make.pid), f"processes left after Ctrl-C\n{tail(log)}"
        assert len([m for m in sink.delivered() if m.subject.strip().startswith("Rappel")]) == 1
