"""Template helpers shared by the pages: dates in French (see portal.dates), and stored links
printed only when they are http, https or mailto (portal.links)."""

from __future__ import annotations

import datetime

from django import template

from portal import dates, links

register = template.Library()


@register.filter
def long_date(value: datetime.date | datetime.datetime) -> str:
    """« mardi 1er juin 2021 »: the French ordinal for the first day of the month."""
    return dates.long_date(value)


@register.filter
def event_when(timed: dates.Timed) -> str:
    """A French sentence for when an event takes place, honest about what is not known."""
    return dates.when(timed)


@register.filter
def safe_link(value: object) -> str:
    """The link for an ``href``, or "" when it is not http, https or mailto: print the link
    under ``{% if %}`` so that a refused one shows as plain text."""
    return links.safe_link(value)
