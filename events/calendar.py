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
import functools
from collections.abc import Collection, Iterable
from email.utils import parseaddr
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


@functools.cache
def _brussels_vtimezone() -> icalendar.Timezone:
    """The Europe/Brussels VTIMEZONE, built once per process: ``add_missing_timezones()``
    computes its transitions again on every call (over a fixed range of years, so the result
    never differs), which was a third of a registration's cost. Read-only once built."""
    return icalendar.Timezone.from_tzid("Europe/Brussels")


def _serialise(calendar: icalendar.Calendar) -> bytes:
    if "Europe/Brussels" in calendar.get_missing_tzids():
        calendar.subcomponents.insert(0, _brussels_vtimezone())
    calendar.add_missing_timezones()  # any other zone (none today)
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


def invitation_sequence(event: Event, *, round: int = 1, cancelled: bool = False) -> int:
    """The SEQUENCE of one person's invitation: never lower than the last one they received.

    The event's own ``sequence`` rises with each change of time or place (and its
    cancellation), for everyone. On top of it, each registration round of a person (their
    ``times_registered``) counts two: the REQUEST of round r, then the CANCEL of that round if
    they unregister (one higher, so that their calendar app applies it to the copy it holds),
    then the REQUEST of round r + 1 if they register again (higher still).
    """
    return (getattr(event, "sequence", 0) or 0) + 2 * (max(round, 1) - 1) + int(cancelled)


def organiser_address() -> str:
    """The organising team's address (``EVENTS_ORGANIZER_EMAIL``, else the sender's)."""
    address = getattr(settings, "EVENTS_ORGANIZER_EMAIL", "") or settings.DEFAULT_FROM_EMAIL
    return parseaddr(address)[1] or address


def organiser_name(event: Event) -> str:
    """Who organises, as invitations name them: the event's organisation, else the Cellule."""
    if event.organiser_id is not None and event.organiser is not None:
        return event.organiser.name
    return "Cellule Manger Demain"


def _cal_address(email: str, **parameters: str) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{email}")
    for name, value in parameters.items():
        if value:
            address.params[name] = single_line(value)
    return address


def event_invitation(
    event: Event,
    *,
    cancelled: bool = False,
    attendee: tuple[str, str] | None = None,
    round: int = 1,
) -> bytes:
    """The ``.ics`` attached to a registration email.

    ``METHOD:REQUEST`` puts the event in the recipient's calendar, or updates the copy already
    there (same UID, higher SEQUENCE after a change of time or place). With ``cancelled=True``
    (the registration was cancelled) or when the event itself is cancelled, it is a
    ``METHOD:CANCEL`` with ``STATUS:CANCELLED``, which removes the event from the calendar.
    ``ORGANIZER`` is the organising team (``organiser_address``, named after the event's
    organisation); ``attendee`` (name, email) is the person it is sent to, and ``round`` their
    registration round (see :func:`invitation_sequence`). Serve or attach it as
    ``text/calendar; charset=utf-8; method=<METHOD>``: see :func:`invitation_content_type`.
    """
    registration_cancelled = cancelled
    cancelled = cancelled or event.is_cancelled
    calendar = _calendar(method="CANCEL" if cancelled else "REQUEST")
    vevent = event_to_vevent(event, host=site_host())
    vevent.pop("SEQUENCE", None)
    vevent.add(
        "sequence",
        invitation_sequence(event, round=round, cancelled=registration_cancelled),
    )
    vevent.add("organizer", _cal_address(organiser_address(), CN=organiser_name(event)))
    if attendee is not None:
        name, email = attendee
        vevent.add(
            "attendee",
            _cal_address(
                email,
                CN=name,
                CUTYPE="INDIVIDUAL",
                ROLE="REQ-PARTICIPANT",
                PARTSTAT="DECLINED" if registration_cancelled else "ACCEPTED",
                RSVP="FALSE",
            ),
        )
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
