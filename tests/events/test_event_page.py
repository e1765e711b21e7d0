"""The event page as everyone sees it: the seats left (anonymous visitors too), « complet —
liste d'attente ouverte » when full, the description before the registration form."""

import datetime
from http import HTTPStatus

import pytest
from django.utils import timezone

from events.models import Event
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def page(client, event):
    response = client.get(event.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def test_an_anonymous_visitor_sees_the_seats_left(client):
    event = EventFactory(capacity=3)
    RegistrationFactory(event=event)

    html = page(client, event)

    assert "3 places" in html
    assert "2 places libres" in html


def test_a_full_event_says_complet_and_the_waiting_list_is_open(client):
    event = EventFactory(capacity=2)
    RegistrationFactory(event=event)
    RegistrationFactory(event=event)

    html = page(client, event)

    assert "complet — liste d'attente ouverte" in html
    assert "places libres" not in html


def test_a_full_event_with_registrations_closed_says_complet_only(client):
    now = timezone.now()
    event = EventFactory(
        capacity=1,
        registration_opens_at=now - datetime.timedelta(days=5),
        registration_closes_at=now - datetime.timedelta(days=1),
    )
    RegistrationFactory(event=event)

    html = page(client, event)

    assert "complet" in html
    assert "liste d'attente ouverte" not in html


def test_a_past_or_cancelled_event_shows_the_capacity_only(client):
    past = EventFactory(capacity=5, start=timezone.now() - datetime.timedelta(days=3))
    cancelled = EventFactory(capacity=5, status=Event.Status.CANCELLED)

    for event in (past, cancelled):
        html = page(client, event)
        assert "5 places" in html
        assert "places-left" not in html


def test_the_description_comes_before_the_registration_form(client, django_user_model):
    event = EventFactory(capacity=5, description="Le programme de la journée.")
    user = django_user_model.objects.create_user(email="ana@example.org", password="x" * 12)
    client.force_login(user)

    html = page(client, event)

    assert html.index("Le programme de la journée.") < html.index('id="inscription"')


def test_the_page_lists_the_steps_it_carries_in_constant_queries(client):
    from tests.chantiers.factories import ChantierFactory, StepFactory
    from tests.querycount import assert_constant_queries

    event = EventFactory(title="Rencontre de Namur")
    chantier = ChantierFactory(title="Approche territoriale")
    StepFactory(event=event, chantier=chantier, order=4, title="Rencontrer les projets")

    html = page(client, event)
    assert "Approche territoriale – étape 4</a> : Rencontrer les projets" in html
    assert f'href="{chantier.get_absolute_url()}#etape-4"' in html

    def grow(n):
        for _ in range(n):
            StepFactory(event=event)

    assert_constant_queries(client, event.get_absolute_url(), grow)


def test_a_draft_is_a_404_to_anonymous_visitors_and_shown_to_who_manages_it(client, staff):
    draft = EventFactory(status=Event.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    client.force_login(staff)
    assert "Brouillon — non visible du public." in page(client, draft)
