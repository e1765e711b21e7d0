"""Template helpers shared by the pages: event dates, breadcrumbs' JSON, query strings."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from events.models import Event

register = template.Library()

DAY_FORMAT = "l j F Y"
TIME_FORMAT = "H\\hi"  # 14h00, as written in Belgium


@register.filter
def event_when(event: Event) -> str:
    """A French sentence for when an event takes place, honest about what is not known."""
    start = timezone.localtime(event.start)
    day = date_format(start, DAY_FORMAT)
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
        "end": f"{date_format(end, DAY_FORMAT)} {date_format(end, TIME_FORMAT)}",
    }
