"""Public pages of the projects: filters, map data, bad input, 404s and query counts."""

import json
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse

from projets.models import Project
from tests.chantiers.factories import ChantierFactory, ParticipationFactory
from tests.maps.helpers import layer_names, map_attrs
from tests.projets.factories import OrganisationFactory, ProjectFactory, ProjectTypeFactory
from tests.querycount import assert_constant_queries
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db

LIST = reverse("projets:project_list")


def names(response):
    return [p.name for p in response.context["projects"]]


def marker_names(client, response):
    return sorted(layer_names(client, response, "projects-map", "projets"))


@pytest.fixture
def catalogue():
    liege = ProvinceFactory(name="Liège", slug="liege")
    namur = ProvinceFactory(name="Namur", slug="namur")
    logistique = ProjectTypeFactory(name="Logistique", slug="logistique")
    cpa = ChantierFactory(title="Conseils de politiques alimentaires", slug="cpa")
    a = ProjectFactory(
        name="Atelier de pain durable", province=liege, promoters="Moulins de Statte"
    )
    a.types.add(logistique)
    b = ProjectFactory(name="Conseil de politique alimentaire", province=namur)
    ParticipationFactory(project=b, chantier=cpa)
    c = ProjectFactory(name="Sunwall", province=None, latitude=None, longitude=None)
    ProjectFactory(name="Projet retiré", province=liege, status=Project.Status.WITHDRAWN)
    return {"a": a, "b": b, "c": c}


def test_list_without_filters_shows_every_public_project(client, catalogue):
    response = client.get(LIST)

    assert response.status_code == HTTPStatus.OK
    assert names(response) == [
        "Atelier de pain durable",
        "Conseil de politique alimentaire",
        "Sunwall",
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"province": "liege"}, ["Atelier de pain durable"]),
        ({"type": "logistique"}, ["Atelier de pain durable"]),
        ({"chantier": "cpa"}, ["Conseil de politique alimentaire"]),
        ({"q": "statte"}, ["Atelier de pain durable"]),
        ({"q": "SUNWALL"}, ["Sunwall"]),
        ({"province": "namur", "chantier": "cpa"}, ["Conseil de politique alimentaire"]),
        ({"province": "liege", "chantier": "cpa"}, []),
    ],
)
def test_filters(client, catalogue, query, expected):
    assert names(client.get(LIST, query)) == expected


def test_map_uses_the_same_filtered_queryset(client, catalogue):
    response = client.get(LIST, {"province": "liege"})

    assert marker_names(client, response) == ["Atelier de pain durable"]
    everything = client.get(LIST)
    assert marker_names(client, everything) == [
        "Atelier de pain durable",
        "Conseil de politique alimentaire",
    ]
    assert "1 projet sans localisation" in everything.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"province": "atlantide"},
        {"type": "<script>"},
        {"chantier": "999"},
        {"page": "abc"},
        {"page": "-3"},
        {"page": "99999"},
        {"q": "x" * 500},
    ],
)
def test_nonsense_parameters_never_fail(client, catalogue, query):
    response = client.get(LIST, query)

    assert response.status_code == HTTPStatus.OK
    assert "Projets" in response.content.decode()


def test_unknown_filter_value_is_ignored_with_a_message(client, catalogue):
    response = client.get(LIST, {"province": "atlantide"})

    assert len(names(response)) == 3
    assert "Certains filtres n'ont pas été compris" in response.content.decode()


def test_pagination(client, settings):
    settings.PAGINATE_BY = 2
    ProjectFactory.create_batch(5)

    first = client.get(LIST)
    last = client.get(LIST, {"page": 3})

    assert len(first.context["projects"]) == 2
    assert len(last.context["projects"]) == 1
    assert "Page 1 sur 3" in first.content.decode()


def test_detail_shows_the_project(client, catalogue):
    project = catalogue["a"]
    project.partners.add(OrganisationFactory(name="Collège des producteurs"))

    response = client.get(project.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Atelier de pain durable" in html
    assert "Moulins de Statte" in html
    assert "Logistique" in html
    assert "Collège des producteurs" in html
    assert "pas encore été confirmée" in html
    point = json.loads(map_attrs(response, "project-map")["data-point"])
    assert (point["name"], point["lat"], point["lng"]) == (
        "Atelier de pain durable",
        float(project.latitude),
        float(project.longitude),
    )


def test_confirmed_project_has_no_warning(client):
    project = ProjectFactory(is_confirmed=True)

    assert "pas encore été confirmée" not in client.get(project.get_absolute_url()).content.decode()


def test_withdrawn_or_unknown_project_is_404(client, catalogue):
    withdrawn = Project.objects.get(name="Projet retiré")

    assert client.get(withdrawn.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    missing = client.get(reverse("projets:project_detail", kwargs={"slug": "nope"}))
    assert missing.status_code == HTTPStatus.NOT_FOUND


def test_list_query_count_is_constant(client):
    kinds = [ProjectTypeFactory(), ProjectTypeFactory()]

    def grow(n):
        for _ in range(n):
            project = ProjectFactory(latitude=Decimal("50.5"), longitude=Decimal("5.1"))
            project.types.set(kinds)
            ParticipationFactory(project=project)

    # The counts, the page with its types, the filter form's provinces, types and chantiers.
    assert assert_constant_queries(client, LIST, grow) <= 5


def test_filtered_list_query_count_is_constant(client):
    province = ProvinceFactory(slug="liege")
    chantier = ChantierFactory(slug="cpa")

    def grow(n):
        for _ in range(n):
            ParticipationFactory(chantier=chantier, project=ProjectFactory(province=province))

    assert_constant_queries(client, f"{LIST}?province=liege&chantier=cpa&q=projet", grow)


def test_detail_query_count_is_constant(client):
    project = ProjectFactory()

    def grow(n):
        for _ in range(n):
            project.types.add(ProjectTypeFactory())
            project.partners.add(OrganisationFactory())
            ParticipationFactory(project=project)

    assert_constant_queries(client, project.get_absolute_url(), grow)


@pytest.mark.parametrize("q", ["Liege", "liège", "LIÈGE"])
def test_search_folds_accents_and_case(client, q):
    ProjectFactory(name="Halle paysanne", summary="", communes="Liège")
    ProjectFactory(name="Ceinture alimentaire", summary="", communes="Namur")

    assert names(client.get(LIST, {"q": q})) == ["Halle paysanne"]


@pytest.mark.parametrize("q", ["é" * 500, "x" * 10_000])
def test_search_accepts_any_string(client, q):
    ProjectFactory(name="Halle paysanne")

    response = client.get(LIST, {"q": q})

    assert response.status_code == HTTPStatus.OK


def test_every_page_of_the_whole_list_shows_what_the_filtered_path_reads(client, settings):
    # The unfiltered list is read by statements compiled once (projets.selectors.project_page);
    # the same rows, in the same order, with their province and types, as the ORM's path.
    settings.PAGINATE_BY = 3
    kinds = [ProjectTypeFactory(name=f"Type {n}", order=3 - n) for n in range(3)]
    namur = ProvinceFactory(name="Namur", slug="namur")
    for n in range(7):
        project = ProjectFactory(name=f"Projet {7 - n:02}", province=namur if n % 2 else None)
        project.types.set(kinds[: n % 4])
    ProjectFactory(name="Projet 00 retiré", status=Project.Status.WITHDRAWN)

    def cards(response):
        return [
            (p.name, p.province, [t.name for t in p.types.all()])
            for p in response.context["projects"]
        ]

    pages = []
    for page in (1, 2, 3):
        whole = client.get(LIST, {"page": page})
        # Any valid filter takes the ORM's path; an empty search filters nothing.
        filtered = client.get(LIST, {"page": page, "q": ""})
        assert cards(whole) == cards(filtered)
        assert whole.context["total"] == 7
        assert whole.context["located"] == 7
        pages.append(cards(whole))
    assert [len(page) for page in pages] == [3, 3, 1]
    # "Projet 04" (n = 3) has three types, in their order.
    assert pages[1][0] == ("Projet 04", namur, ["Type 2", "Type 1", "Type 0"])
