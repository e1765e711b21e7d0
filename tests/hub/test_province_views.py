"""Public pages of the provinces: content, map scope, 404s and query counts."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from events.selectors import event_public_queryset
from expertises.selectors import facilitators_covering
from projets.selectors import project_list_queryset
from tests.chantiers.factories import ChantierFactory, NewsFactory
from tests.events.factories import EventFactory
from tests.expertises.factories import CategoryFactory, FacilitatorFactory
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
            FacilitatorFactory(provinces=[province], categories=[CategoryFactory()])
            FacilitatorFactory(covers_all_wallonia=True, categories=[CategoryFactory()])

    # The province with every figure, its officers, the events to come and past ones, the news,
    # the facilitators with their categories and provinces, the projects and their types (next
    # changes by time: once per version).
    assert assert_constant_queries(client, province.get_absolute_url(), grow) <= 7


def test_the_detail_reads_what_the_domain_querysets_define(client):
    # Every list of the page is read by a statement compiled once (hub.selectors): the same
    # rows, order, figures and related rows as the domain's querysets, on every page.
    liege, namur = ProvinceFactory(name="Liège"), ProvinceFactory(name="Namur")
    now = timezone.now()
    for n in range(12):
        ProjectFactory(name=f"Projet {n:02}", province=liege, latitude=None if n % 3 else "50.6")
    ProjectFactory(name="Retiré", province=liege, status="withdrawn")
    for n in range(7):
        EventFactory(
            title=f"Passée {n}", province=liege, start=now - datetime.timedelta(days=n + 2)
        )
        EventFactory(
            title=f"À venir {n}", province=liege, start=now + datetime.timedelta(days=n + 1)
        )
    EventFactory(title="Ailleurs", province=namur, start=now - datetime.timedelta(days=3))
    categories = [CategoryFactory(name=f"Catégorie {n}", order=5 - n) for n in range(3)]
    FacilitatorFactory(name="Partout", covers_all_wallonia=True, categories=categories[:2])
    FacilitatorFactory(name="Liège et Namur", provinces=[namur, liege], categories=categories)
    FacilitatorFactory(name="Namur seul", provinces=[namur])
    FacilitatorFactory(name="Caché", provinces=[liege], is_published=False)
    NewsFactory(title="Nouvelle de Liège", province=liege)
    NewsFactory(title="Programmée", province=liege, published_at=now + datetime.timedelta(days=1))
    NewsFactory(title="Nouvelle de Namur", province=namur)

    url = liege.get_absolute_url()
    first = client.get(url).context
    second = client.get(url, {"page": 2, "passes": 2}).context

    projects = project_list_queryset().filter(province=liege)
    assert [p.name for p in first["projects_page"]] == [p.name for p in projects[:10]]
    assert [p.name for p in second["projects_page"]] == [p.name for p in projects[10:]]
    assert first["projects_page"].paginator.count == 12
    assert (first["located"], first["unlocated"]) == (4, 8)
    past = event_public_queryset().filter(province=liege).past()
    assert [e.title for e in first["past_events"]] == [e.title for e in past[:5]]
    assert [e.title for e in second["past_events"]] == [e.title for e in past[5:]]
    assert second["past_events"].paginator.count == 7
    assert [e.title for e in first["upcoming_events"]] == [f"À venir {n}" for n in range(5)]
    assert first["more_upcoming"]
    assert [n.title for n in first["latest_news"]] == ["Nouvelle de Liège"]
    facilitators = facilitators_covering(province=liege)
    assert first["facilitator_count"] == facilitators.count() == 2
    shown = [
        (f.name, [c.name for c in f.categories.all()], [p.name for p in f.provinces.all()])
        for f in first["facilitators"]
    ]
    assert shown == [
        (f.name, [c.name for c in f.categories.all()], [p.name for p in f.provinces.all()])
        for f in facilitators
    ]
    assert shown[0] == (
        "Liège et Namur",
        ["Catégorie 2", "Catégorie 1", "Catégorie 0"],
        [p.name for p in type(liege).objects.filter(pk__in=[liege.pk, namur.pk])],
    )
    html = client.get(url).content.decode()
    assert "Caché" not in html and "Namur seul" not in html and "Programmée" not in html
