"""iCalendar data for events: one event's .ics, the feeds, and invitations attached to emails.

Times are written in Europe/Brussels with a VTIMEZONE (``add_missing_timezones()``), so that every
calendar app shows the Belgian wall-clock time whatever its own zone. Each event keeps the UID
``event-<pk>@<host>`` (host of ``settings.SITE_URL``) in every file and feed, and carries its
``sequence``: an app that already holds the event replaces it instead of adding a copy.

Every text goes out as iCalendar TEXT (icalendar escapes commas, semicolons and line breaks,
so a summary cannot add a property of its own), without the control characters TEXT excludes,
and without any HTML alternative (no ``X-ALT-DESC``): a calendar app shows what was typed.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import CalendarFeedToken, Event, calendar_feed_token_new
from portal.models import User
from portal.text import single_line, without_control_characters

BRUSSELS = ZoneInfo("Europe/Brussels")
PRODID = "-//Cellule Manger Demain//Chantiers communs//FR"
# How often subscribed calendar apps should fetch a feed again (REFRESH-INTERVAL, X-PUBLISHED-TTL).
FEED_REFRESH = datetime.timedelta(hours=1)


def site_host() -> str:
    """The host part of the stable UIDs: that of SITE_URL, whatever host served the request."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def webcal_url(url: str) -> str:
    """The ``webcal://`` form of an http(s) address, which opens the subscription dialog."""
    return "webcal://" + url.split("://", 1)[-1]


def event_uid(event: Event, *, host: str | None = None) -> str:
    return f"event-{event.pk}@{host or site_host()}"


def event_to_vevent(event: Event, *, host: str, waiting_list: bool = False) -> icalendar.Event:
    """The VEVENT of an event.

    Nothing is invented: without an end, there is no DTEND (RFC 5545 allows DTSTART alone); when
    only the date is known (``time_to_be_confirmed``), the event is an all-day DATE. With
    ``waiting_list`` the title says that the person is on the waiting list (private feed).
    """
    title = event.title
    if event.is_cancelled:
        # Many apps show neither STATUS nor strike-through: say it in the title too.
        title = _("Annulé : %(title)s") % {"title": title}
    if waiting_list:
        title = _("%(title)s (liste d'attente)") % {"title": title}

    start: datetime.date | datetime.datetime
    end: datetime.date | datetime.datetime | None = None
    if event.time_to_be_confirmed:
        start = timezone.localtime(event.start, BRUSSELS).date()
        if event.end:
            last_day = timezone.localtime(event.end, BRUSSELS).date()
            if last_day > start:
                end = last_day + datetime.timedelta(days=1)  # DTEND of a DATE is exclusive
    else:
        start = timezone.localtime(event.start, BRUSSELS)
        if event.end:
            end = timezone.localtime(event.end, BRUSSELS)

    page_url = absolute_url(event.get_absolute_url())
    vevent = icalendar.Event.new(
        uid=event_uid(event, host=host),
        summary=single_line(title),
        start=start,
        end=end,
        location=single_line(_location(event)) or None,
        description=without_control_characters(_description(event, page_url=page_url)),
        url=page_url,
        status=icalendar.STATUS.CANCELLED if event.is_cancelled else icalendar.STATUS.CONFIRMED,
        sequence=getattr(event, "sequence", 0) or 0,
        stamp=timezone.now().astimezone(datetime.UTC),
        created=event.created_at.astimezone(datetime.UTC) if event.created_at else None,
        last_modified=event.updated_at.astimezone(datetime.UTC) if event.updated_at else None,
        categories=[str(event.get_kind_display())],
    )
    if event.latitude is not None and event.longitude is not None:
        vevent.add("geo", (float(event.latitude), float(event.longitude)))
    return vevent


def _location(event: Event) -> str:
    place = ", ".join(part for part in (event.venue, event.address) if part)
    return place or event.online_url


def _description(event: Event, *, page_url: str) -> str:
    lines = []
    if event.is_cancelled:
        lines.append(_("Cet événement est annulé."))
    if event.summary:
        lines.append(event.summary)
    if event.time_to_be_confirmed:
        lines.append(_("Horaire à préciser."))
    if event.online_url:
        lines.append(_("En ligne : %(url)s") % {"url": event.online_url})
    lines.append(_("Plus d'informations : %(url)s") % {"url": page_url})
    return "\n\n".join(lines)


def _calendar(
    *, method: str, name: str | None = None, uid: str | None = None
) -> icalendar.Calendar:
    # Calendar.new() would make up a random UID on every call: give one explicitly, or none.
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        # X-WR-CALNAME is written unescaped: a line break in a title would break the file.
        name = single_line(name)
        calendar.add("x-wr-calname", name)
        calendar.add("name", name)
    if uid:
        calendar.add("uid", uid)
    calendar.add("x-wr-timezone", "Europe/Brussels")
    return calendar


def _serialise(calendar: icalendar.Calendar) -> bytes:
    calendar.add_missing_timezones()
    return calendar.to_ical()


def calendar_for_events(
    events: Iterable[Event],
    *,
    name: str,
    method: str = "PUBLISH",
    uid: str | None = None,
    refresh: datetime.timedelta | None = None,
    waiting_list: Collection[int] = (),
) -> bytes:
    """A calendar of these events, for a download or a subscribed feed.

    ``uid`` identifies the feed itself (keep it stable); ``refresh`` tells subscribed apps how
    often to fetch it again; ``waiting_list`` holds the pks of the events whose title says that
    the person is on the waiting list.
    """
    host = site_host()
    calendar = _calendar(method=method, name=name, uid=uid)
    if refresh:
        calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", refresh)
    for event in events:
        calendar.add_component(
            event_to_vevent(event, host=host, waiting_list=event.pk in waiting_list)
        )
    return _serialise(calendar)


def event_invitation(event: Event, *, cancelled: bool = False) -> bytes:
    """The ``.ics`` attached to a registration email (stable signature: the emails rely on it).

    ``METHOD:REQUEST`` puts the event in the recipient's calendar, or updates the copy already
    there (same UID, higher SEQUENCE after a change of time or place). With ``cancelled=True``
    (the registration was cancelled) or when the event itself is cancelled, it is a
    ``METHOD:CANCEL`` with ``STATUS:CANCELLED``, which removes the event from the calendar.
    Serve or attach it as ``text/calendar; charset=utf-8; method=<METHOD>``: see
    :func:`invitation_content_type`.
    """
    cancelled = cancelled or event.is_cancelled
    calendar = _calendar(method="CANCEL" if cancelled else "REQUEST")
    vevent = event_to_vevent(event, host=site_host())
    if cancelled:
        vevent.status = icalendar.STATUS.CANCELLED
    calendar.add_component(vevent)
    return _serialise(calendar)


def invitation_content_type(event: Event, *, cancelled: bool = False) -> str:
    """The MIME type of an :func:`event_invitation` attachment (Outlook wants the method)."""
    method = "CANCEL" if cancelled or event.is_cancelled else "REQUEST"
    return f"text/calendar; charset=utf-8; method={method}"


# --- The private feed's secret address (a write: one service) ------------------------------


@transaction.atomic
def calendar_feed_token_renew(*, user: User) -> CalendarFeedToken:
    """Give this person a new private feed address (creating the first one): the previous
    address answers 404 from now on."""
    token, _created = CalendarFeedToken.objects.update_or_create(
        user=user,
        defaults={"token": calendar_feed_token_new(), "created_at": timezone.now()},
    )
    return token
