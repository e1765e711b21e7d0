"""The sending task: exactly once however often it runs or crashes, and the beat sweep that
resumes the issues whose task was lost."""

import datetime
from collections import Counter
from unittest import mock

import pytest
from django.utils import timezone

from newsletter import tasks
from newsletter.models import Delivery, Issue, Subscriber
from newsletter.services import sending
from portal.celery import app
from portal.models import OutgoingEmail
from tests.newsletter.factories import IssueFactory, SectionFactory, SubscriberFactory

pytestmark = pytest.mark.django_db

CONFIRMED = Subscriber.Status.CONFIRMED


def sending_issue(number=1, **kwargs):
    issue = IssueFactory(status=Issue.Status.SENDING, number=number, **kwargs)
    SectionFactory(issue=issue)
    Issue.objects.filter(pk=issue.pk).update(sending_started_at=timezone.now())
    return issue


def assert_exactly_once(subscribers):
    per_subscriber = Counter(Delivery.objects.values_list("subscriber_id", flat=True))
    assert per_subscriber == Counter({s.pk: 1 for s in subscribers})
    per_address = Counter(OutgoingEmail.objects.values_list("to", flat=True))
    assert per_address == Counter({s.email: 1 for s in subscribers})
    assert not Delivery.objects.filter(email__isnull=True).exists()


def test_the_beat_schedule_runs_the_sweep():
    entry = app.conf.beat_schedule["resume-newsletter-sending"]
    assert entry["task"] == "newsletter.tasks.resume_sending"
    assert entry["task"] in app.tasks


def test_send_issue_twice_delivers_once(mailoutbox, django_capture_on_commit_callbacks):
    issue = sending_issue()
    subscribers = SubscriberFactory.create_batch(7, status=CONFIRMED)

    with (
        mock.patch.object(sending, "BATCH_SIZE", 3),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.send_issue(issue.pk) == 7
        assert tasks.send_issue(issue.pk) == 0

    assert_exactly_once(subscribers)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT
    # The sender ran after commit (tasks run in-process): each subscriber got it once.
    assert Counter(m.to[0] for m in mailoutbox) == Counter({s.email: 1 for s in subscribers})


def test_a_run_that_crashes_mid_way_is_resumed_without_duplicates():
    issue = sending_issue()
    subscribers = SubscriberFactory.create_batch(7, status=CONFIRMED)
    real_batch = sending.issue_send_batch
    calls = []

    def crash_after_first_batch(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real_batch(**kwargs)

    with (
        mock.patch.object(sending, "BATCH_SIZE", 3),
        mock.patch.object(sending, "issue_send_batch", crash_after_first_batch),
        pytest.raises(RuntimeError),
    ):
        tasks.send_issue.run(issue.pk)

    assert Delivery.objects.count() == OutgoingEmail.objects.count() == 3  # the first batch
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENDING

    newcomer = SubscriberFactory(status=CONFIRMED)
    with mock.patch.object(sending, "BATCH_SIZE", 3):
        assert tasks.send_issue(issue.pk) == 5  # four left, and who confirmed meanwhile

    assert_exactly_once([*subscribers, newcomer])
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT


def test_a_crash_inside_a_batch_rolls_the_batch_back():
    """Killed between the outbox insert and the deliveries: nothing of the batch remains, so
    the next run queues those subscribers (once)."""
    issue = sending_issue()
    subscribers = SubscriberFactory.create_batch(4, status=CONFIRMED)

    with (
        mock.patch.object(
            Delivery.objects, "bulk_create", side_effect=RuntimeError("worker killed")
        ),
        pytest.raises(RuntimeError),
    ):
        tasks.send_issue.run(issue.pk)
    assert not OutgoingEmail.objects.exists() and not Delivery.objects.exists()

    tasks.send_issue(issue.pk)

    assert_exactly_once(subscribers)


def test_send_issue_returns_quietly_when_gone_or_not_sending():
    SubscriberFactory(status=CONFIRMED)
    assert tasks.send_issue(999_999) == 0
    assert tasks.send_issue(IssueFactory().pk) == 0
    assert tasks.send_issue(IssueFactory(sent=True).pk) == 0
    assert not OutgoingEmail.objects.exists()


def test_send_issue_hands_over_when_its_time_is_up():
    issue = sending_issue()
    SubscriberFactory.create_batch(5, status=CONFIRMED)

    with (
        mock.patch.object(sending, "BATCH_SIZE", 2),
        mock.patch.object(tasks, "TIME_BUDGET", -1.0),
        mock.patch.object(tasks.send_issue, "delay") as delay,
    ):
        assert tasks.send_issue(issue.pk) == 2

    delay.assert_called_once_with(issue.pk)
    assert Delivery.objects.count() == 2


def test_resume_sending_restarts_stalled_issues_only():
    old = timezone.now() - datetime.timedelta(minutes=10)
    never_started = sending_issue()
    Issue.objects.filter(pk=never_started.pk).update(sending_started_at=old)
    stalled = IssueFactory(status=Issue.Status.SENDING, number=2, slug="cale")
    Issue.objects.filter(pk=stalled.pk).update(sending_started_at=old)
    Delivery.objects.create(issue=stalled, subscriber=SubscriberFactory(status=CONFIRMED))
    Delivery.objects.filter(issue=stalled).update(created_at=old)
    alive = IssueFactory(status=Issue.Status.SENDING, number=3, slug="vivant")
    Issue.objects.filter(pk=alive.pk).update(sending_started_at=old)
    Delivery.objects.create(issue=alive, subscriber=SubscriberFactory(status=CONFIRMED))
    sending_issue(number=4)  # just started
    IssueFactory(sent=True, number=5, sending_started_at=old)
    IssueFactory()

    with mock.patch.object(tasks.send_issue, "delay") as delay:
        assert tasks.resume_sending() == 2

    assert {c.args[0] for c in delay.call_args_list} == {never_started.pk, stalled.pk}


def test_resuming_a_stalled_issue_clears_a_wake_up_left_pending_by_a_dead_worker(settings):
    """The dead worker may have held the sender's wake-up: its flag would silence the resumed
    batches' wake-ups until it expired (seen with a real worker killed mid-issue)."""
    from django.core.cache import cache

    from portal.mail import WAKE_PENDING_KEY

    settings.REDIS_URL = "redis://shared"  # the flag is kept only in a cache the workers share
    cache.set(WAKE_PENDING_KEY, 1, 30)
    issue = sending_issue()
    Issue.objects.filter(pk=issue.pk).update(
        sending_started_at=timezone.now() - datetime.timedelta(minutes=5)
    )

    with mock.patch.object(tasks.send_issue, "delay"):
        assert tasks.resume_sending() == 1

    assert cache.get(WAKE_PENDING_KEY) is None


def test_nothing_stalled_leaves_a_pending_wake_up_alone(settings):
    from django.core.cache import cache

    from portal.mail import WAKE_PENDING_KEY

    settings.REDIS_URL = "redis://shared"
    cache.set(WAKE_PENDING_KEY, 1, 30)

    assert tasks.resume_sending() == 0

    assert cache.get(WAKE_PENDING_KEY) == 1


def test_resume_sending_finishes_an_issue_left_by_a_dead_broker():
    issue = sending_issue()
    Issue.objects.filter(pk=issue.pk).update(
        sending_started_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    subscribers = SubscriberFactory.create_batch(3, status=CONFIRMED)

    assert tasks.resume_sending() == 1  # runs send_issue in-process

    assert_exactly_once(subscribers)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT
