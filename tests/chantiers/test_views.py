"""Public pages of the chantiers: content, 404s and query counts."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from chantiers.models import Chantier, Participation
from tests.chantiers.factories import (
    ChantierFactory,
    NewsFactory,
    ParticipationFactory,
    ResourceFactory,
    StepFactory,
)
from tests.events.factories import EventFactory
from tests.projets.factories import OrganisationFactory, ProjectTypeFactory
from tests.querycount import assert_constant_queries
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db


def test_list_shows_active_chantiers_and_links_candidates(client):
    active = ChantierFactory(title="Marchés publics", objective="Faciliter la rédaction.")
    candidate = ChantierFactory(title="Chantier légumeries", status=Chantier.Status.CANDIDATE)

    response = client.get(reverse("chantiers:chantier_list"))

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert active.title in html
    assert "Faciliter la rédaction." in html
    assert candidate.title not in html
    assert reverse("chantiers:candidate_list") in html


def test_candidates_page_lists_only_candidates(client):
    ChantierFactory(title="Diagnostics")
    ChantierFactory(title="Chantier légumeries", status=Chantier.Status.CANDIDATE)

    response = client.get(reverse("chantiers:candidate_list"))

    assert "Chantier légumeries" in response.content.decode()
    assert "Diagnostics" not in response.content.decode()


def test_detail_shows_objective_resources_steps_projects_and_events(client):
    chantier = ChantierFactory(objective="Mise en réseau des projets.")
    provider = OrganisationFactory(name="Service public de Wallonie", acronym="SPW")
    ResourceFactory(chantier=chantier, title="Outils et helpdesk", provider=provider)
    event = EventFactory(
        chantier=chantier,
        title="Rencontre Liège",
        start=timezone.now() - datetime.timedelta(days=3),
    )
    StepFactory(chantier=chantier, order=1, title="Rencontre pour Liège", event=event)
    StepFactory(chantier=chantier, order=2, title="Recueillir les demandes", is_continuous=True)
    participation = ParticipationFactory(chantier=chantier, role=Participation.Role.LEAD)
    EventFactory(chantier=chantier, title="Brouillon secret", status="draft")

    response = client.get(chantier.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Mise en réseau des projets." in html
    assert "Outils et helpdesk" in html and "SPW" in html
    assert "Rencontre pour Liège" in html and "Réalisée" in html
    assert "Recueillir les demandes" in html and "En continu" in html
    assert participation.project.name in html and "Pilote" in html
    assert "Rencontre Liège" in html
    assert "Brouillon secret" not in html


def test_detail_of_unknown_slug_is_a_french_404(client):
    response = client.get(reverse("chantiers:chantier_detail", kwargs={"slug": "inconnu"}))

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Page introuvable" in response.content.decode()


def test_list_query_count_is_constant(client):
    def grow(n):
        for _ in range(n):
            chantier = ChantierFactory()
            StepFactory(chantier=chantier)
            ParticipationFactory(chantier=chantier)
        ChantierFactory.create_batch(n, status=Chantier.Status.CANDIDATE)

    assert_constant_queries(client, reverse("chantiers:chantier_list"), grow)


def test_candidates_query_count_is_constant(client):
    def grow(n):
        for _ in range(n):
            ParticipationFactory(chantier=ChantierFactory(status=Chantier.Status.CANDIDATE))

    assert_constant_queries(client, reverse("chantiers:candidate_list"), grow)


def test_detail_query_count_is_constant(client):
    chantier = ChantierFactory()
    kinds = [ProjectTypeFactory(), ProjectTypeFactory()]

    def grow(n):
        for _ in range(n):
            ResourceFactory(chantier=chantier, provider=OrganisationFactory())
            event = EventFactory(chantier=chantier)
            StepFactory(chantier=chantier, event=event)
            StepFactory(chantier=chantier)
            participation = ParticipationFactory(chantier=chantier)
            participation.project.types.set(kinds)
            NewsFactory(chantier=chantier, province=ProvinceFactory())
            NewsFactory(chantier=chantier, published_at=None)

    assert_constant_queries(client, chantier.get_absolute_url(), grow)


def test_detail_caps_each_list_and_links_to_the_whole_of_it(client):
    chantier = ChantierFactory()
    ResourceFactory.create_batch(9, chantier=chantier)
    for order in range(1, 14):
        StepFactory(chantier=chantier, order=order, start_date=datetime.date(2026, 1, order))
    ParticipationFactory.create_batch(13, chantier=chantier)
    EventFactory.create_batch(6, chantier=chantier)

    html = client.get(chantier.get_absolute_url()).content.decode()

    assert "en données ouvertes (9 pour ce chantier)" in html
    assert html.count('class="gantt__row"') == 12
    assert "Les 13 étapes de ce chantier dans l'échéancier" in html
    assert "Les 13 projets de ce chantier" in html
    assert html.count("card event-card") == 5 and "Les 6 événements de ce chantier" in html


def test_detail_within_its_caps_links_to_no_whole_list(client):
    chantier = ChantierFactory()
    ResourceFactory(chantier=chantier)
    StepFactory(chantier=chantier, start_date=datetime.date(2026, 1, 1))
    ParticipationFactory(chantier=chantier)
    EventFactory(chantier=chantier)

    html = client.get(chantier.get_absolute_url()).content.decode()

    assert "pour ce chantier)" not in html and "Les 1 " not in html
