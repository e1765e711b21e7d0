"""How dates of events read in French, in Brussels time."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from events.models import Event
from portal.templatetags.portal_tags import event_when, long_date

BRUSSELS = ZoneInfo("Europe/Brussels")


def at(day, hour=0, minute=0):
    return datetime.datetime(2021, 6, day, hour, minute, tzinfo=BRUSSELS)


def test_long_date_uses_the_french_ordinal_for_the_first():
    assert long_date(datetime.date(2021, 6, 1)) == "mardi 1er juin 2021"
    assert long_date(datetime.date(2021, 6, 11)) == "vendredi 11 juin 2021"


def test_long_date_keeps_the_french_ordinal_out_of_english():
    with translation.override("en"):
        assert long_date(datetime.date(2021, 6, 1)) == "Tuesday 1 June 2021"


def test_long_date_of_a_datetime_is_taken_in_brussels_time():
    late_utc = datetime.datetime(2021, 6, 7, 22, 30, tzinfo=datetime.UTC)

    assert long_date(late_utc) == "mardi 8 juin 2021"


@pytest.mark.parametrize(
    ("start", "end", "tbc", "expected"),
    [
        (at(1, 14), None, False, "mardi 1er juin 2021, dès 14h00"),
        (at(8, 14), at(8, 17, 30), False, "mardi 8 juin 2021, de 14h00 à 17h30"),
        (
            at(10, 9),
            at(11, 16),
            False,
            "du jeudi 10 juin 2021 09h00 au vendredi 11 juin 2021 16h00",
        ),
        (at(6), None, True, "dimanche 6 juin 2021 (horaire à préciser)"),
    ],
)
def test_event_when(start, end, tbc, expected):
    event = Event(start=start, end=end, time_to_be_confirmed=tbc)

    assert event_when(event) == expected
