"""Dates and times as the portal writes them: French first, in Brussels time."""

from __future__ import annotations

import datetime
from functools import lru_cache
from typing import Any, Protocol

from django.core.signals import setting_changed
from django.utils import timezone
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.translation import get_language
from django.utils.translation import gettext as _

# The two formats below, as Django's date format would write them ("l j F Y" and "H\\hi"),
# written directly: a list of events formats two or three of them per row, and Django's
# formatter reads its format string character by character each time.
DAY_FORMAT = "l j F Y"
TIME_FORMAT = "H\\hi"  # 14h00, as written in Belgium


@lru_cache(maxsize=16)
def _names(language: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The weekday names (Monday first) and the month names (1 to 12) in ``language``, the
    active one: each of Django's lazy names is a lookup in every catalogue at each use (about
    2 µs), so they are read once per language here."""
    weekdays = tuple(str(WEEKDAYS[day]) for day in range(7))
    months = ("", *(str(MONTHS[month]) for month in range(1, 13)))
    return weekdays, months


# The settings that change the translation catalogues (in tests): what is kept translated per
# language (here, and the cards' labels in portal.cards) is forgotten when one changes.
CATALOGUE_SETTINGS = frozenset({"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"})


def _forget(*, setting: str, **kwargs: Any) -> None:
    if setting in CATALOGUE_SETTINGS:
        _names.cache_clear()


setting_changed.connect(_forget, dispatch_uid="portal.dates.forget")


def month_name(month: int) -> str:
    """« janvier » for 1: Django's MONTHS in the active language, as the date format's "F"."""
    return _names(get_language())[1][month]


class Timed(Protocol):
    """Anything that takes place at a time: an event, a meeting."""

    start: datetime.datetime
    end: datetime.datetime | None
    time_to_be_confirmed: bool


def long_date(value: datetime.date | datetime.datetime) -> str:
    """« mardi 1er juin 2021 »: the French ordinal for the first day of the month (in French
    only: « Tuesday 1 June 2021 » in English)."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    return _long_date(value)


def _long_date(local: datetime.date) -> str:
    language = get_language()
    weekdays, months = _names(language)
    day = str(local.day)
    if day == "1" and (language or "fr").startswith("fr"):
        day = "1er"
    return f"{weekdays[local.weekday()]} {day} {months[local.month]} {local.year:04d}"


def short_time(value: datetime.datetime) -> str:
    """« 14h00 », in Brussels time."""
    return _short_time(timezone.localtime(value))


def _short_time(local: datetime.datetime) -> str:
    return f"{local.hour:02d}h{local.minute:02d}"


def when(timed: Timed) -> str:
    """A French sentence for when something takes place, honest about what is not known."""
    start = timezone.localtime(timed.start)  # once: each costs a lookup of the time zone
    day = _long_date(start)
    if timed.time_to_be_confirmed:
        return _("%(day)s (horaire à préciser)") % {"day": day}
    start_time = _short_time(start)
    if timed.end is None:
        return _("%(day)s, dès %(time)s") % {"day": day, "time": start_time}
    end = timezone.localtime(timed.end)
    if end.date() == start.date():
        return _("%(day)s, de %(start)s à %(end)s") % {
            "day": day,
            "start": start_time,
            "end": _short_time(end),
        }
    return _("du %(start)s au %(end)s") % {
        "start": f"{day} {start_time}",
        "end": f"{_long_date(end)} {_short_time(end)}",
    }
