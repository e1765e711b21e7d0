"""Public pages of the events: upcoming and past, filters, visibility and query counts."""

import datetime
from http import HTTPStatus
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from tests.chantiers.factories import ChantierFactory, StepFactory
from tests.events.factories import EventFactory
from tests.projets.factories import OrganisationFactory
from tests.querycount import assert_constant_queries
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db

LIST = reverse("events:event_list")
BRUSSELS = ZoneInfo("Europe/Brussels")


def titles(page):
    return [e.title for e in page.object_list]


@pytest.fixture
def agenda():
    now = timezone.now()
    liege = ProvinceFactory(name="Liège", slug="liege")
    territorial = ChantierFactory(slug="approche-territoriale")
    EventFactory(title="Bientôt", start=now + datetime.timedelta(days=2), province=liege)
    EventFactory(
        title="Plus tard",
        start=now + datetime.timedelta(days=20),
        kind=Event.Kind.WORKSHOP,
        chantier=territorial,
    )
    EventFactory(title="Hier", start=now - datetime.timedelta(days=1, hours=5), province=liege)
    EventFactory(title="Annulé", start=now + datetime.timedelta(days=5), status="cancelled")
    EventFactory(title="Brouillon", start=now + datetime.timedelta(days=5), status="draft")


def test_list_splits_upcoming_and_past(client, agenda):
    response = client.get(LIST)

    assert response.status_code == HTTPStatus.OK
    assert titles(response.context["upcoming_page"]) == ["Bientôt", "Annulé", "Plus tard"]
    assert titles(response.context["past_page"]) == ["Hier"]
    assert "Brouillon" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "upcoming", "past"),
    [
        ({"province": "liege"}, ["Bientôt"], ["Hier"]),
        ({"kind": "workshop"}, ["Plus tard"], []),
        ({"chantier": "approche-territoriale"}, ["Plus tard"], []),
    ],
)
def test_filters(client, agenda, query, upcoming, past):
    response = client.get(LIST, query)

    assert titles(response.context["upcoming_page"]) == upcoming
    assert titles(response.context["past_page"]) == past


@pytest.mark.parametrize(
    "query", [{"kind": "concert"}, {"province": "0"}, {"a_venir": "x"}, {"passes": "-1"}]
)
def test_nonsense_parameters_never_fail(client, agenda, query):
    assert client.get(LIST, query).status_code == HTTPStatus.OK


def test_event_without_end_is_upcoming_for_its_whole_day():
    start = timezone.now().astimezone(BRUSSELS).replace(hour=0, minute=1)
    event = EventFactory(start=start, end=None)

    assert Event.objects.upcoming().filter(pk=event.pk).exists()
    assert not event.is_past


def test_upcoming_then_past_orders_as_both_lists_one_after_the_other():
    now = timezone.now()
    day = datetime.timedelta(days=1)
    later, sooner = EventFactory(start=now + 9 * day), EventFactory(start=now + 2 * day)
    under_way = EventFactory(start=now - day, end=now + day)
    long_ago, lately = EventFactory(start=now - 90 * day), EventFactory(start=now - 5 * day)
    today_no_end = EventFactory(start=now.astimezone(BRUSSELS).replace(hour=0, minute=1), end=None)

    rows = list(Event.objects.upcoming_then_past(now))

    to_come = list(Event.objects.upcoming(now))
    gone = list(Event.objects.past(now))
    assert rows == to_come + gone
    assert [row.is_upcoming for row in rows] == [True] * len(to_come) + [False] * len(gone)
    assert set(to_come) == {later, sooner, under_way, today_no_end}
    assert to_come[-2:] == [sooner, later]
    assert gone == [lately, long_ago]


def test_detail_shows_time_in_brussels_and_venue(client):
    event = EventFactory(
        title="Rencontre pour le territoire de Liège",
        start=datetime.datetime(2021, 6, 1, 14, 0, tzinfo=BRUSSELS),
        end=None,
        venue="",
        address="",
        organiser=OrganisationFactory(name="Cellule Manger Demain"),
    )

    html = client.get(event.get_absolute_url()).content.decode()

    assert "mardi 1er juin 2021, dès 14h00" in html
    assert "Lieu communiqué ultérieurement" in html
    assert "Cellule Manger Demain" in html
    assert "Cet événement a eu lieu" in html


def test_detail_of_an_event_whose_time_is_unknown(client):
    event = EventFactory(
        start=datetime.datetime(2021, 5, 6, tzinfo=BRUSSELS), end=None, time_to_be_confirmed=True
    )

    assert (
        "jeudi 6 mai 2021 (horaire à préciser)"
        in client.get(event.get_absolute_url()).content.decode()
    )


def test_cancelled_event_is_visible_as_cancelled(client):
    event = EventFactory(status="cancelled")

    response = client.get(event.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    assert "Cet événement est annulé." in response.content.decode()


def test_draft_or_unknown_event_is_404(client):
    draft = EventFactory(status="draft")

    assert client.get(draft.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    missing = client.get(reverse("events:event_detail", kwargs={"slug": "nope"}))
    assert missing.status_code == HTTPStatus.NOT_FOUND


def test_detail_links_the_step_it_carries(client):
    event = EventFactory()
    step = StepFactory(event=event, title="Rencontre pour le territoire de Namur")

    html = client.get(event.get_absolute_url()).content.decode()

    assert step.get_absolute_url() in html


def test_list_query_count_is_constant(client):
    def grow(n):
        for _ in range(n):
            EventFactory(province=ProvinceFactory(), chantier=ChantierFactory())
            EventFactory(
                start=timezone.now() - datetime.timedelta(days=9), chantier=ChantierFactory()
            )

    assert_constant_queries(client, LIST, grow)


def test_detail_query_count_is_constant(client):
    event = EventFactory(province=ProvinceFactory(), chantier=ChantierFactory())

    def grow(n):
        for _ in range(n):
            StepFactory(event=event)

    assert_constant_queries(client, event.get_absolute_url(), grow)
