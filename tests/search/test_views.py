"""The site search: grouped by kind, accents folded, words highlighted and escaped, paginated,
public rows only, any input answered."""

import datetime
import uuid
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from newsletter.models import Issue
from projets.models import Project
from tests.chantiers.factories import ChantierFactory, NewsFactory, StepFactory
from tests.events.factories import EventFactory
from tests.expertises.factories import FacilitatorFactory
from tests.newsletter.factories import IssueFactory
from tests.projets.factories import ProjectFactory
from tests.querycount import assert_constant_queries
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db

URL = reverse("search:search")


def kinds(response):
    return {g.kind.slug: g.count for g in response.context["groups"] if g.count}


def titles(response, slug):
    group = next(g for g in response.context["groups"] if g.kind.slug == slug)
    return [str(r.title) for r in group.results]


@pytest.fixture
def content():
    liege = ProvinceFactory(name="Liège", slug="liege")
    chantier = ChantierFactory(title="Marchés publics", summary="Cantines et marchés.")
    StepFactory(chantier=chantier, title="Guide des marchés publics", order=1)
    ProjectFactory(name="Halle de Liège", province=liege, summary="Un marché couvert.")
    EventFactory(title="Rencontre à Liège", province=liege, summary="")
    # Its body written out: a Faker paragraph may hold « marcher » and « public », which the
    # French full text of PostgreSQL stems like « marchés publics ».
    NewsFactory(title="Nouvelles de Liège", summary="Du marché.", body="La semaine en bref.")
    FacilitatorFactory(name="Conseil en marchés publics", offer="Aide aux cahiers des charges.")
    IssueFactory(
        subject="Lettre de Liège", status=Issue.Status.SENT, number=1, sent_at=timezone.now()
    )


def test_results_are_grouped_by_kind(client, content):
    response = client.get(URL, {"q": "liege"})

    assert response.status_code == HTTPStatus.OK
    assert kinds(response) == {
        "projets": 1,
        "evenements": 1,
        "actualites": 1,
        "lettres": 1,
    }
    assert response.context["total"] == 4


def test_accents_and_case_are_folded_everywhere(client, content):
    for query in ["marches publics", "MARCHÉS PUBLICS", "Marchés Publics"]:
        response = client.get(URL, {"q": query})
        assert kinds(response) == {"chantiers": 1, "etapes": 1, "facilitateurs": 1}, query


def test_matched_words_are_highlighted_and_the_rest_escaped(client):
    ProjectFactory(name="<script>alert('liège')</script> Halle", summary="")

    response = client.get(URL, {"q": "liege"})

    html = response.content.decode()
    assert "&lt;script&gt;alert(&#x27;<mark>liège</mark>&#x27;)&lt;/script&gt; Halle" in html
    assert "<script>alert" not in html


def test_the_excerpt_shows_the_text_where_a_word_was_found(client):
    ProjectFactory(
        name="Halle",
        summary="",
        description="Début. "
        + "Texte sans rapport. " * 30
        + "Une coopérative à Herve. "
        + "Fin. " * 30,
    )

    response = client.get(URL, {"q": "herve"})

    group = next(g for g in response.context["groups"] if g.kind.slug == "projets")
    excerpt = str(group.results[0].excerpt)
    assert "<mark>Herve</mark>" in excerpt
    assert excerpt.startswith("… ") and len(excerpt) < 300


def test_the_best_match_comes_first(client):
    ProjectFactory(name="Épicerie", summary="", description="Près de la halle.")
    ProjectFactory(name="Halle paysanne", summary="")

    response = client.get(URL, {"q": "halle"})

    assert titles(response, "projets") == ["<mark>Halle</mark> paysanne", "Épicerie"]


def test_one_kind_page_by_page(client, settings):
    settings.PAGINATE_BY = 3
    for i in range(7):
        ProjectFactory(name=f"Halle {i}", summary="")

    first = client.get(URL, {"q": "halle", "type": "projets"})
    last = client.get(URL, {"q": "halle", "type": "projets", "page": 3})

    assert first.context["kind_count"] == 7
    assert len(first.context["results"]) == 3
    assert len(last.context["results"]) == 1
    assert 'href="?q=halle&amp;type=projets&amp;page=2"' in first.content.decode()


def test_the_overview_links_to_every_result_of_a_kind(client):
    for i in range(7):
        ProjectFactory(name=f"Halle {i}", summary="")

    response = client.get(URL, {"q": "halle"})

    assert len(titles(response, "projets")) == 5
    assert "Voir les 7 résultats « Projets »" in response.content.decode()


def test_hidden_rows_are_never_found(client):
    ProjectFactory(name="Halle retirée", status=Project.Status.WITHDRAWN)
    EventFactory(title="Halle en brouillon", status=Event.Status.DRAFT)
    NewsFactory(title="Halle brouillon", published_at=None)
    NewsFactory(title="Halle programmée", published_at=timezone.now() + datetime.timedelta(days=1))
    FacilitatorFactory(name="Halle non publiée", is_published=False)
    IssueFactory(subject="Halle lettre brouillon", status=Issue.Status.DRAFT)

    response = client.get(URL, {"q": "halle"})

    assert response.context["total"] == 0
    assert "pour « halle »" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("x" * 10_000, "au plus 200 caractères"),
    ],
)
def test_input_that_cannot_be_searched_gives_a_clear_empty_result(client, content, query, message):
    response = client.get(URL, {"q": query})

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert message in html
    assert 'role="alert"' in html
    assert "Aucun résultat." in html
    assert "groups" not in response.context
    assert "\x00" not in html


@pytest.mark.parametrize("query", ["\x00", "liège\x00"])
def test_a_nul_character_gives_a_clear_empty_result(client, content, query):
    """RefuseNulMiddleware turns it into U+FFFD, which the box explains."""
    response = client.get(URL, {"q": query})

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "La recherche contient un caractère que le portail n&#x27;accepte pas." in html
    assert 'role="alert"' in html
    assert "Aucun résultat." in html
    assert "groups" not in response.context
    assert "\x00" not in html


@pytest.mark.parametrize("query", ["!!!", "'; DROP TABLE projets_project; --", ":* & |", "é" * 200])
def test_any_other_string_is_searched_without_failing(client, content, query):
    response = client.get(URL, {"q": query})

    assert response.status_code == HTTPStatus.OK
    assert response.context["total"] == 0


@pytest.mark.parametrize("kind", ["inconnu", "projets" * 100])
def test_an_unknown_kind_shows_every_kind(client, content, kind):
    response = client.get(URL, {"q": "liege", "type": kind})

    assert response.status_code == HTTPStatus.OK
    assert response.context["kind"] is None
    assert response.context["total"] == 4


def test_a_nonsense_page_number_gives_a_page(client, content):
    response = client.get(URL, {"q": "liege", "type": "projets", "page": "deux"})

    assert response.status_code == HTTPStatus.OK


def test_without_a_query_the_page_asks_for_one(client):
    response = client.get(URL)

    assert response.status_code == HTTPStatus.OK
    assert 'id="recherche-page"' in response.content.decode()


def test_every_page_has_the_search_box_in_its_header(client):
    html = client.get(reverse("home")).content.decode()

    header = html[: html.index("</header>")]
    assert 'role="search"' in header
    assert 'action="/recherche/"' in header
    assert '<label class="visually-hidden" for="recherche-site">' in header


def grow(n):
    for _ in range(n):
        chantier = ChantierFactory(title=f"Halle chantier {uuid.uuid4().hex[:8]}")
        StepFactory(chantier=chantier, title="Halle étape")
        ProjectFactory(name="Halle projet")
        EventFactory(title="Halle événement")
        NewsFactory(title="Halle actualité")
        FacilitatorFactory(name="Halle service")
        IssueFactory(subject="Halle lettre", status=Issue.Status.SENT, sent_at=timezone.now())


@pytest.mark.parametrize(
    "url",
    [
        f"{URL}?q=halle",
        *(
            f"{URL}?q=halle&type={kind}"
            for kind in [
                "chantiers",
                "etapes",
                "projets",
                "evenements",
                "actualites",
                "facilitateurs",
                "lettres",
            ]
        ),
    ],
)
def test_constant_queries(client, url):
    assert_constant_queries(client, url, grow)
