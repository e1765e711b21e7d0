"""The reminders task: what beat runs every 15 minutes."""

import datetime

import pytest
from django.utils import timezone

from events.tasks import send_due_reminders
from portal.celery import app
from portal.models import OutgoingEmail
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_task_sends_due_reminders_once(django_capture_on_commit_callbacks, mailoutbox):
    now = timezone.now()
    event = EventFactory(
        start=now + datetime.timedelta(days=1), reminder_days_before=2, reminder_on_the_day=False
    )
    registration = RegistrationFactory(event=event, registered_at=now - datetime.timedelta(days=5))
    RegistrationFactory(event=EventFactory(start=now + datetime.timedelta(days=5)))
    with django_capture_on_commit_callbacks(execute=True):
        send_due_reminders.delay()  # in-process in tests, as a worker would run it
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders() == 0  # beat runs it again: nothing more
    assert OutgoingEmail.objects.filter(key__startswith="reminder-").count() == 1
    assert [m.to for m in mailoutbox] == [[registration.user.email]]


def test_task_is_scheduled_by_beat():
    entry = app.conf.beat_schedule["send-due-reminders"]
    assert entry["task"] == "events.tasks.send_due_reminders"
    assert entry["schedule"] == 900.0
