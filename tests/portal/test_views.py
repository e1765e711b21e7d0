"""The home page and the error pages."""

import datetime
from http import HTTPStatus

import pytest
from allauth.core.ratelimit import respond_429
from django.contrib.auth.models import AnonymousUser
from django.test import Client, override_settings
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
from tests.portal.factories import UserFactory
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


def test_unknown_page_is_a_french_404(client):
    response = client.get("/nulle-part/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Page introuvable" in response.content.decode()


@override_settings(ROOT_URLCONF="tests.portal.urls_boom")
def test_server_error_page_is_french():
    client = Client(raise_request_exception=False)

    response = client.get("/boom/")

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert "Une erreur est survenue" in response.content.decode()


def test_signed_in_non_staff_gets_a_french_403_from_the_admin(client):
    client.force_login(UserFactory())

    response = client.get(reverse("admin:login"), follow=True)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Accès refusé" in response.content.decode()


def test_rate_limited_requests_get_a_french_429(rf):
    request = rf.get("/compte/login/")
    request.user = AnonymousUser()

    response = respond_429(request)

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Trop de tentatives" in response.content.decode()
