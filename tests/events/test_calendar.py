"""Calendars: .ics files, public feeds, the private feed of my registrations and its token."""

import datetime
from http import HTTPStatus
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from events.calendar import calendar_feed_token_renew, event_invitation, event_to_vevent
from events.models import CalendarFeedToken, Event, Registration
from tests.chantiers.factories import ChantierFactory
from tests.events.factories import EventFactory
from tests.portal.factories import UserFactory
from tests.querycount import assert_constant_queries
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")
ICS_TYPE = "text/calendar; charset=utf-8"
ALL = reverse("calendar:all")


def brussels(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=BRUSSELS)


def fetch(client, url: str) -> icalendar.Calendar:
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    assert response["Content-Type"] == ICS_TYPE
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Disposition"].endswith('.ics"')
    return icalendar.Calendar.from_ical(response.content)


def summaries(calendar: icalendar.Calendar) -> list[str]:
    return [str(event["SUMMARY"]) for event in calendar.events]


def event_ics_url(event: Event) -> str:
    return reverse("calendar:event_ics", kwargs={"slug": event.slug})


def private_url(token: CalendarFeedToken) -> str:
    return reverse("calendar:private", kwargs={"token": token.token})


# --- One event's .ics: times in Europe/Brussels -----------------------------------------------


def test_summer_meeting_reads_back_at_14h_brussels_and_12h_utc(client, settings):
    settings.SITE_URL = "https://chantiers.example.be"
    meeting = EventFactory(
        title="Rencontre territoriale de Namur",
        slug="rencontre-namur",
        start=brussels(2021, 6, 1, 14, 0),
        end=brussels(2021, 6, 1, 17, 0),
    )

    calendar = fetch(client, event_ics_url(meeting))

    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["PRODID"] == "-//Cellule Manger Demain//Chantiers communs//FR"
    assert calendar["X-WR-TIMEZONE"] == "Europe/Brussels"
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Brussels"]
    (vevent,) = calendar.events
    assert vevent["DTSTART"].params["TZID"] == "Europe/Brussels"
    start = vevent.start
    assert (start.hour, start.minute) == (14, 0)
    assert start.utcoffset() == datetime.timedelta(hours=2)
    assert start.astimezone(datetime.UTC).hour == 12
    assert vevent.end.astimezone(datetime.UTC).hour == 15
    assert vevent["UID"] == f"event-{meeting.pk}@chantiers.example.be"
    assert vevent["URL"] == "https://chantiers.example.be/evenements/rencontre-namur/"
    assert vevent["SUMMARY"] == "Rencontre territoriale de Namur"
    assert vevent["LOCATION"] == "Salle communale, Rue de l'Exemple 1, 5000 Namur"
    assert "https://chantiers.example.be/evenements/rencontre-namur/" in vevent["DESCRIPTION"]
    assert vevent["STATUS"] == "CONFIRMED"


def test_winter_event_reads_back_at_plus_one_hour(client):
    workshop = EventFactory(start=brussels(2021, 12, 7, 9, 30), end=brussels(2021, 12, 7, 12, 0))

    (vevent,) = fetch(client, event_ics_url(workshop)).events

    assert vevent.start.isoformat() == "2021-12-07T09:30:00+01:00"
    assert vevent.start.astimezone(datetime.UTC).hour == 8


def test_nothing_is_invented_without_an_end_or_a_time(client):
    no_end = EventFactory(start=brussels(2026, 3, 10, 18, 0), end=None)
    date_only = EventFactory(start=brussels(2026, 3, 12, 0, 0), end=None, time_to_be_confirmed=True)

    (timed,) = fetch(client, event_ics_url(no_end)).events
    (all_day,) = fetch(client, event_ics_url(date_only)).events

    assert "DTEND" not in timed and "DURATION" not in timed
    assert all_day.start == datetime.date(2026, 3, 12)
    assert all_day["DTSTART"].params["VALUE"] == "DATE"
    assert "DTEND" not in all_day and "DURATION" not in all_day


def test_located_event_has_geo_and_online_event_its_link():
    located = EventFactory(latitude="50.46510", longitude="4.86190")
    online = EventFactory(venue="", address="", online_url="https://visio.example.org/salle")

    geo = event_to_vevent(located, host="example.org")["GEO"]
    assert (geo.latitude, geo.longitude) == (50.4651, 4.8619)
    online_vevent = event_to_vevent(online, host="example.org")
    assert online_vevent["LOCATION"] == "https://visio.example.org/salle"
    assert "GEO" not in online_vevent


def test_draft_ics_is_404_and_unknown_slug_too(client):
    draft = EventFactory(status=Event.Status.DRAFT)

    assert client.get(event_ics_url(draft)).status_code == HTTPStatus.NOT_FOUND
    missing = reverse("calendar:event_ics", kwargs={"slug": "inconnu"})
    assert client.get(missing).status_code == HTTPStatus.NOT_FOUND


# --- UID, SEQUENCE, cancellation, invitations -------------------------------------------------


def test_uids_are_stable_across_downloads(client):
    events = EventFactory.create_batch(3)

    first = [str(e["UID"]) for e in fetch(client, ALL).events]
    second = [str(e["UID"]) for e in fetch(client, ALL).events]
    single = str(fetch(client, event_ics_url(events[0])).events[0]["UID"])

    assert first == second
    assert sorted(first) == sorted(f"event-{e.pk}@127.0.0.1" for e in events)
    assert single == f"event-{events[0].pk}@127.0.0.1"


def test_cancelled_event_is_cancelled_in_feed_and_invitation(client):
    cancelled = EventFactory(title="Atelier sol", status=Event.Status.CANCELLED)

    (vevent,) = fetch(client, ALL).events
    invitation = icalendar.Calendar.from_ical(event_invitation(cancelled))

    assert vevent["STATUS"] == "CANCELLED"
    assert "Atelier sol" in vevent["SUMMARY"]
    assert invitation["METHOD"] == "CANCEL"
    assert invitation.events[0]["STATUS"] == "CANCELLED"
    assert invitation.events[0]["UID"] == vevent["UID"]


def test_invitation_requests_then_cancels_with_the_same_uid():
    event = EventFactory(start=brussels(2026, 6, 1, 14, 0))

    request = icalendar.Calendar.from_ical(event_invitation(event))
    cancel = icalendar.Calendar.from_ical(event_invitation(event, cancelled=True))

    assert request["METHOD"] == "REQUEST"
    assert request.events[0]["STATUS"] == "CONFIRMED"
    assert request.events[0].start == brussels(2026, 6, 1, 14, 0)
    assert request.timezones[0].tz_name == "Europe/Brussels"
    assert cancel["METHOD"] == "CANCEL"
    assert cancel.events[0]["STATUS"] == "CANCELLED"
    assert cancel.events[0]["UID"] == request.events[0]["UID"] == f"event-{event.pk}@127.0.0.1"


def test_sequence_is_carried(client):
    event = EventFactory()
    event.sequence = 3
    if any(field.name == "sequence" for field in Event._meta.get_fields()):
        Event.objects.filter(pk=event.pk).update(sequence=3)
        (vevent,) = fetch(client, event_ics_url(event)).events
        assert vevent["SEQUENCE"] == 3

    assert event_to_vevent(event, host="example.org")["SEQUENCE"] == 3
    invitation = icalendar.Calendar.from_ical(event_invitation(event))
    assert invitation.events[0]["SEQUENCE"] == 3


# --- Public feeds -------------------------------------------------------------------------------


@pytest.fixture
def territory():
    """Two provinces and two chantiers, each with a published, a cancelled and a draft event."""
    now = timezone.now()
    namur = ProvinceFactory(slug="namur", name="Namur")
    liege = ProvinceFactory(slug="liege", name="Liège")
    sols = ChantierFactory(slug="sols", title="Sols vivants")
    cantines = ChantierFactory(slug="cantines", title="Cantines durables")
    for province, chantier in ((namur, sols), (liege, cantines)):
        EventFactory(title=f"{province.name} publié", province=province, chantier=chantier)
        EventFactory(
            title=f"{province.name} annulé",
            province=province,
            chantier=chantier,
            status=Event.Status.CANCELLED,
        )
        EventFactory(
            title=f"{province.name} brouillon",
            province=province,
            chantier=chantier,
            status=Event.Status.DRAFT,
        )
    EventFactory(title="Il y a six mois", start=now - datetime.timedelta(days=180))
    EventFactory(title="Il y a deux ans", start=now - datetime.timedelta(days=730))
    return {"namur": namur, "liege": liege, "sols": sols, "cantines": cantines}


def test_all_feed_has_public_events_of_the_window(client, territory):
    calendar = fetch(client, ALL)

    titles = summaries(calendar)
    assert sorted(titles) == sorted(
        [
            "Namur publié",
            "Annulé : Namur annulé",
            "Liège publié",
            "Annulé : Liège annulé",
            "Il y a six mois",
        ]
    )
    assert calendar["X-WR-CALNAME"] == "Chantiers communs – événements"
    assert calendar["UID"] == "calendar-tous@127.0.0.1"
    assert "REFRESH-INTERVAL" in calendar


def test_province_feed_has_only_its_events(client, territory):
    calendar = fetch(client, reverse("calendar:province", kwargs={"slug": "namur"}))

    assert sorted(summaries(calendar)) == ["Annulé : Namur annulé", "Namur publié"]
    assert calendar["X-WR-CALNAME"] == "Chantiers communs – Namur"


def test_chantier_feed_has_only_its_events(client, territory):
    calendar = fetch(client, reverse("calendar:chantier", kwargs={"slug": "cantines"}))

    assert sorted(summaries(calendar)) == ["Annulé : Liège annulé", "Liège publié"]
    assert calendar["X-WR-CALNAME"] == "Chantiers communs – Cantines durables"


@pytest.mark.parametrize("route", ["province", "chantier"])
def test_unknown_province_or_chantier_is_404(client, route):
    response = client.get(reverse(f"calendar:{route}", kwargs={"slug": "nulle-part"}))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_drafts_are_absent_from_every_feed(client, territory):
    urls = [
        ALL,
        reverse("calendar:province", kwargs={"slug": "namur"}),
        reverse("calendar:province", kwargs={"slug": "liege"}),
        reverse("calendar:chantier", kwargs={"slug": "sols"}),
        reverse("calendar:chantier", kwargs={"slug": "cantines"}),
    ]
    draft_uids = {f"event-{e.pk}@127.0.0.1" for e in Event.objects.filter(status="draft")}

    for url in urls:
        body = client.get(url).content.decode()
        assert "brouillon" not in body, url
        assert not any(uid in body for uid in draft_uids), url


@pytest.mark.parametrize(
    "make_url",
    [
        lambda: ALL,
        lambda: reverse("calendar:province", kwargs={"slug": "namur"}),
        lambda: reverse("calendar:chantier", kwargs={"slug": "sols"}),
    ],
    ids=["all", "province", "chantier"],
)
def test_public_feed_queries_do_not_grow(client, make_url):
    namur = ProvinceFactory(slug="namur")
    sols = ChantierFactory(slug="sols")

    def grow(n: int) -> None:
        EventFactory.create_batch(n, province=namur, chantier=sols)

    assert_constant_queries(client, make_url, grow)


# --- The private feed -----------------------------------------------------------------------


def register(*, user, event, status="confirmed"):
    # Straight rows, not the registration services: what is tested here is what the feed reads.
    return Registration.objects.create(
        user=user,
        event=event,
        status=status,
        waiting_since=timezone.now() if status == "waiting" else None,
    )


def test_private_feed_has_my_confirmed_and_waiting_registrations_only(client):
    me, someone = UserFactory(), UserFactory()
    confirmed = EventFactory(title="Confirmée")
    waiting = EventFactory(title="En attente")
    cancelled_by_me = EventFactory(title="Désinscrite")
    event_cancelled = EventFactory(title="Supprimée", status=Event.Status.CANCELLED)
    others = EventFactory(title="Celle d'une autre")
    register(user=me, event=confirmed)
    register(user=me, event=waiting, status="waiting")
    register(user=me, event=cancelled_by_me, status="cancelled")
    register(user=me, event=event_cancelled)
    register(user=someone, event=others)
    register(user=someone, event=confirmed)
    token = calendar_feed_token_renew(user=me)

    response = client.get(private_url(token))
    calendar = icalendar.Calendar.from_ical(response.content)

    assert response["Content-Type"] == ICS_TYPE
    assert "private" in response["Cache-Control"]
    assert sorted(summaries(calendar)) == [
        "Annulé : Supprimée",
        "Confirmée",
        "En attente (liste d'attente)",
    ]
    statuses = {str(e["SUMMARY"]): e["STATUS"] for e in calendar.events}
    assert statuses["Annulé : Supprimée"] == "CANCELLED"
    assert calendar["X-WR-CALNAME"] == "Chantiers communs – mes inscriptions"


def test_each_token_shows_only_its_owner(client):
    me, someone = UserFactory(), UserFactory()
    register(user=me, event=EventFactory(title="La mienne"))
    register(user=someone, event=EventFactory(title="La sienne"))

    mine = fetch(client, private_url(calendar_feed_token_renew(user=me)))
    theirs = fetch(client, private_url(calendar_feed_token_renew(user=someone)))

    assert summaries(mine) == ["La mienne"]
    assert summaries(theirs) == ["La sienne"]


def test_private_feed_queries_do_not_grow(client):
    me = UserFactory()
    token = calendar_feed_token_renew(user=me)
    province = ProvinceFactory()

    def grow(n: int) -> None:
        for event in EventFactory.create_batch(n, province=province):
            register(user=me, event=event)

    assert_constant_queries(client, private_url(token), grow)


def test_empty_private_feed_parses(client):
    token = calendar_feed_token_renew(user=UserFactory())

    assert fetch(client, private_url(token)).events == []


def test_renewed_token_makes_the_old_address_404_and_reveals_nothing(client):
    me = UserFactory()
    old = calendar_feed_token_renew(user=me).token
    new = calendar_feed_token_renew(user=me).token
    old_url = reverse("calendar:private", kwargs={"token": old})
    guessed_url = reverse("calendar:private", kwargs={"token": "x" * 43})

    old_response = client.get(old_url)
    guessed_response = client.get(guessed_url)

    assert new != old
    assert CalendarFeedToken.objects.filter(user=me).count() == 1
    assert old_response.status_code == HTTPStatus.NOT_FOUND
    assert guessed_response.status_code == HTTPStatus.NOT_FOUND
    assert old_response.content == guessed_response.content
    assert client.get(reverse("calendar:private", kwargs={"token": new})).status_code == 200


def test_tokens_are_long_random_and_distinct():
    tokens = {calendar_feed_token_renew(user=UserFactory()).token for _ in range(5)}

    assert len(tokens) == 5
    assert all(len(token) >= 43 for token in tokens)


# --- The page where I see and renew my address --------------------------------------------------

MANAGE = reverse("calendar:private_manage")


def test_manage_page_needs_a_signed_in_person(client):
    response = client.get(MANAGE)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))
    assert client.post(MANAGE).status_code == HTTPStatus.FOUND
    assert not CalendarFeedToken.objects.exists()


def test_manage_page_creates_shows_and_renews_my_address(client):
    me = UserFactory()
    client.force_login(me)

    first_visit = client.get(MANAGE)
    assert first_visit.status_code == HTTPStatus.OK
    assert "Créer mon adresse d'agenda" in first_visit.content.decode()

    created = client.post(MANAGE, follow=True)
    token = CalendarFeedToken.objects.get(user=me)
    body = created.content.decode()
    assert created.redirect_chain == [(MANAGE, HTTPStatus.FOUND)]
    assert f"http://127.0.0.1:8000{private_url(token)}" in body
    assert f"webcal://127.0.0.1:8000{private_url(token)}" in body

    client.post(MANAGE)
    renewed = CalendarFeedToken.objects.get(user=me)
    assert renewed.token != token.token
    assert client.get(private_url(token)).status_code == HTTPStatus.NOT_FOUND
    assert private_url(renewed) in client.get(MANAGE).content.decode()


def test_manage_page_shows_no_one_elses_address(client):
    someone_token = calendar_feed_token_renew(user=UserFactory())
    client.force_login(UserFactory())

    body = client.get(MANAGE).content.decode()

    assert someone_token.token not in body


# --- Links on the pages -------------------------------------------------------------------------


def test_event_page_links_to_its_ics(client):
    event = EventFactory()

    body = client.get(event.get_absolute_url()).content.decode()

    assert event_ics_url(event) in body
    assert "Ajouter à mon agenda (.ics)" in body


def test_cancelled_event_page_offers_no_ics(client):
    event = EventFactory(status=Event.Status.CANCELLED)

    assert event_ics_url(event) not in client.get(event.get_absolute_url()).content.decode()


def test_event_list_links_to_the_feed(client):
    body = client.get(reverse("events:event_list")).content.decode()

    assert f'href="webcal://testserver{ALL}"' in body
    assert f'href="{ALL}"' in body
    assert "S'abonner au calendrier" in body


def test_province_and_chantier_pages_link_to_their_feeds(client):
    province = ProvinceFactory(slug="namur")
    chantier = ChantierFactory(slug="sols")

    province_page = client.get(province.get_absolute_url()).content.decode()
    chantier_page = client.get(chantier.get_absolute_url()).content.decode()

    assert reverse("calendar:province", kwargs={"slug": "namur"}) in province_page
    assert "S'abonner au calendrier" in province_page
    assert reverse("calendar:chantier", kwargs={"slug": "sols"}) in chantier_page
    assert "S'abonner au calendrier" in chantier_page


# --- Text stays text ---------------------------------------------------------------------------


def test_a_summary_holding_markup_or_line_breaks_stays_text_in_the_feed(client):
    """No HTML alternative goes out, and a line break cannot start a property of its own."""
    event = EventFactory(
        title="Rencontre <b>gras</b>\r\nATTENDEE:mailto:intrus@example.org",
        summary='Un <script>alert("x")</script>\nORGANIZER:mailto:intrus@example.org',
        venue="Salle\x0b\x01 B",
    )

    response = client.get(event_ics_url(event))
    raw = response.content.decode()
    vevent = icalendar.Calendar.from_ical(response.content).events[0]

    assert "X-ALT-DESC" not in raw
    assert "\nATTENDEE" not in raw.replace("\r\n ", "")  # unfolded: no such property line
    assert "\nORGANIZER" not in raw.replace("\r\n ", "")
    assert "ATTENDEE" not in vevent and "ORGANIZER" not in vevent
    assert str(vevent["SUMMARY"]) == (
        "Rencontre <b>gras</b> ATTENDEE:mailto:intrus@example.org"  # a title is one line
    )
    assert 'Un <script>alert("x")</script>\nORGANIZER' in str(vevent["DESCRIPTION"])
    assert str(vevent["LOCATION"]).startswith("Salle B")  # control characters left out
    assert not any(ord(c) < 32 and c not in "\r\n\t" for c in raw)
