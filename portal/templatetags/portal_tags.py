"""Template helpers shared by the pages: event dates, breadcrumbs' JSON, query strings."""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from events.models import Event

register = template.Library()

DAY_FORMAT = "l j F Y"
TIME_FORMAT = "H\\hi"  # 14h00, as written in Belgium


@register.filter
def long_date(value: datetime.date | datetime.datetime) -> str:
    """« mardi 1er juin 2021 »: the French ordinal for the first day of the month."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    text = date_format(value, DAY_FORMAT)
    if value.day == 1:
        text = text.replace(" 1 ", " 1er ", 1)
    return text


@register.filter
def event_when(event: Event) -> str:
    """A French sentence for when an event takes place, honest about what is not known."""
    start = timezone.localtime(event.start)
    day = long_date(start)
    if event.time_to_be_confirmed:
        return _("%(day)s (horaire à préciser)") % {"day": day}
    start_time = date_format(start, TIME_FORMAT)
    if event.end is None:
        return _("%(day)s, dès %(time)s") % {"day": day, "time": start_time}
    end = timezone.localtime(event.end)
    if end.date() == start.date():
        return _("%(day)s, de %(start)s à %(end)s") % {
            "day": day,
            "start": start_time,
            "end": date_format(end, TIME_FORMAT),
        }
    return _("du %(start)s au %(end)s") % {
        "start": f"{day} {start_time}",
        "end": f"{long_date(end)} {date_format(end, TIME_FORMAT)}",
    }
