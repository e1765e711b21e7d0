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


# --- officers oversee the needs of their provinces ---------------------------------------------


def board_ids(response):
    return {row[0].pk for row in response.context["rows"]}


def test_the_board_shows_an_officer_the_needs_of_their_provinces(client, officer, liege, namur):
    mine = NeedFactory(province=liege)
    NeedFactory(province=namur)
    NeedFactory(province=None)
    client.force_login(officer)

    response = client.get(reverse("espace_expertises:board"))

    assert response.status_code == HTTPStatus.OK
    assert board_ids(response) == {mine.pk}
    assert response.context["total"] == 1


def test_the_board_shows_staff_every_open_need(client, staff, liege, namur):
    needs = {NeedFactory(province=liege).pk, NeedFactory(province=namur).pk}
    needs.add(NeedFactory(province=None).pk)
    client.force_login(staff)

    assert board_ids(client.get(reverse("espace_expertises:board"))) == needs


def test_my_space_links_the_board_for_officers_and_staff_only(client, officer, staff, leader):
    board = reverse("espace_expertises:board")
    for user, shown in [(leader, False), (officer, True), (staff, True)]:
        client.force_login(user)
        assert (board in client.get(reverse("espace:home")).content.decode()) is shown, user


def test_an_officer_sees_the_matches_and_marks_answered_a_need_of_their_province(
    client, officer, liege
):
    from expertises.models import Need

    need = NeedFactory(province=liege)
    client.force_login(officer)

    page = client.get(need.get_absolute_url())
    assert page.context["show_matches"] is True
    assert page.context["can_edit"] is False  # the project's leaders edit it
    url = reverse("espace_expertises:need_mark_answered", args=[need.pk])
    response = client.post(url, {"next": "board"})

    assert response["Location"] == reverse("espace_expertises:board")
    need.refresh_from_db()
    assert need.status == Need.Status.ANSWERED
    assert need.answered_by == officer


def test_an_officer_cannot_answer_another_provinces_need(client, officer, namur):
    from expertises.models import Need

    need = NeedFactory(province=namur)
    client.force_login(officer)

    assert client.get(need.get_absolute_url()).context["show_matches"] is False
    url = reverse("espace_expertises:need_mark_answered", args=[need.pk])
    assert client.post(url).status_code == HTTPStatus.NOT_FOUND
    need.refresh_from_db()
    assert need.status == Need.Status.OPEN


def test_board_query_count_for_an_officer(client, officer, liege):
    from tests.querycount import assert_constant_queries

    client.force_login(officer)

    def grow(n):
        for _ in range(n):
            NeedFactory(province=liege)

    assert_constant_queries(client, reverse("espace_expertises:board"), grow)
