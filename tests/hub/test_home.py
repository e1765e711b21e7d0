"""The home page: something to do whatever the date, the seed's words quoted, every section
linked, a constant number of queries."""

import datetime
import html as html_lib
import re
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from chantiers.models import Chantier, Step
from chantiers.selectors import chantier_list
from events.models import Event
from hub.map_preview import _located
from hub.seed import content
from projets.models import Project
from territoires.models import Province
from tests.chantiers.factories import (
    ChantierFactory,
    NewsFactory,
    ParticipationFactory,
    StepFactory,
)
from tests.events.factories import EventFactory
from tests.projets.factories import ProjectFactory
from tests.querycount import assert_constant_queries
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db

HOME = reverse("home")


def text_of(response) -> str:
    """The page's text, tags dropped and entities read, spaces normalised."""
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html_lib.unescape(body).split())


def test_home_links_every_section(client):
    chantier = ChantierFactory(
        title="Diagnostics", objective="Outiller, partager et centraliser ces travaux."
    )
    ChantierFactory(status=Chantier.Status.CANDIDATE)
    province = ProvinceFactory(name="Hainaut")
    upcoming = EventFactory(title="Prochaine rencontre")
    past = EventFactory(
        title="Rencontre passée", start=timezone.now() - datetime.timedelta(days=60)
    )

    response = client.get(HOME)

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    for url in [
        chantier.get_absolute_url(),
        reverse("chantiers:chantier_list"),
        reverse("chantiers:candidate_list"),
        reverse("chantiers:timeline"),
        reverse("projets:project_list"),
        reverse("events:event_list"),
        reverse("news:news_list"),
        reverse("maps:map"),
        province.get_absolute_url(),
        reverse("territoires:province_contact", args=[province.slug]),
        upcoming.get_absolute_url(),
    ]:
        assert f'href="{url}"' in html, url
    assert "Outiller, partager et centraliser ces travaux." in html
    # Something is announced: the past is for the events' list, not the home page.
    assert past.get_absolute_url() not in html
    assert "Proposer un atelier" not in html
    # The search box and the newsletter sign-up, in the page (besides the header and footer).
    assert f'action="{reverse("search:search")}"' in html
    assert 'id="recherche-accueil" name="q"' in html
    assert f'action="{reverse("newsletter:subscribe")}"' in html
    assert 'id="lettre-accueil-email" name="email"' in html


def test_without_upcoming_events_the_last_ones_and_how_to_propose_a_workshop(client):
    old = [
        EventFactory(title=f"Rencontre {n}", start=timezone.now() - datetime.timedelta(days=n))
        for n in (10, 20, 30, 40)
    ]
    EventFactory(status=Event.Status.DRAFT)  # upcoming, but nobody may see it

    response = client.get(HOME)

    html = response.content.decode()
    assert "Aucun événement n'est annoncé pour le moment." in html
    assert f'href="{reverse("espace_expertises:proposal_create")}"' in html
    assert f'href="{reverse("expertises:proposal_list")}"' in html
    assert "Les derniers événements" in html
    # The last three, newest first.
    shown = [event for event in old if event.get_absolute_url() in html]
    assert shown == old[:3]
    assert html.index(old[0].get_absolute_url()) < html.index(old[2].get_absolute_url())


def test_the_next_steps_under_way_first_then_by_date_undated_last(client):
    today = timezone.localdate()
    active = ChantierFactory(title="Actif")
    candidate = ChantierFactory(title="Piste", status=Chantier.Status.CANDIDATE)
    later = StepFactory(
        chantier=active,
        title="Plus tard",
        start_date=today.replace(day=1) + datetime.timedelta(days=400),
    )
    sooner = StepFactory(
        chantier=active, title="Bientôt", start_date=today + datetime.timedelta(days=40)
    )
    undated = StepFactory(chantier=active, title="Sans date")
    ongoing = StepFactory(
        chantier=active, title="En continu", is_continuous=True, status=Step.Status.ONGOING
    )
    StepFactory(chantier=active, title="Finie", status=Step.Status.DONE)
    StepFactory(chantier=active, title="Abandonnée", status=Step.Status.CANCELLED)
    StepFactory(chantier=candidate, title="D'une piste")
    took_place = EventFactory(start=timezone.now() - datetime.timedelta(days=5))
    StepFactory(chantier=active, title="Rencontre tenue", event=took_place)

    response = client.get(HOME)

    steps = list(response.context["next_steps"])
    assert steps == [ongoing, sooner, later, undated]
    html = response.content.decode()
    assert f'href="{ongoing.get_absolute_url()}"' in html
    section = html[html.index('id="titre-etapes"') : html.index('id="titre-a-venir"')]
    assert section.count("Date à définir") == 1
    assert "En cours" in section and "Prévue" in section


def test_the_next_steps_are_at_most_six(client):
    chantier = ChantierFactory()
    for _ in range(9):
        StepFactory(chantier=chantier)

    response = client.get(HOME)

    assert len(response.context["next_steps"]) == 6


def test_the_map_glimpse_draws_the_located_projects_without_tiles(client):
    ProvinceFactory(
        name="Namur", centre_latitude=Decimal("50.25"), centre_longitude=Decimal("4.85")
    )
    ProjectFactory(latitude=Decimal("50.46"), longitude=Decimal("4.87"))
    ProjectFactory(latitude=Decimal("50.63"), longitude=Decimal("5.57"))
    ProjectFactory(latitude=None, longitude=None)
    ProjectFactory(
        latitude=Decimal("50.46"), longitude=Decimal("4.87"), status=Project.Status.WITHDRAWN
    )
    ProjectFactory(latitude=Decimal("48.85"), longitude=Decimal("2.35"))  # outside Wallonia

    response = client.get(HOME)

    html = response.content.decode()
    section = html[html.index('id="titre-carte"') :]
    assert section.count('class="map-preview__point"') == 2
    assert "Aperçu de la carte : 2 projets situés en Wallonie" in section
    assert ">Namur</text>" in section
    assert f'href="{reverse("maps:map")}"' in section
    assert "tile" not in section.split("</svg>")[0]  # drawn here, no tile fetched
    assert response.context["map_preview"]().located_count == 2  # read lazily by the fragment


def test_home_query_count_is_constant(client):
    def grow(n):
        for _ in range(n):
            chantier = ChantierFactory()
            StepFactory(chantier=chantier)
            StepFactory(chantier=chantier, is_continuous=True, status=Step.Status.ONGOING)
            ParticipationFactory(chantier=chantier)
            ProjectFactory()
            EventFactory(chantier=chantier, province=ProvinceFactory())
            EventFactory(start=timezone.now() - datetime.timedelta(days=3))
            NewsFactory(chantier=chantier, province=ProvinceFactory())
            NewsFactory(published_at=None)

    # The chantiers, the next steps, the events, the news, the map's glimpse, the provinces
    # with both figures.
    assert assert_constant_queries(client, HOME, grow) <= 6


def test_home_query_count_is_constant_without_upcoming_events(client):
    def grow(n):
        for _ in range(n):
            StepFactory(event=EventFactory(start=timezone.now() - datetime.timedelta(days=3)))
            ProjectFactory()

    assert assert_constant_queries(client, HOME, grow) <= 6


def test_the_figures_are_read_even_without_any_province(client):
    Province.objects.all().delete()  # and so no project: each has its province
    ChantierFactory.create_batch(2, status=Chantier.Status.CANDIDATE)

    response = client.get(HOME)

    assert response.context["candidate_count"]() == 2
    assert response.context["project_count"]() == 0


# --- On a fresh seeded database, as a newcomer sees it --------------------------------------------


@pytest.fixture
def seeded():
    call_command("load_seed", verbosity=0)


def test_the_seeded_home_quotes_the_document_and_has_something_to_do(client, seeded):
    with translation.override("fr"):
        intro, contact = str(content.INTRO), str(content.CONTACT)

    response = client.get(HOME)

    text = text_of(response)
    html = response.content.decode()
    # The document's opening and closing, word for word.
    assert intro in text
    assert "Voici le compte-rendu de ces discussions avec les pistes d'actions envisagées." in text
    assert "Ce portail poursuit ce compte-rendu" in text
    assert contact in text
    assert text.count("contactez vos chargé.es de mission territoriale Manger Demain.") == 1
    for slug in ("brabant-wallon", "hainaut", "liege", "luxembourg", "namur"):
        assert f'href="{reverse("territoires:province_contact", args=[slug])}"' in html
    # Something to do in 2026 with a seed of 2021: steps still open, the last meetings and how
    # to propose a workshop, the newsletter, the map, the search.
    titles = [step.title for step in response.context["next_steps"]]
    assert "Recueillir les demandes pour envisager d'autres ateliers de présentation" in titles
    assert "Réaliser un catalogue d'expertises « facilitateurs »" in titles
    assert not [
        s for s in response.context["next_steps"] if s.chantier.slug == "approche-territoriale"
    ]
    assert "Rencontre territoriale – Hainaut" in text
    assert "Proposer un atelier" in text
    assert "Aperçu de la carte :" in text
    assert 'id="recherche-accueil"' in html and 'id="lettre-accueil-email"' in html


def test_the_seed_intro_is_not_paraphrased_any_more(client, seeded):
    text = text_of(client.get(HOME))

    assert "plusieurs chantiers communs ont été évoqués dont l'avancée peut servir" not in text


def test_projects_at_the_same_spot_are_one_dot_of_the_glimpse(client):
    for _ in range(5):
        ProjectFactory(latitude=Decimal("50.63"), longitude=Decimal("5.57"))
    ProjectFactory(latitude=Decimal("50.46"), longitude=Decimal("4.87"))

    response = client.get(HOME)

    html = response.content.decode()
    assert html.count('class="map-preview__point"') == 2
    assert response.context["map_preview"]().located_count == 6


def test_the_glimpse_reads_one_row_per_spot_with_its_projects():
    for _ in range(3):
        ProjectFactory(latitude=Decimal("50.63"), longitude=Decimal("5.57"))
    ProjectFactory(latitude=Decimal("50.46"), longitude=Decimal("4.87"))
    ProjectFactory(latitude=Decimal("50.63"), longitude=Decimal("5.57"))
    ProjectFactory(latitude=Decimal("48.85"), longitude=Decimal("2.35"))  # outside Wallonia

    rows = [(float(lat), float(lon), n) for lat, lon, n in _located()]

    assert rows == [(50.63, 5.57, 4), (50.46, 4.87, 1)]  # in the order of their first project


def test_chantier_cards_count_steps_and_projects_apart(client):
    chantier = ChantierFactory(status=Chantier.Status.ACTIVE)
    for order in range(3):
        StepFactory(chantier=chantier, order=order)
    for _ in range(2):
        ParticipationFactory(chantier=chantier)

    found = chantier_list().get(pk=chantier.pk)

    assert (found.step_count, found.project_count) == (3, 2)
