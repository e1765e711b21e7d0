"""The home page: every section linked, a constant number of queries."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from chantiers.models import Chantier
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

    response = client.get(reverse("home"))

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    for url in [
        chantier.get_absolute_url(),
        reverse("chantiers:chantier_list"),
        reverse("chantiers:candidate_list"),
        reverse("projets:project_list"),
        reverse("territoires:province_list"),
        reverse("events:event_list"),
        province.get_absolute_url(),
        upcoming.get_absolute_url(),
        past.get_absolute_url(),
    ]:
        assert f'href="{url}"' in html, url
    assert "Outiller, partager et centraliser ces travaux." in html


def test_home_query_count_is_constant(client):
    def grow(n):
        for _ in range(n):
            chantier = ChantierFactory()
            StepFactory(chantier=chantier)
            ParticipationFactory(chantier=chantier)
            ProjectFactory()
            EventFactory(chantier=chantier, province=ProvinceFactory())
            EventFactory(start=timezone.now() - datetime.timedelta(days=3))
            NewsFactory(chantier=chantier, province=ProvinceFactory())
            NewsFactory(published_at=None)

    assert_constant_queries(client, reverse("home"), grow)
