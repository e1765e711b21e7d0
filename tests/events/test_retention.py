"""Registration remarks (diet, accessibility: health data) are blanked 30 days after the event,
by a daily task; the rest of the registration stays."""

import datetime

import pytest
from django.utils import timezone

from events.models import Registration
from events.retention import REMARKS_KEPT_DAYS, registration_remarks_erase
from events.tasks import erase_past_registration_remarks
from portal.celery import app
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def registration(*, ended_days_ago: float, remarks: str = "Sans gluten", with_end: bool = True):
    start = NOW - datetime.timedelta(days=ended_days_ago, hours=3)
    event = EventFactory(start=start, end=start + datetime.timedelta(hours=3) if with_end else None)
    return RegistrationFactory(event=event, remarks=remarks)


def remarks_of(row: Registration) -> str:
    row.refresh_from_db()
    return row.remarks


def test_remarks_go_30_days_after_the_end_of_the_event_and_nothing_else_changes():
    old = registration(ended_days_ago=REMARKS_KEPT_DAYS + 1)
    recent = registration(ended_days_ago=REMARKS_KEPT_DAYS - 1)
    coming = registration(ended_days_ago=-10)
    before = Registration.objects.values().get(pk=old.pk)

    assert registration_remarks_erase(now=NOW) == 1

    assert remarks_of(old) == ""
    assert remarks_of(recent) == "Sans gluten"
    assert remarks_of(coming) == "Sans gluten"
    after = Registration.objects.values().get(pk=old.pk)
    assert {k: v for k, v in after.items() if k != "remarks"} == {
        k: v for k, v in before.items() if k != "remarks"
    }


def test_an_event_without_an_end_counts_from_its_start():
    old = registration(ended_days_ago=REMARKS_KEPT_DAYS + 1, with_end=False)
    recent = registration(ended_days_ago=REMARKS_KEPT_DAYS - 2, with_end=False)

    registration_remarks_erase(now=NOW)

    assert remarks_of(old) == ""
    assert remarks_of(recent) == "Sans gluten"


def test_cancelled_and_waiting_registrations_lose_their_remarks_too():
    old = registration(ended_days_ago=REMARKS_KEPT_DAYS + 5)
    Registration.objects.filter(pk=old.pk).update(status=Registration.Status.CANCELLED)

    registration_remarks_erase(now=NOW)

    assert remarks_of(old) == ""


def test_the_daily_task_erases_once_then_finds_nothing():
    old = registration(ended_days_ago=REMARKS_KEPT_DAYS + 1)

    assert erase_past_registration_remarks.delay() is not None  # in-process in tests
    assert remarks_of(old) == ""
    assert erase_past_registration_remarks() == 0


def test_the_task_is_scheduled_daily_by_beat():
    entry = app.conf.beat_schedule["erase-past-registration-remarks"]

    assert entry["task"] == erase_past_registration_remarks.name
    assert entry["schedule"] == 86400.0
