"""The officers on the province pages and their contact form, over HTTP: names and roles shown,
addresses never; messages through the outbox; rate-limited with a French 429 that keeps what
was typed; query counts."""

import uuid
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from portal.models import OutgoingEmail
from tests.portal.factories import UserFactory
from tests.querycount import assert_constant_queries
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db

SECRET = "anne.cachee@example.org"
FORM = {
    "name": "Camille Porteur",
    "email": "camille@example.org",
    "organisation": "Ferme du Sart",
    "message": "Nous cherchons un atelier de découpe près de Huy.",
}


@pytest.fixture(autouse=True)
def own_cache(settings):
    """The rate limits count in the cache: each test starts with its own, empty one."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"officers-{uuid.uuid4()}",
        }
    }


@pytest.fixture
def anne(liege, namur):
    anne = UserFactory(email=SECRET, first_name="Anne", last_name="Lambert")
    liege.officers.add(anne)
    namur.officers.add(anne)
    return anne


def contact_url(province):
    return reverse("territoires:province_contact", kwargs={"slug": province.slug})


def assert_no_address(html, *people):
    for person in people:
        assert person.email not in html
        assert person.email.split("@")[0] not in html


def test_the_province_page_shows_its_officers_and_the_form_never_their_address(client, liege, anne):
    UserFactory(
        email="partie@example.org", last_name="Partie", is_active=False
    ).followed_provinces.add(liege)

    html = client.get(liege.get_absolute_url()).content.decode()

    assert 'id="contact"' in html
    assert "<strong>Anne Lambert</strong> – Chargé·e de mission territoriale" in html
    assert "(Liège, Namur)" in html
    assert "Partie" not in html  # no longer active
    assert f'action="{contact_url(liege)}"' in html
    assert 'name="message"' in html and 'name="copy"' not in html
    assert_no_address(html, anne)


def test_a_signed_in_person_finds_the_form_filled_and_may_ask_for_a_copy(client, liege, anne):
    person = UserFactory(email="porteuse@example.org", first_name="Léa", last_name="Dubois")
    client.force_login(person)

    html = client.get(liege.get_absolute_url()).content.decode()

    assert 'value="Léa Dubois"' in html and 'value="porteuse@example.org"' in html
    assert 'name="copy"' in html
    assert_no_address(html, anne)


def test_a_province_nobody_follows_says_so_and_shows_no_form(client, namur):
    html = client.get(namur.get_absolute_url()).content.decode()

    assert "Aucun·e chargé·e de mission ne suit encore cette province." in html
    assert 'name="message"' not in html


def test_a_message_reaches_the_officers_through_the_outbox(client, liege, anne):
    response = client.post(contact_url(liege), FORM, follow=True)

    assert response.redirect_chain == [(liege.get_absolute_url(), HTTPStatus.FOUND)]
    html = response.content.decode()
    assert "Votre message est envoyé aux chargé·es de mission de la province : Liège." in html
    assert_no_address(html, anne)
    email = OutgoingEmail.objects.get()
    assert email.to == SECRET
    assert email.headers == {"Reply-To": "camille@example.org"}
    assert FORM["message"] in email.body_text


def test_a_signed_in_senders_copy_goes_to_their_account_without_the_officers_address(
    client, liege, anne
):
    person = UserFactory(email="porteuse@example.org")
    client.force_login(person)

    client.post(contact_url(liege), {**FORM, "copy": "on"})

    copy = OutgoingEmail.objects.get(to="porteuse@example.org")
    assert "Anne Lambert" in copy.body_text
    assert_no_address(copy.subject + copy.body_text + copy.body_html + str(copy.headers), anne)
    # Without the box ticked, no copy.
    client.post(contact_url(liege), {**FORM, "message": "Une autre question."})
    assert OutgoingEmail.objects.filter(to="porteuse@example.org").count() == 1


def test_an_anonymous_sender_gets_no_copy_even_if_asked(client, liege, anne):
    client.post(contact_url(liege), {**FORM, "copy": "on"})

    assert list(OutgoingEmail.objects.values_list("to", flat=True)) == [SECRET]


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"message": ""}, "Ce champ est obligatoire."),
        ({"email": "pas-une-adresse"}, "Saisissez une adresse e-mail valide."),
        (
            {"email": "a@example.org\r\nBcc: victime@example.org"},
            "Saisissez une adresse e-mail valide.",
        ),
        ({"message": "x" * 5001}, "Assurez-vous que cette valeur comporte au plus 5000 caractères"),
        ({"name": "é" * 10_000}, "Assurez-vous que cette valeur comporte au plus 120 caractères"),
    ],
)
def test_bad_input_comes_back_with_its_error_and_what_was_typed(
    client, liege, anne, changes, error
):
    response = client.post(contact_url(liege), {**FORM, **changes})

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert error in html
    assert "Ferme du Sart" in html  # what was typed is kept
    assert_no_address(html, anne)
    assert not OutgoingEmail.objects.exists()


def test_a_nul_character_in_the_message_is_a_400_page_and_sends_nothing(client, liege, anne):
    response = client.post(contact_url(liege), {**FORM, "message": "Bonjour\x00"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Requête invalide" in response.content.decode()
    assert not OutgoingEmail.objects.exists()


def test_a_forged_post_to_a_province_nobody_follows_is_refused_without_an_address(
    client, namur, liege, anne
):
    response = client.post(contact_url(ProvinceFactory(name="Hainaut", slug="hainaut")), FORM)

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Aucun·e chargé·e de mission ne suit encore cette province." in html
    assert_no_address(html, anne)
    assert not OutgoingEmail.objects.exists()


def test_an_unknown_province_is_a_404(client):
    assert client.get("/territoires/bruxelles/contact/").status_code == HTTPStatus.NOT_FOUND
    assert client.post("/territoires/bruxelles/contact/", FORM).status_code == HTTPStatus.NOT_FOUND


def test_a_flood_from_one_address_gets_a_french_429_that_keeps_the_message(liege, anne):
    sender = Client(REMOTE_ADDR="10.0.0.7")
    for n in range(5):
        response = sender.post(contact_url(liege), {**FORM, "email": f"p{n}@example.org"})
        assert response.status_code == HTTPStatus.FOUND

    response = sender.post(contact_url(liege), {**FORM, "message": "Ma sixième question."})

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    html = response.content.decode()
    assert "Trop de messages envoyés en peu de temps." in html
    assert "Ma sixième question." in html and 'value="Camille Porteur"' in html
    assert '<html lang="fr">' in html
    assert_no_address(html, anne)
    assert OutgoingEmail.objects.count() == 5
    # Another visitor is not held back.
    other = Client(REMOTE_ADDR="10.0.0.8").post(contact_url(liege), FORM)
    assert other.status_code == HTTPStatus.FOUND


def test_one_sender_address_is_limited_whatever_the_visitors_address(liege, anne):
    for n in range(5):
        Client(REMOTE_ADDR=f"10.0.1.{n}").post(contact_url(liege), FORM)

    response = Client(REMOTE_ADDR="10.0.1.99").post(contact_url(liege), FORM)

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert OutgoingEmail.objects.count() == 5


def test_the_footer_and_the_province_list_lead_to_the_contact(client, liege, anne):
    home = client.get(reverse("home")).content.decode()
    assert (
        f'<a href="{reverse("territoires:province_list")}">contactez vos chargé·es de mission '
        "territoriale</a>"
    ) in home

    html = client.get(reverse("territoires:province_list")).content.decode()
    assert "Anne Lambert" in html
    assert f'href="{liege.get_absolute_url()}#contact"' in html
    assert_no_address(html, anne)


def officers_grow(provinces):
    def grow(n):
        for _ in range(n):
            other = ProvinceFactory()
            for province in provinces:
                officer = UserFactory()
                officer.followed_provinces.add(province, other)
                UserFactory(is_active=False).followed_provinces.add(province)

    return grow


def test_the_province_pages_query_counts_do_not_grow_with_officers(client, liege):
    grow = officers_grow([liege])

    assert_constant_queries(client, liege.get_absolute_url(), grow)
    assert_constant_queries(client, contact_url(liege), grow)


def test_the_province_list_query_count_does_not_grow_with_officers(client):
    provinces = [ProvinceFactory() for _ in range(3)]

    assert_constant_queries(client, reverse("territoires:province_list"), officers_grow(provinces))
