"""An event's address follows its title and date; the old addresses redirect (301). Who
organises an event created without an organiser."""

import datetime
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from events.models import Event, EventFormerSlug
from events.services import event_create, event_update
from tests.events.factories import EventFactory
from tests.events.test_services import START, data
from tests.projets.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_a_new_title_gives_a_new_slug_and_the_old_address_redirects(client, officer, liege):
    event = EventFactory(province=liege, slug="rencontre-de-liege-2030-06-12", start=START)
    old_url = event.get_absolute_url()

    event_update(user=officer, event=event, data=data(liege, title="Rencontre des Liégeois"))

    event.refresh_from_db()
    assert event.slug == "rencontre-des-liegeois-2030-06-12"
    response = client.get(old_url)
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == event.get_absolute_url()
    assert client.get(event.get_absolute_url()).status_code == HTTPStatus.OK
    # The calendar file of the old address too.
    ics = client.get(
        reverse("calendar:event_ics", kwargs={"slug": "rencontre-de-liege-2030-06-12"})
    )
    assert ics.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert ics["Location"] == reverse("calendar:event_ics", kwargs={"slug": event.slug})


def test_a_new_day_gives_a_new_slug_and_every_old_one_keeps_redirecting(client, officer, liege):
    event = EventFactory(
        province=liege, title="Rencontre", slug="rencontre-2030-06-12", start=START
    )
    later = START + datetime.timedelta(days=7)

    event_update(
        user=officer, event=event, data=data(liege, title="Rencontre", start=later, end=None)
    )
    event.refresh_from_db()
    assert event.slug == "rencontre-2030-06-19"
    event_update(
        user=officer, event=event, data=data(liege, title="Rencontre finale", start=later, end=None)
    )
    event.refresh_from_db()

    for old in ("rencontre-2030-06-12", "rencontre-2030-06-19"):
        response = client.get(reverse("events:event_detail", kwargs={"slug": old}))
        assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
        assert response["Location"] == event.get_absolute_url()


def test_an_unchanged_title_and_day_keep_the_slug(officer, liege):
    event = EventFactory(
        province=liege, slug="avant", start=START, title="Rencontre territoriale de Liège"
    )

    event_update(user=officer, event=event, data=data(liege, venue="Autre salle"))

    event.refresh_from_db()
    assert event.slug == "avant"
    assert not EventFormerSlug.objects.exists()


def test_a_title_changed_back_takes_its_slug_back(officer, liege):
    event = EventFactory(
        province=liege, slug="rencontre-territoriale-de-liege-2030-06-12", start=START
    )

    event_update(user=officer, event=event, data=data(liege, title="Autre titre"))
    event_update(user=officer, event=event, data=data(liege))

    event.refresh_from_db()
    assert event.slug == "rencontre-territoriale-de-liege-2030-06-12"
    assert list(EventFormerSlug.objects.values_list("slug", flat=True)) == [
        "autre-titre-2030-06-12"
    ]


def test_a_former_slug_is_never_given_to_another_event(officer, liege):
    first = EventFactory(
        province=liege, slug="rencontre-territoriale-de-liege-2030-06-12", start=START
    )
    event_update(user=officer, event=first, data=data(liege, title="Autre titre"))

    second = event_create(user=officer, data=data(liege))

    assert second.slug == "rencontre-territoriale-de-liege-2030-06-12-2"


def test_staff_cannot_choose_another_events_former_slug(staff, liege):
    first = EventFactory(province=liege, slug="ancienne", start=START)
    event_update(user=staff, event=first, data=data(liege, title="Autre titre"))

    with pytest.raises(ValidationError) as refusal:
        event_create(user=staff, data={**data(liege), "slug": "ancienne"})
    assert "slug" in refusal.value.message_dict


def test_a_draft_s_old_address_is_404_for_the_public(client, officer, liege):
    event = EventFactory(province=liege, slug="brouillon", status=Event.Status.DRAFT, start=START)
    event_update(user=officer, event=event, data=data(liege, title="Nouveau"))

    assert client.get("/evenements/brouillon/").status_code == HTTPStatus.NOT_FOUND


def test_an_unknown_slug_is_still_404(client):
    assert client.get("/evenements/nulle-part/").status_code == HTTPStatus.NOT_FOUND


# --- Organiser -------------------------------------------------------------------------------


def test_an_event_created_by_an_officer_is_organised_by_the_cellule(officer, liege):
    cellule = OrganisationFactory(name="Cellule Manger Demain", slug="cellule-manger-demain")

    event = event_create(user=officer, data=data(liege))

    assert event.organiser == cellule


def test_staff_may_choose_another_organiser(staff, liege):
    OrganisationFactory(slug="cellule-manger-demain")
    other = OrganisationFactory(name="Biowallonie")

    event = event_create(user=staff, data={**data(liege), "organiser": other})

    assert event.organiser == other


def test_the_default_organiser_follows_the_setting(officer, liege, settings):
    other = OrganisationFactory(slug="autre-cellule")
    settings.EVENTS_DEFAULT_ORGANISER_SLUG = "autre-cellule"

    assert event_create(user=officer, data=data(liege)).organiser == other
