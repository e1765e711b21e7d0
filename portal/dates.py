"""Dates and times as the portal writes them: French first, in Brussels time."""

from __future__ import annotations

import datetime
from typing import Protocol

from django.utils import timezone
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.translation import get_language
from django.utils.translation import gettext as _

# The two formats below, as Django's date format would write them ("l j F Y" and "H\\hi"),
# written directly: a list of events formats two or three of them per row, and Django's
# formatter reads its format string character by character each time.
DAY_FORMAT = "l j F Y"
TIME_FORMAT = "H\\hi"  # 14h00, as written in Belgium


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
    day = str(value.day)
    if day == "1" and (get_language() or "fr").startswith("fr"):
        day = "1er"
    return f"{WEEKDAYS[value.weekday()]} {day} {MONTHS[value.month]} {value.year:04d}"


def short_time(value: datetime.datetime) -> str:
    """« 14h00 », in Brussels time."""
    value = timezone.localtime(value)
    return f"{value.hour:02d}h{value.minute:02d}"


def when(timed: Timed) -> str:
    """A French sentence for when something takes place, honest about what is not known."""
    start = timezone.localtime(timed.start)
    day = long_date(start)
    if timed.time_to_be_confirmed:
        return _("%(day)s (horaire à préciser)") % {"day": day}
    start_time = short_time(start)
    if timed.end is None:
        return _("%(day)s, dès %(time)s") % {"day": day, "time": start_time}
    end = timezone.localtime(timed.end)
    if end.date() == start.date():
        return _("%(day)s, de %(start)s à %(end)s") % {
            "day": day,
            "start": start_time,
            "end": short_time(end),
        }
    return _("du %(start)s au %(end)s") % {
        "start": f"{day} {start_time}",
        "end": f"{long_date(end)} {short_time(end)}",
    }
