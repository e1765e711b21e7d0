"""bench/newsletter.py works: it sends to every subscriber through its SMTP server, compares
with smtplib, and fails when a check fails. It asserts no timing (that is the benchmark's own
business, run by `make bench-newsletter`)."""

from __future__ import annotations

import importlib.util
import os
import smtplib
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "bench" / "newsletter.py"


def bench_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_newsletter", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_script(*arguments: str) -> subprocess.CompletedProcess[str]:
    # Its own fresh SQLite database and in-process tasks, whatever the shell says.
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--subscribers", "50", "--batch", "20", *arguments],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        cwd=ROOT,
    )


def test_the_script_sends_to_every_subscriber_and_reports_both_paths():
    # No ratio asserted here: 50 messages measure nothing but fixed costs.
    result = run_script("--rounds", "2", "--min-ratio", "0")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "CHECK FAILED" not in result.stderr
    assert "in its own process" in result.stdout
    rounds = [line.split("|")[1:3] for line in result.stdout.splitlines() if "| 50 |" in line]
    assert [[cell.strip() for cell in row] for row in rounds[:4]] == [
        ["1", "portal"],
        ["1", "smtplib loop"],
        ["2", "portal"],
        ["2", "smtplib loop"],
    ]
    rows = {line.split("|")[1].strip(): line for line in result.stdout.splitlines() if "|" in line}
    assert rows["portal: issue_send_start → all accepted"].split("|")[2].strip() == "50"
    assert rows["smtplib loop (EmailMessage per subscriber)"].split("|")[2].strip() == "50"
    # 50 subscribers in batches of 20: three batches, then the empty one that marks it sent.
    assert "| … queueing (issue_send_batch × 4, through the task) | 50 |" in result.stdout
    assert "as many messages per second as the smtplib loop" in result.stdout
    assert "Peak memory (ru_maxrss)" in result.stdout


def test_the_script_fails_below_the_ratio_it_is_given():
    result = run_script("--rounds", "1", "--min-ratio", "1000")

    assert result.returncode == 1
    assert "CHECK FAILED: the ratio" in result.stderr
    assert "is below 1000.00" in result.stderr


def test_the_server_process_counts_messages_and_their_list_unsubscribe_header():
    bench = bench_module()
    server = bench.ServerProcess()
    server.start()
    try:
        assert server.process.pid != os.getpid() and server.process.is_alive()
        with smtplib.SMTP("127.0.0.1", server.port, timeout=10) as smtp:
            for unsubscribe in (True, False):
                message = EmailMessage()
                message["From"] = "lettre@example.org"
                message["To"] = "abonne@example.org"
                message["Subject"] = "Numéro 1"
                if unsubscribe:
                    message["List-Unsubscribe"] = "<https://example.org/lettre/desinscription/x/>"
                # In the body only: it must not count.
                message.set_content("List-Unsubscribe: <https://example.org/>\n")
                smtp.send_message(message)
    finally:
        server.stop()

    messages, with_unsubscribe, size, recipients = server.handler.snapshot()
    assert (messages, with_unsubscribe, recipients) == (2, 1, 2)
    assert size > 0
    assert not server.process.is_alive()


@pytest.mark.django_db
def test_the_checks_fail_when_the_server_or_the_outbox_is_short():
    from newsletter.models import Issue
    from portal.models import OutgoingEmail

    issue = Issue.objects.create(subject="Numéro 1", slug="numero-1")
    OutgoingEmail.objects.create(to="abonne@example.org", subject="Numéro 1", body_text="…")

    failures = bench_module().portal_checks(issue, 2, 1, 0)

    assert failures == [
        "the server received 1 messages, expected 2",
        "0 of 1 messages had a List-Unsubscribe header",
        "1 outbox rows are not SENT",
        "0 deliveries for 0 subscribers (0 with a sent message), expected 2",
        "the issue is draft, expected sent",
    ]
