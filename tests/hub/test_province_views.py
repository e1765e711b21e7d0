"""Public pages of the provinces: content, map scope, 404s and query counts."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.chantiers.factories import ChantierFactory, NewsFactory
from tests.events.factories import EventFactory
from tests.maps.helpers import layer_names
from tests.portal.factories import UserFactory
from tests.projets.factories import ProjectFactory, ProjectTypeFactory
from tests.querycount import assert_constant_queries
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db


def test_list_shows_provinces_with_counts(client):
    liege = ProvinceFactory(name="Liège")
    ProjectFactory.create_batch(2, province=liege)
    EventFactory(province=liege)
    EventFactory(province=liege, status="draft")

    response = client.get(reverse("territoires:province_list"))

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Liège" in html
    assert "2 projets" in html
    assert "1 événement" in html


def test_detail_shows_its_projects_meetings_and_map_only(client):
    liege = ProvinceFactory(name="Liège")
    namur = ProvinceFactory(name="Namur")
    ProjectFactory(name="Projet liégeois", province=liege)
    ProjectFactory(name="Projet namurois", province=namur)
    EventFactory(title="Rencontre de Liège", province=liege)
    EventFactory(
        title="Rencontre passée",
        province=liege,
        start=timezone.now() - datetime.timedelta(days=30),
    )
    EventFactory(title="Brouillon", province=liege, status="draft")
    EventFactory(title="Rencontre de Namur", province=namur)

    response = client.get(liege.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Projet liégeois" in html and "Projet namurois" not in html
    assert "Rencontre de Liège" in html and "Rencontre passée" in html
    assert "Brouillon" not in html and "Rencontre de Namur" not in html
    assert layer_names(client, response, "province-map", "projets") == ["Projet liégeois"]


def test_unknown_province_is_404(client):
    response = client.get(reverse("territoires:province_detail", kwargs={"slug": "bruxelles"}))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_list_query_count_is_constant(client):
    def grow(n):
        for _ in range(n):
            province = ProvinceFactory()
            ProjectFactory(province=province)
            EventFactory(province=province)

    assert_constant_queries(client, reverse("territoires:province_list"), grow)


def test_detail_query_count_is_constant(client):
    province = ProvinceFactory()
    kind = ProjectTypeFactory()
    officer = UserFactory()
    province.officers.add(officer)
    ProvinceFactory().officers.add(officer)

    def grow(n):
        for _ in range(n):
            province.officers.add(UserFactory())
            ProjectFactory(province=province).types.add(kind)
            EventFactory(province=province)
            EventFactory(province=province, start=timezone.now() - datetime.timedelta(days=40))
            NewsFactory(province=province, chantier=ChantierFactory())
            NewsFactory(province=province, published_at=None)

    # The province with its officers, every figure, the events to come and past ones, the news,
    # the facilitators, the projects and their types (next changes by time: once per version).
    assert assert_constant_queries(client, province.get_absolute_url(), grow) <= 9
