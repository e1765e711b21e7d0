"""Registering and cancelling over HTTP: the event page's box, its form, « Mes inscriptions »."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Registration
from tests.events.factories import EventFactory, RegistrationFactory
from tests.portal.factories import UserFactory
from tests.projets.factories import MembershipFactory, ProjectFactory
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def event():
    return EventFactory(title="Atelier circuits courts", capacity=2)


@pytest.fixture
def person(client):
    user = UserFactory()
    client.force_login(user)
    return user


def register_url(event):
    return reverse("events:register", kwargs={"slug": event.slug})


def unregister_url(event):
    return reverse("events:unregister", kwargs={"slug": event.slug})


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- The box on the event page ---------------------------------------------------------------


def test_anonymous_is_asked_to_sign_in(client, event):
    response = client.get(event.get_absolute_url())
    content = response.content.decode()
    assert "Connectez-vous pour vous inscrire" in content
    assert f"?next=/evenements/{event.slug}/" in content.replace("%2F", "/")
    assert 'action="' + register_url(event) not in content


def test_signed_in_person_sees_the_form_with_their_projects(client, person, event):
    MembershipFactory(user=person, project=ProjectFactory(name="Potager de Ciney"))
    ProjectFactory(name="Projet d'autrui")
    response = client.get(event.get_absolute_url())
    content = response.content.decode()
    assert f'action="{register_url(event)}"' in content
    assert "Potager de Ciney" in content
    assert "Projet d" not in content
    assert "Encore 2 places libres." in content
    assert 'for="id_remarks"' in content


def test_full_event_announces_the_waiting_list(client, person, event):
    RegistrationFactory.create_batch(2, event=event)
    content = client.get(event.get_absolute_url()).content.decode()
    assert "Rejoindre la liste d'attente" in content


@pytest.mark.parametrize(
    "fields",
    [
        {"registration_opens_at": timezone.now() + DAY},
        {"registration_closes_at": timezone.now() - DAY, "registration_opens_at": None},
        {"status": Event.Status.CANCELLED},
    ],
)
def test_no_box_outside_the_window_or_for_a_cancelled_event(client, person, fields):
    event = EventFactory(**fields)
    content = client.get(event.get_absolute_url()).content.decode()
    assert 'id="inscription"' not in content


def test_registered_person_sees_status_and_unregister(client, person, event):
    RegistrationFactory.create_batch(2, event=event)
    RegistrationFactory(event=event, user=person, status=Registration.Status.WAITING)
    content = client.get(event.get_absolute_url()).content.decode()
    assert "en position 1" in content
    assert unregister_url(event) in content
    assert "Me désinscrire" in content


def test_event_page_with_box_in_constant_queries(client, person, event):
    event.capacity = None
    event.save()
    MembershipFactory(user=person)

    def grow(count):
        RegistrationFactory.create_batch(count, event=event)
        for _ in range(count):
            MembershipFactory(user=person)

    assert_constant_queries(client, event.get_absolute_url(), grow)


# --- Registering -----------------------------------------------------------------------------


def test_register_confirmed(client, person, event):
    project = MembershipFactory(user=person).project
    response = client.post(
        register_url(event), {"project": project.pk, "remarks": "Repas végétarien"}, follow=True
    )
    assert response.redirect_chain[-1][0] == event.get_absolute_url()
    assert "Votre inscription est confirmée." in messages_of(response)
    registration = Registration.objects.get(user=person, event=event)
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.project == project
    assert registration.remarks == "Repas végétarien"


def test_register_on_the_waiting_list(client, person, event):
    RegistrationFactory.create_batch(2, event=event)
    RegistrationFactory(event=event, status=Registration.Status.WAITING)
    response = client.post(register_url(event), {"organisation": "Asbl Terre"}, follow=True)
    assert "Vous êtes sur la liste d'attente, en position 2." in messages_of(response)


def test_register_refused_keeps_what_was_typed(client, person):
    event = EventFactory(registration_closes_at=timezone.now() - DAY)
    response = client.post(
        register_url(event), {"organisation": "Asbl Terre", "remarks": "Accès PMR"}
    )
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "Les inscriptions sont closes depuis le" in content
    assert 'value="Asbl Terre"' in content
    assert "Accès PMR</textarea>" in content
    assert not Registration.objects.exists()


def test_double_submit_is_refused_clearly(client, person, event):
    client.post(register_url(event), {"organisation": "Asbl Terre"})
    response = client.post(register_url(event), {"organisation": "Asbl Terre"})
    assert response.status_code == HTTPStatus.OK
    assert "Vous êtes déjà inscrit·e à cet événement." in response.content.decode()
    assert Registration.objects.count() == 1


def test_project_cap_is_refused_clearly(client, person):
    event = EventFactory(project_cap=1)
    project = MembershipFactory(user=person).project
    RegistrationFactory(event=event, project=project, organisation="")
    response = client.post(register_url(event), {"project": project.pk})
    assert response.status_code == HTTPStatus.OK
    assert "le maximum pour cet événement" in response.content.decode()


def test_register_needs_a_project_or_an_organisation(client, person, event):
    response = client.post(register_url(event), {"remarks": "x" * 1001})
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "Indiquez le projet pour lequel vous venez, ou une autre organisation." in content
    assert "1000 caractères" in content
    assert not Registration.objects.exists()


def test_the_form_shown_again_after_an_error_still_offers_their_projects(client, person, event):
    MembershipFactory(user=person, project=ProjectFactory(name="Potager de Ciney"))
    ProjectFactory(name="Projet d'autrui")
    response = client.post(register_url(event), {"organisation": "x" * 201})
    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Potager de Ciney" in content
    assert "Projet d" not in content


def test_someone_elses_project_is_refused(client, person, event):
    other = ProjectFactory()
    response = client.post(register_url(event), {"project": other.pk})
    assert response.status_code == HTTPStatus.OK
    assert not Registration.objects.exists()


def test_anonymous_post_goes_to_sign_in(client, event):
    response = client.post(register_url(event), {"organisation": "Asbl"})
    assert response.status_code == HTTPStatus.FOUND
    assert "next=" in response["Location"]
    assert not Registration.objects.exists()


def test_register_page_for_a_draft_is_404(client, person):
    event = EventFactory(status=Event.Status.DRAFT)
    assert client.get(register_url(event)).status_code == HTTPStatus.NOT_FOUND
    response = client.post(register_url(event), {"organisation": "Asbl"})
    assert response.status_code == HTTPStatus.NOT_FOUND
    # A form refused by its own checks too: the page is not shown again for a draft.
    response = client.post(register_url(event), {"organisation": "x" * 201})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not Registration.objects.exists()


def test_registering_for_a_cancelled_event_is_refused_on_the_form(client, person):
    event = EventFactory(status=Event.Status.CANCELLED, title="Atelier annulé")
    response = client.post(register_url(event), {"organisation": "Asbl Terre"})
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "Cet événement est annulé : il n&#x27;est plus possible" in content
    assert "Atelier annulé" in content
    assert not Registration.objects.exists()


def test_a_registration_reads_its_event_once_in_the_query_that_locks_it(client, person, event):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.sql import captured_sql

    with CaptureQueriesContext(connection) as queries:
        response = client.post(register_url(event), {"organisation": "Asbl Terre"})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == event.get_absolute_url()
    event_reads = [
        sql
        for sql in captured_sql(queries)
        if sql.startswith("SELECT") and 'FROM "events_event"' in sql
    ]
    assert len(event_reads) == 1
    registration = Registration.objects.get(user=person)
    assert (registration.event, registration.status) == (event, Registration.Status.CONFIRMED)


def test_register_form_page(client, person, event):
    response = client.get(register_url(event))
    assert response.status_code == HTTPStatus.OK
    assert response.content.decode().count("<h1") == 1


# --- Unregistering ---------------------------------------------------------------------------


def test_unregister_asks_for_confirmation_then_promotes_the_first_waiting(
    client, person, event, django_capture_on_commit_callbacks, mailoutbox
):
    RegistrationFactory(event=event, user=person)
    RegistrationFactory(event=event)
    first = RegistrationFactory(event=event, status=Registration.Status.WAITING)
    response = client.get(unregister_url(event))
    assert response.status_code == HTTPStatus.OK
    assert "Confirmer ma désinscription" in response.content.decode()
    assert Registration.objects.get(user=person).status == Registration.Status.CONFIRMED

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(unregister_url(event), follow=True)
    assert "Votre inscription est annulée." in messages_of(response)
    assert Registration.objects.get(user=person).status == Registration.Status.CANCELLED
    first.refresh_from_db()
    assert first.status == Registration.Status.CONFIRMED
    cancelled, email = mailoutbox
    assert cancelled.to == [person.email]
    assert cancelled.subject == f"Inscription annulée : {event.title}"
    assert email.to == [first.user.email]
    assert event.title in email.subject


def test_unregister_returns_to_next_when_safe(client, person, event):
    RegistrationFactory(event=event, user=person)
    espace = reverse("espace:registrations")
    response = client.post(unregister_url(event), {"next": espace})
    assert response["Location"] == espace
    RegistrationFactory(event=(other := EventFactory()), user=person)
    response = client.post(unregister_url(other), {"next": "https://evil.example/"})
    assert response["Location"] == other.get_absolute_url()


def test_someone_elses_registration_cannot_be_cancelled(client, person, event):
    theirs = RegistrationFactory(event=event)
    assert client.get(unregister_url(event)).status_code == HTTPStatus.NOT_FOUND
    assert client.post(unregister_url(event)).status_code == HTTPStatus.NOT_FOUND
    theirs.refresh_from_db()
    assert theirs.status == Registration.Status.CONFIRMED


def test_unregister_after_the_start_is_refused(client, person):
    event = EventFactory(start=timezone.now() - datetime.timedelta(hours=1))
    RegistrationFactory(event=event, user=person)
    response = client.post(unregister_url(event), follow=True)
    assert any("déjà commencé" in m for m in messages_of(response))
    assert Registration.objects.get(user=person).status == Registration.Status.CONFIRMED


# --- Mes inscriptions ------------------------------------------------------------------------


def test_my_registrations_lists_upcoming_and_past(client, person):
    url = reverse("espace:registrations")
    full = EventFactory(title="Rencontre complète", capacity=1)
    RegistrationFactory(event=full)
    RegistrationFactory(event=full, status=Registration.Status.WAITING)
    RegistrationFactory(event=full, user=person, status=Registration.Status.WAITING)
    past = EventFactory(title="Atelier passé", start=timezone.now() - 10 * DAY)
    RegistrationFactory(event=past, user=person)
    RegistrationFactory(event=EventFactory(title="Pas la mienne"))
    response = client.get(url)
    content = response.content.decode()
    assert content.count("<h1") == 1
    assert "Rencontre complète" in content
    assert "Liste d'attente, position 2" in content
    assert "Atelier passé" in content
    assert "Pas la mienne" not in content
    assert content.count(unregister_url(full)) == 1
    assert unregister_url(past) not in content


def test_my_registrations_in_constant_queries(client, person):
    def grow(count):
        for _ in range(count):
            event = EventFactory(capacity=1)
            RegistrationFactory(event=event)
            RegistrationFactory(event=event, user=person, status=Registration.Status.WAITING)
            RegistrationFactory(event=EventFactory(start=timezone.now() - 5 * DAY), user=person)

    assert_constant_queries(client, reverse("espace:registrations"), grow)


def test_my_registrations_needs_sign_in(client):
    response = client.get(reverse("espace:registrations"))
    assert response.status_code == HTTPStatus.FOUND


def test_espace_home_links_to_registrations_and_agenda(client, person):
    content = client.get(reverse("espace:home")).content.decode()
    assert reverse("espace:registrations") in content
    assert reverse("calendar:private_manage") in content
