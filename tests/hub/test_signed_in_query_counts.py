"""Signed-in visitors are never served a cached page: the home page and a chantier's page,
built afresh for a project leader, read at most eight queries (their session and themselves
included), whatever the number of rows."""

import datetime

import pytest
from django.utils import timezone

from expertises.selectors import CATALOGUE_CHANTIER_SLUG
from tests.chantiers.factories import (
    ChantierFactory,
    NewsFactory,
    ParticipationFactory,
    PartnershipFactory,
    ResourceFactory,
    StepFactory,
)
from tests.events.factories import EventFactory, RegistrationFactory
from tests.expertises.factories import CategoryFactory, FacilitatorFactory
from tests.portal.factories import UserFactory
from tests.projets.factories import MembershipFactory, ProjectFactory
from tests.querycount import assert_constant_queries
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(client):
    person = UserFactory()
    project = ProjectFactory()
    MembershipFactory(project=project, user=person)
    RegistrationFactory(user=person, project=project, organisation="")
    client.force_login(person)
    return person


def test_the_home_page_signed_in(client, leader):
    def grow(n):
        for _ in range(n):
            chantier = ChantierFactory()
            StepFactory(chantier=chantier)
            ParticipationFactory(chantier=chantier)
            EventFactory(start=timezone.now() - datetime.timedelta(days=3))
            NewsFactory(chantier=chantier)

    assert assert_constant_queries(client, "/", grow) <= 8


def test_the_catalogue_chantier_signed_in(client, leader):
    """The catalogue's chantier reads the most: its lists, its partners and the catalogue."""
    chantier = ChantierFactory(slug=CATALOGUE_CHANTIER_SLUG)

    def grow(n):
        for _ in range(n):
            ResourceFactory(chantier=chantier)
            StepFactory(chantier=chantier, event=EventFactory(chantier=chantier))
            ParticipationFactory(chantier=chantier)
            NewsFactory(chantier=chantier)
            PartnershipFactory(chantier=chantier)
            FacilitatorFactory()

    assert assert_constant_queries(client, chantier.get_absolute_url(), grow) <= 8


def test_the_catalogue_glimpse_reads_its_entries_relations_with_them(client):
    chantier = ChantierFactory(slug=CATALOGUE_CHANTIER_SLUG)
    liege, namur = ProvinceFactory(name="Liège", order=2), ProvinceFactory(name="Namur", order=2)
    early = ProvinceFactory(name="Zélande", order=1)
    second, first = (
        CategoryFactory(name="Éducation", order=0),
        CategoryFactory(name="Achats", order=0),
    )
    FacilitatorFactory(categories=[second, first], provinces=[namur, early, liege])
    FacilitatorFactory(categories=[], provinces=[])

    response = client.get(chantier.get_absolute_url())

    html = response.content.decode()
    assert "Zélande, Liège, Namur" in html
    shown = [f for f in response.context["page"].catalogue_facilitators if f.categories.all()]
    assert [c.name for c in shown[0].categories.all()] == ["Achats", "Éducation"]
    assert html.index(">Achats<") < html.index(">Éducation<")
