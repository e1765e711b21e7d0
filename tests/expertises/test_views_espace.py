"""The leaders' pages of needs and offers, in each language of the interface."""

import html
from http import HTTPStatus

import pytest
from django.conf import settings
from django.urls import reverse

from tests.expertises.factories import NeedFactory, OfferFactory
from tests.portal.factories import UserFactory
from tests.projets.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    return ProjectFactory(name="Potager", slug="potager")


@pytest.fixture
def leader(client, project):
    user = MembershipFactory(project=project, user=UserFactory()).user
    client.force_login(user)
    return user


def _page(client, url, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return html.unescape(response.content.decode())


@pytest.mark.parametrize(
    ("url_of", "english", "french"),
    [
        (
            lambda p: reverse("espace_expertises:need_create", kwargs={"slug": p.slug}),
            ("New need of “Potager”", "Save the need"),
            ("Nouveau besoin de « Potager »", "Enregistrer le besoin"),
        ),
        (
            lambda p: reverse(
                "espace_expertises:need_edit", kwargs={"pk": NeedFactory(project=p).pk}
            ),
            ("Edit a need of “Potager”", "Save the changes"),
            ("Modifier un besoin de « Potager »", "Enregistrer les modifications"),
        ),
        (
            lambda p: reverse("espace_expertises:offer_create", kwargs={"slug": p.slug}),
            ("New expertise offer of “Potager”", "Save the offer"),
            ("Nouvelle offre d'expertise de « Potager »", "Enregistrer l'offre"),
        ),
        (
            lambda p: reverse(
                "espace_expertises:offer_edit", kwargs={"pk": OfferFactory(project=p).pk}
            ),
            ("Edit an offer of “Potager”", "Save the changes"),
            ("Modifier une offre de « Potager »", "Enregistrer les modifications"),
        ),
    ],
    ids=["need_create", "need_edit", "offer_create", "offer_edit"],
)
def test_headings_follow_each_requests_language(client, leader, project, url_of, english, french):
    # The headings were once computed when the module was imported, in the language of
    # whichever request came first: the next visitor in the other language read them in it.
    url = url_of(project)
    english_page = _page(client, url, "en")
    french_page = _page(client, url, "fr")
    for text in english:
        assert text in english_page
        assert text not in french_page
    for text in french:
        assert text in french_page
        assert text not in english_page
