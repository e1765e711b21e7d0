"""The outbox: queued in the caller's transaction, sent once, retried only when safe."""

import datetime
import smtplib
from pathlib import Path
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from kombu.exceptions import OperationalError

from portal import mail as outbox
from portal.mail import (
    Attachment,
    email_queue,
    email_requeue,
    email_send_queued,
    queueing,
    sending,
    wake_received,
)
from portal.models import UNCERTAIN_AFTER, OutgoingEmail

pytestmark = pytest.mark.django_db


def queue(**kwargs):
    defaults = {"to": "porteur@example.org", "subject": "Bonjour", "body_text": "Texte"}
    return email_queue(**{**defaults, **kwargs})


def test_queued_email_is_sent_after_commit(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue(
            body_html="<p>Texte</p>", attachments=[Attachment("a.ics", "BEGIN", "text/calendar")]
        )

    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT
    assert email.sent_at is not None and email.attempts == 1
    [message] = mailoutbox
    assert message.to == ["porteur@example.org"]
    assert message.alternatives[0][1] == "text/html"
    assert message.attachments[0][0] == "a.ics"


def test_nothing_is_queued_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    # The failure is raised inside the transaction on purpose: the block is the scenario.
    with (  # noqa: PT012
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        queue()
        raise RuntimeError("the change failed")

    assert not OutgoingEmail.objects.exists()
    assert mail.outbox == []


def test_same_key_is_queued_once_per_recipient():
    first = queue(key="inscription-1")
    second = queue(key="inscription-1")
    other = queue(key="inscription-1", to="autre@example.org")

    assert first is not None and second is None and other is not None
    assert OutgoingEmail.objects.count() == 2


def test_a_keyed_message_costs_one_statement_and_a_duplicate_keeps_the_transaction():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            first = queue(key="inscription-2", params={"a": 1})
        # One INSERT, no savepoint around it.
        assert [q["sql"].split()[0] for q in queries.captured_queries] == ["INSERT"]
        assert queue(key="inscription-2") is None
        # The transaction is still usable after the refused duplicate (PostgreSQL would
        # refuse any statement in an aborted one).
        assert OutgoingEmail.objects.count() == 1
    stored = OutgoingEmail.objects.get()
    assert first is not None and first.pk == stored.pk
    assert (stored.key, stored.params, stored.created_at) == (
        "inscription-2:porteur@example.org",
        {"a": 1},
        first.created_at,
    )
    assert stored.status == OutgoingEmail.Status.QUEUED


def test_a_second_run_sends_nothing_more(mailoutbox):
    queue()

    assert email_send_queued() == 1
    assert email_send_queued() == 0
    assert len(mailoutbox) == 1


def test_a_message_claimed_by_another_run_is_skipped(mailoutbox):
    email = queue()
    OutgoingEmail.objects.filter(pk=email.pk).update(status=OutgoingEmail.Status.SENDING)

    assert email_send_queued() == 0
    assert mailoutbox == []


def test_a_message_interrupted_mid_send_is_not_sent_again_by_itself(mailoutbox):
    email = queue()
    with (
        mock.patch.object(sending, "_message", side_effect=KeyboardInterrupt),  # worker killed
        pytest.raises(KeyboardInterrupt),
    ):
        email_send_queued()

    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENDING
    assert email_send_queued() == 0
    # Staff's resend: not while a worker may still be sending it; once uncertain, yes.
    assert email_requeue(pks=[email.pk]) == 0
    OutgoingEmail.objects.filter(pk=email.pk).update(
        claimed_at=timezone.now() - UNCERTAIN_AFTER - datetime.timedelta(seconds=1)
    )
    assert email_requeue(pks=[email.pk]) == 1
    assert email_send_queued() == 1
    assert len(mailoutbox) == 1


def test_a_temporary_refusal_is_retried_then_given_up(mailoutbox):
    email = queue()
    refusal = smtplib.SMTPDataError(451, b"try again later")
    with mock.patch.object(sending.EmailMultiAlternatives, "send", side_effect=refusal):
        for _ in range(outbox.MAX_ATTEMPTS - 1):
            assert email_send_queued() == 0
            email.refresh_from_db()
            assert email.status == OutgoingEmail.Status.QUEUED
        email_send_queued()

    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.FAILED
    assert "try again later" in email.last_error
    assert email.attempts == outbox.MAX_ATTEMPTS


def test_a_conversation_cut_before_the_answer_is_left_for_staff(mailoutbox):
    email = queue()
    cut = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    with mock.patch.object(sending.EmailMultiAlternatives, "send", side_effect=cut):
        assert email_send_queued() == 0

    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENDING  # maybe delivered: never resent alone
    assert "peut-être été reçu" in email.last_error
    assert email_send_queued() == 0
    assert mailoutbox == []


def test_an_unreachable_server_leaves_the_queue_untouched(mailoutbox):
    email = queue()
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.open",
        side_effect=ConnectionRefusedError("refused"),
    ):
        assert email_send_queued() == 0

    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.QUEUED and email.attempts == 0
    assert email_send_queued() == 1


def test_a_refused_address_fails_at_once_and_the_rest_still_go(mailoutbox):
    bad = queue(to="refuse@example.org")
    queue(to="ok@example.org")
    real_send = sending.EmailMultiAlternatives.send

    def send(self, *args, **kwargs):
        if self.to == ["refuse@example.org"]:
            raise smtplib.SMTPRecipientsRefused({"refuse@example.org": (550, b"no such user")})
        return real_send(self, *args, **kwargs)

    with mock.patch.object(sending.EmailMultiAlternatives, "send", send):
        assert email_send_queued() == 1

    bad.refresh_from_db()
    assert bad.status == OutgoingEmail.Status.FAILED
    assert [m.to for m in mailoutbox] == [["ok@example.org"]]


def test_a_dead_broker_does_not_break_the_request(django_capture_on_commit_callbacks):
    with (
        mock.patch(
            "portal.tasks.send_queued_emails.delay", side_effect=OperationalError("refused")
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        email = queue()

    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.QUEUED  # the sweep will send it


def test_management_command_sends_the_queue(mailoutbox):
    from django.core.management import call_command

    queue()
    call_command("send_queued_emails")

    assert len(mailoutbox) == 1


def test_one_wake_up_per_transaction_however_many_messages(django_capture_on_commit_callbacks):
    with (
        mock.patch("portal.tasks.send_queued_emails.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        for n in range(5):
            queue(to=f"inscrit{n}@example.org")

    assert delay.call_count == 1
    assert OutgoingEmail.objects.count() == 5


def test_each_transaction_wakes_the_sender_once(django_capture_on_commit_callbacks):
    with mock.patch("portal.tasks.send_queued_emails.delay") as delay:
        for transactions in (1, 2, 3):
            with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
                queue(to=f"a{transactions}@example.org")
                queue(to=f"b{transactions}@example.org")
            assert delay.call_count == transactions
            wake_received()  # the sender started: the next commit wakes it again


def test_no_second_wake_up_while_one_is_pending_with_a_shared_cache(
    settings, django_capture_on_commit_callbacks
):
    settings.REDIS_URL = "redis://cache.example:6379/0"  # the flag lives in the shared cache
    with mock.patch("portal.tasks.send_queued_emails.delay") as delay:
        for to in ("a@example.org", "b@example.org"):
            with django_capture_on_commit_callbacks(execute=True):
                queue(to=to)
        assert delay.call_count == 1  # the first wake-up has not reached the sender yet
        wake_received()  # the sender starts reading the queue
        with django_capture_on_commit_callbacks(execute=True):
            queue(to="c@example.org")
        assert delay.call_count == 2


def _queue_then_fail(to: str) -> None:
    queue(to=to)
    raise RuntimeError


def test_a_rolled_back_savepoint_does_not_cost_the_transaction_its_wake_up(
    django_capture_on_commit_callbacks,
):
    with (
        mock.patch("portal.tasks.send_queued_emails.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        with pytest.raises(RuntimeError), transaction.atomic():
            _queue_then_fail("annule@example.org")  # its hook is dropped with the savepoint
        queue(to="garde@example.org")

    assert delay.call_count == 1
    assert list(OutgoingEmail.objects.values_list("to", flat=True)) == ["garde@example.org"]


def test_a_rolled_back_transaction_leaves_the_next_one_its_wake_up(
    django_capture_on_commit_callbacks,
):
    with mock.patch("portal.tasks.send_queued_emails.delay") as delay:
        with pytest.raises(RuntimeError), transaction.atomic():
            _queue_then_fail("annule@example.org")
        assert delay.call_count == 0
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            queue(to="garde@example.org")

    assert delay.call_count == 1


def test_the_outbox_reads_no_private_api_of_django():
    for module in (outbox, queueing, sending):
        assert "run_on_commit" not in Path(module.__file__).read_text()


def queue_many(count):
    """``count`` messages queued in one transaction, without running its wake-up."""
    with mock.patch("portal.tasks.send_queued_emails.delay"), transaction.atomic():
        for n in range(count):
            queue(to=f"abonne{n}@example.org")


def test_the_sender_task_sends_the_whole_backlog_not_one_batch(mailoutbox):
    from portal.tasks import send_queued_emails

    queue_many(450)  # more than two batches of email_send_queued

    assert send_queued_emails() == 450
    assert len(mailoutbox) == 450
    assert not OutgoingEmail.objects.queued().exists()


def test_past_its_budget_the_sender_leaves_the_rest_to_a_fresh_run(mailoutbox):
    from portal import tasks

    queue_many(250)

    with (
        mock.patch.object(tasks, "SEND_BUDGET", 0.0),
        mock.patch("portal.mail.wake_sender") as wake,
    ):
        sent = tasks.send_queued_emails()

    assert sent == 200  # one batch, then the budget was spent
    assert wake.call_count == 1
    assert OutgoingEmail.objects.queued().count() == 50


def test_the_backlog_stops_at_once_when_the_server_is_unreachable(mailoutbox):
    queue_many(3)

    with mock.patch.object(sending, "get_connection") as get_connection:
        get_connection.return_value.open.side_effect = OSError("connection refused")
        get_connection.return_value.connection = None
        assert outbox.email_send_backlog() == (0, False)

    assert OutgoingEmail.objects.queued().count() == 3


def test_content_of_messages_sent_long_ago_is_blanked_the_record_stays():
    import datetime

    from django.utils import timezone

    from portal.tasks import purge_sent_email_content

    now = timezone.now()
    old, recent, failed = (
        queue(to=f"{name}@example.org", body_html="<p>Texte</p>", key=name)
        for name in ("ancien", "recent", "echec")
    )
    OutgoingEmail.objects.filter(pk=old.pk).update(
        status=OutgoingEmail.Status.SENT,
        sent_at=now - datetime.timedelta(days=outbox.CONTENT_KEPT_DAYS + 1),
        attachments=[{"filename": "a.ics", "content": "BEGIN", "mimetype": "text/calendar"}],
    )
    OutgoingEmail.objects.filter(pk=recent.pk).update(
        status=OutgoingEmail.Status.SENT,
        sent_at=now - datetime.timedelta(days=outbox.CONTENT_KEPT_DAYS - 1),
    )
    OutgoingEmail.objects.filter(pk=failed.pk).update(
        status=OutgoingEmail.Status.FAILED, created_at=now - datetime.timedelta(days=90)
    )

    assert purge_sent_email_content() == 1
    assert purge_sent_email_content() == 0  # a second run finds nothing

    old.refresh_from_db()
    assert (old.body_text, old.body_html, old.attachments) == ("", "", [])
    assert (old.to, old.subject, old.key) == (
        "ancien@example.org",
        "Bonjour",
        "ancien:ancien@example.org",
    )
    for kept in (recent, failed):
        kept.refresh_from_db()
        assert kept.body_text == "Texte" and kept.body_html == "<p>Texte</p>"
    # The key still stops the same message from being queued again.
    assert queue(to="ancien@example.org", key="ancien") is None
    # Run every day by beat.
    from portal.celery import app

    entry = app.conf.beat_schedule["purge-sent-email-content"]
    assert entry["task"] == purge_sent_email_content.name


def outbox_writes(queries):
    return [q["sql"] for q in queries if q["sql"].startswith('UPDATE "portal_outgoingemail"')]


def test_messages_are_claimed_and_recorded_as_sent_a_group_at_a_time(mailoutbox):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    queue_many(45)

    with CaptureQueriesContext(connection) as queries:
        assert email_send_queued(group=20) == 45

    # Three groups (20, 20, 5): a claim and a "sent" UPDATE each, not two per message.
    assert len(outbox_writes(queries.captured_queries)) == 6
    assert len(mailoutbox) == 45
    assert set(OutgoingEmail.objects.values_list("status", "attempts")) == {
        (OutgoingEmail.Status.SENT, 1)
    }
    assert not OutgoingEmail.objects.filter(sent_at=None).exists()


def test_a_run_stopped_mid_group_records_what_went_and_puts_back_what_was_not_tried(mailoutbox):
    queue_many(5)
    first, second, third, fourth, fifth = OutgoingEmail.objects.order_by("created_at")
    real_message = sending._message

    def message(email, connection):
        if email.pk == second.pk:
            raise KeyboardInterrupt  # the worker stopped while sending the second message
        return real_message(email, connection)

    with mock.patch.object(sending, "_message", message), pytest.raises(KeyboardInterrupt):
        email_send_queued(group=3)

    states = {
        email.pk: (email.status, email.attempts, email.claimed_at is not None)
        for email in OutgoingEmail.objects.all()
    }
    assert states[first.pk] == (OutgoingEmail.Status.SENT, 1, True)
    assert states[second.pk] == (OutgoingEmail.Status.SENDING, 1, True)  # maybe received
    assert states[third.pk] == (OutgoingEmail.Status.QUEUED, 0, False)  # claimed, never tried
    assert states[fourth.pk] == states[fifth.pk] == (OutgoingEmail.Status.QUEUED, 0, False)
    assert [m.to for m in mailoutbox] == [[first.to]]
    # The next run sends the rest, never the second one again by itself.
    assert email_send_queued() == 3
    assert len(mailoutbox) == 4


def test_a_server_lost_mid_group_leaves_the_untried_messages_queued(mailoutbox):
    queue_many(4)
    calls = {"n": 0}

    def ensure_open(connection):
        calls["n"] += 1
        if calls["n"] == 4:  # before the claim, then before each message: the third one
            raise ConnectionRefusedError("refused")

    with mock.patch.object(sending, "_ensure_open", ensure_open):
        assert email_send_queued(group=4) == 2

    counts = dict(
        OutgoingEmail.objects.values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    assert counts == {OutgoingEmail.Status.SENT: 2, OutgoingEmail.Status.QUEUED: 2}
    assert not OutgoingEmail.objects.queued().exclude(attempts=0).exists()


def test_a_message_another_run_claimed_is_not_claimed_again():
    emails = [queue(to=f"a{n}@example.org") for n in range(3)]
    OutgoingEmail.objects.filter(pk=emails[1].pk).update(status=OutgoingEmail.Status.SENDING)

    claimed = sending._claim(emails)

    assert [email.pk for email in claimed] == [emails[0].pk, emails[2].pk]
    assert sending._claim(emails) == []


def test_the_backlog_sends_over_one_connection(mailoutbox):
    queue_many(450)

    with mock.patch.object(sending, "get_connection", wraps=sending.get_connection) as opened:
        assert outbox.email_send_backlog() == (450, False)

    assert opened.call_count == 1
    assert len(mailoutbox) == 450


class FakeSMTP:
    def __init__(self, sock):
        self.sock = sock
        self.noops = 0

    def noop(self):
        self.noops += 1
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class FakeConnection:
    def __init__(self, smtp):
        self.connection = smtp
        self.opened = 0

    def close(self):
        self.connection = None

    def open(self):
        self.opened += 1


def test_a_quiet_connection_is_used_without_a_round_trip():
    import socket

    ours, server = socket.socketpair()
    try:
        smtp = FakeSMTP(ours)
        connection = FakeConnection(smtp)
        sending._ensure_open(connection)
        assert (smtp.noops, connection.opened) == (0, 0)
    finally:
        ours.close()
        server.close()


def test_a_connection_the_server_closed_is_reopened_before_anything_is_claimed():
    import socket

    ours, server = socket.socketpair()
    server.close()  # the server hung up between two messages: our socket reads as ready (EOF)
    try:
        smtp = FakeSMTP(ours)
        connection = FakeConnection(smtp)
        sending._ensure_open(connection)
        assert (smtp.noops, connection.opened) == (1, 1)
    finally:
        ours.close()

    # A socket smtplib already closed (after a 421) is checked and reopened too.
    smtp = FakeSMTP(None)
    connection = FakeConnection(smtp)
    sending._ensure_open(connection)
    assert (smtp.noops, connection.opened) == (1, 1)


def test_a_commit_while_the_sender_runs_wakes_no_other_run_and_is_sent_by_it(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    """A rush of registrations while the sender works: one wake-up for the run, none for the
    messages it finds on its last look."""
    from portal.tasks import send_queued_emails

    settings.REDIS_URL = "redis://cache.example:6379/0"  # the flag lives in the shared cache
    real_backlog = sending.email_send_backlog
    calls = []

    def backlog(**kwargs):
        if not calls:  # during the first pass: two commits, each queueing a message
            for to in ("pendant1@example.org", "pendant2@example.org"):
                with django_capture_on_commit_callbacks(execute=True):
                    queue(to=to)
        calls.append(kwargs)
        return real_backlog(**kwargs)

    with mock.patch("portal.tasks.send_queued_emails.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            queue(to="avant@example.org")
        assert delay.call_count == 1  # the wake-up of the run below
        with mock.patch.object(sending, "email_send_backlog", backlog):
            assert send_queued_emails() == 3
        assert delay.call_count == 1  # the commits during the run woke nothing more
        assert sorted(m.to[0] for m in mailoutbox) == [
            "avant@example.org",
            "pendant1@example.org",
            "pendant2@example.org",
        ]
        # The run is over: the next commit wakes the sender again.
        with django_capture_on_commit_callbacks(execute=True):
            queue(to="apres@example.org")
        assert delay.call_count == 2


def test_a_run_past_its_budget_wakes_a_fresh_run_despite_its_own_flag(settings, mailoutbox):
    from portal import tasks

    settings.REDIS_URL = "redis://cache.example:6379/0"
    queue_many(250)

    with (
        mock.patch.object(tasks, "SEND_BUDGET", 0.0),
        mock.patch("portal.tasks.send_queued_emails.delay") as delay,
    ):
        assert tasks.send_queued_emails() == 200

    assert delay.call_count == 1
    assert OutgoingEmail.objects.queued().count() == 50


def test_a_run_whose_server_refuses_everything_stops_and_leaves_the_queue_to_the_sweep(
    settings,
):
    settings.REDIS_URL = "redis://cache.example:6379/0"
    queue_many(3)

    with mock.patch.object(sending, "get_connection") as get_connection:
        get_connection.return_value.open.side_effect = OSError("connection refused")
        get_connection.return_value.connection = None
        assert outbox.email_send_woken(budget=60.0) == (0, False)

    assert get_connection.call_count == 2  # one more look, then the sweep's turn
    assert OutgoingEmail.objects.queued().count() == 3
    assert outbox.wake_hold()  # the flag was released: a wake-up may be published


# --- The woken sender lets a rush pass before it sends -------------------------------------------


class Clock:
    """time.monotonic and time.sleep of the sender, the sleeps recorded; ``during_sleep``
    runs at each sleep (messages queued meanwhile)."""

    def __init__(self, during_sleep=lambda n: None):
        self.now, self.sleeps, self.during_sleep = 100.0, [], during_sleep

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds
        self.during_sleep(len(self.sleeps))


def test_a_lone_message_waits_one_quiet_spell_then_goes(settings, mailoutbox):
    settings.MAIL_SETTLE_SECONDS, settings.MAIL_SETTLE_MAX_SECONDS = 0.25, 10.0
    queue_many(1)
    clock = Clock()

    with mock.patch.object(sending, "time", clock):
        assert outbox.email_send_woken(budget=60.0) == (1, False)

    assert clock.sleeps == [0.25]
    assert len(mailoutbox) == 1


def test_the_sender_waits_while_a_rush_queues_messages_then_sends_them_all(settings, mailoutbox):
    settings.MAIL_SETTLE_SECONDS, settings.MAIL_SETTLE_MAX_SECONDS = 0.25, 10.0
    queue_many(1)
    # Four more arrive, one during each of the first four sleeps; the fifth sleep sees none.
    clock = Clock(lambda n: queue_many(1) if n <= 4 else None)

    with mock.patch.object(sending, "time", clock):
        assert outbox.email_send_woken(budget=60.0) == (5, False)

    assert clock.sleeps == [0.25] * 5
    assert len(mailoutbox) == 5


def test_a_rush_that_does_not_end_delays_the_mail_no_longer_than_the_maximum(settings, mailoutbox):
    settings.MAIL_SETTLE_SECONDS, settings.MAIL_SETTLE_MAX_SECONDS = 0.25, 1.0
    queue_many(1)
    clock = Clock(lambda n: queue_many(1))  # one more at every sleep, for ever

    with mock.patch.object(sending, "time", clock):
        sent, _more = outbox.email_send_woken(budget=60.0)

    assert clock.sleeps == [0.25] * 4  # 1 s at most, then it sends
    assert sent == 5 and len(mailoutbox) == 5
