"""Template helpers shared by the pages: dates in French (see portal.dates)."""

from __future__ import annotations

import datetime

from django import template

from portal import dates

register = template.Library()


@register.filter
def long_date(value: datetime.date | datetime.datetime) -> str:
    """« mardi 1er juin 2021 »: the French ordinal for the first day of the month."""
    return dates.long_date(value)


@register.filter
def event_when(timed: dates.Timed) -> str:
    """A French sentence for when an event takes place, honest about what is not known."""
    return dates.when(timed)
