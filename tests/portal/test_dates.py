"""Dates as the portal writes them (``portal.dates``) and the cards' dates and labels
(``portal.cards``): written directly, they say exactly what Django's formatter and
``get_FOO_display`` say, in French and in English, in Brussels time."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template.defaultfilters import date as date_filter
from django.utils import timezone, translation
from django.utils.formats import date_format

from chantiers.periods import Precision, period_name
from events.models import Event
from expertises.models import Facilitator
from portal import cards, dates

BRUSSELS = ZoneInfo("Europe/Brussels")

# Every day of a leap year and the next, and moments either side of both changes of time.
DAYS = [datetime.date(2024, 1, 1) + datetime.timedelta(days=n) for n in range(366 + 365)]
MOMENTS = [
    datetime.datetime(2025, 3, 30, 0, 59, tzinfo=datetime.UTC) + datetime.timedelta(minutes=m)
    for m in range(0, 24 * 60, 7)
] + [
    datetime.datetime(2025, 10, 25, 23, 0, tzinfo=datetime.UTC) + datetime.timedelta(minutes=m)
    for m in range(0, 6 * 60, 13)
]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_long_date_is_django_s_day_format(language):
    with translation.override(language):
        for day in DAYS:
            expected = date_format(day, dates.DAY_FORMAT)
            if language == "fr" and day.day == 1:
                expected = expected.replace(" 1 ", " 1er ", 1)
            assert dates.long_date(day) == expected, day


@pytest.mark.parametrize("language", ["fr", "en"])
def test_long_date_and_short_time_of_a_moment_are_in_brussels_time(language):
    with translation.override(language), timezone.override(BRUSSELS):
        for moment in MOMENTS:
            local = moment.astimezone(BRUSSELS)
            assert dates.short_time(moment) == date_format(local, dates.TIME_FORMAT)
            assert dates.long_date(moment).endswith(date_format(local, "F Y"))
            assert dates.long_date(moment).startswith(date_format(local, "l "))


@pytest.mark.parametrize("language", ["fr", "en"])
def test_month_name_is_the_date_format_s(language):
    with translation.override(language):
        for day in DAYS[:366:31]:
            assert dates.month_name(day.month) == date_format(day, "F")
            assert period_name(day, Precision.MONTH) == date_format(day, "F Y")


def test_names_and_labels_are_read_again_when_the_catalogues_change(settings):
    with translation.override("en"):
        dates._names.cache_clear()
        assert dates.month_name(5) == "May"
        assert dates._names.cache_info().currsize == 1
        assert cards.display(Event(kind=Event.Kind.WORKSHOP), "kind") == "Thematic workshop"
        assert cards._labels
    settings.LOCALE_PATHS = [*settings.LOCALE_PATHS]  # a change of catalogues (a test's)
    assert dates._names.cache_info().currsize == 0
    assert not cards._labels
    with translation.override("en"):
        assert dates.month_name(5) == "May"


def test_the_words_of_a_day():
    day = datetime.date(2021, 6, 1)
    with translation.override("fr"):
        assert dates.long_date(day) == "mardi 1er juin 2021"
    with translation.override("en"):
        assert dates.long_date(day) == "Tuesday 1 June 2021"
    moment = datetime.datetime(2021, 6, 1, 12, 5, tzinfo=datetime.UTC)
    with timezone.override(BRUSSELS):
        assert dates.short_time(moment) == "14h05"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_cards_dates_are_the_date_filter_s(language):
    with translation.override(language), timezone.override(BRUSSELS):
        naive = datetime.datetime(2025, 1, 2, 3, 4, 5)  # noqa: DTZ001 - as Django formats one too
        for value in [*DAYS[::17], *MOMENTS, naive]:
            aware = isinstance(value, datetime.datetime) and timezone.is_aware(value)
            local = timezone.localtime(value) if aware else value
            for format_string in ("c", "j F Y", "D j M"):
                assert cards.when(value, format_string) == date_filter(local, format_string)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_display_is_get_foo_display(language):
    with translation.override(language):
        for kind in [*Event.Kind.values, "inconnu"]:
            event = Event(kind=kind)
            assert cards.display(event, "kind") == cards.e(event.get_kind_display())
        for cost in Facilitator.Cost.values:
            facilitator = Facilitator(cost=cost)
            assert cards.display(facilitator, "cost") == cards.e(facilitator.get_cost_display())
    # The label follows the language of the moment, not that of the first call.
    workshop = Event(kind=Event.Kind.WORKSHOP)
    with translation.override("fr"):
        assert cards.display(workshop, "kind") == "Atelier thématique"
    with translation.override("en"):
        assert cards.display(workshop, "kind") == "Thematic workshop"
