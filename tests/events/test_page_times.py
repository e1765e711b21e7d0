"""The next moment a public event changes by time alone (events.page_times): it starts or
ends, its registration opens or closes. It bounds the life of the page cache's entries."""

import datetime

import pytest
from django.utils import timezone

from events.models import Event
from events.page_times import next_event_change
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def test_none_without_any_moment_to_come():
    now = timezone.now()
    EventFactory(start=now - 3 * HOUR, end=now - 2 * HOUR)
    assert next_event_change(now) is None


# For each moment, an event whose first moment to come is that one, two hours from now.
FIRST = {
    "start": {"start": 2, "end": 50},
    "end": {"start": -5, "end": 2},
    "registration_opens_at": {"registration_opens_at": 2, "start": 50, "end": 51},
    "registration_closes_at": {"registration_closes_at": 2, "start": 50, "end": 51},
}


@pytest.mark.parametrize("moment", list(FIRST))
def test_each_moment_of_a_public_event_counts(moment):
    now = timezone.now()
    EventFactory(**{name: now + hours * HOUR for name, hours in FIRST[moment].items()})
    assert next_event_change(now) == now + 2 * HOUR


def test_the_first_of_all_moments_of_all_public_events():
    now = timezone.now()
    EventFactory(start=now + 9 * HOUR, end=now + 10 * HOUR, registration_closes_at=now + 4 * HOUR)
    EventFactory(
        start=now + 7 * HOUR, end=now + 8 * HOUR, status=Event.Status.CANCELLED
    )  # a cancelled event's page changes too
    assert next_event_change(now) == now + 4 * HOUR


def test_a_draft_changes_no_public_page():
    now = timezone.now()
    EventFactory(start=now + HOUR, end=now + 2 * HOUR, status=Event.Status.DRAFT)
    EventFactory(start=now + 5 * HOUR, end=now + 6 * HOUR)
    assert next_event_change(now) == now + 5 * HOUR
