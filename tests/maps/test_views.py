"""The map page (/carte/): its list, its filters, its layers, bad input and query count."""

from __future__ import annotations

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.chantiers.factories import ChantierFactory, ParticipationFactory
from tests.events.factories import EventFactory
from tests.expertises.factories import FacilitatorFactory
from tests.maps.helpers import layer_names, map_layers
from tests.projets.factories import ProjectFactory
from tests.querycount import assert_constant_queries
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db

MAP = reverse("maps:map")


@pytest.fixture
def world(liege, namur):
    cpa = ChantierFactory(title="Conseils de politiques alimentaires", slug="cpa")
    pain = ProjectFactory(name="Pain durable", province=liege)
    conseil = ProjectFactory(name="Conseil namurois", province=namur)
    ProjectFactory(name="Sans position", province=liege, latitude=None, longitude=None)
    ParticipationFactory(project=conseil, chantier=cpa)
    soon = timezone.now() + datetime.timedelta(days=5)
    EventFactory(
        title="Rencontre de Liège", province=liege, start=soon, latitude=50.6, longitude=5.5
    )
    EventFactory(title="Atelier CPA", province=namur, chantier=cpa, start=soon)
    EventFactory(title="Rencontre passée", province=liege, start=soon - datetime.timedelta(days=60))
    FacilitatorFactory(name="Conseil en financement", provinces=[liege])
    return {"pain": pain, "conseil": conseil, "cpa": cpa}


def sections(response) -> dict[str, bool]:
    """Which list sections the page shows (True) or hides (False)."""
    html = response.content.decode()
    shown = {}
    for name in ("projets", "evenements", "facilitateurs"):
        tag = html[html.index(f'data-layer-section="{name}"') :]
        shown[name] = " hidden" not in tag[: tag.index(">")]
    return shown


def test_the_map_page_lists_what_its_layers_show(client, world):
    response = client.get(MAP)

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert f'<a href="{MAP}" aria-current="page">Carte</a>' in html
    for name in ("Pain durable", "Conseil namurois", "Sans position", "Rencontre de Liège"):
        assert name in html
    assert "Atelier CPA" in html and "Rencontre passée" not in html
    assert "pas sur la carte (sans localisation)" in html
    assert "1 facilitateur actif dans la province" in html
    layers = map_layers(response, "carte")
    assert list(layers) == ["projets", "evenements", "facilitateurs"]
    assert all(layer["visible"] for layer in layers.values())
    assert sorted(layer_names(client, response, "carte", "projets")) == [
        "Conseil namurois",
        "Pain durable",
    ]
    assert layer_names(client, response, "carte", "evenements") == ["Rencontre de Liège"]
    assert layer_names(client, response, "carte", "facilitateurs") == ["Liège"]
    assert sections(response) == {"projets": True, "evenements": True, "facilitateurs": True}


def test_filters_narrow_the_list_and_every_layer(client, world):
    response = client.get(MAP, {"province": "namur", "chantier": "cpa"})

    html = response.content.decode()
    assert "Conseil namurois" in html and "Pain durable" not in html
    assert "Atelier CPA" in html and "Rencontre de Liège" not in html
    assert "ne s'applique pas à eux" in html  # the chantier filter and the facilitators
    layers = map_layers(response, "carte")
    assert layers["projets"]["url"] == "/carte/projets.geojson?province=namur&chantier=cpa"
    assert layers["evenements"]["url"] == "/carte/evenements.geojson?province=namur&chantier=cpa"
    assert layers["facilitateurs"]["url"] == "/carte/facilitateurs.geojson?province=namur"
    assert layer_names(client, response, "carte", "projets") == ["Conseil namurois"]


def test_unticked_layers_are_hidden_on_the_map_and_in_the_list(client, world):
    response = client.get(MAP + "?province=&chantier=&couches=&couches=projets")

    layers = map_layers(response, "carte")
    assert [name for name, layer in layers.items() if layer["visible"]] == ["projets"]
    assert sections(response) == {"projets": True, "evenements": False, "facilitateurs": False}


def test_no_layer_ticked_shows_none_while_a_plain_link_shows_all(client, world):
    none = client.get(MAP + "?couches=")
    link = client.get(MAP + "?province=liege")

    assert not any(layer["visible"] for layer in map_layers(none, "carte").values())
    assert all(layer["visible"] for layer in map_layers(link, "carte").values())


def test_the_list_is_the_default_view_and_the_map_one_link_away(client, world):
    default = client.get(MAP)
    on_map = client.get(MAP, {"vue": "carte", "province": "liege"})

    assert 'data-view="liste"' in default.content.decode()
    html = on_map.content.decode()
    assert 'data-view="carte"' in html
    assert 'href="?province=liege&amp;vue=liste"' in html


@pytest.mark.parametrize(
    "query",
    [
        {"province": "atlantide"},
        {"chantier": "<script>"},
        {"couches": "volcans"},
        {"vue": "satellite"},
        {"projets": "-1"},
        {"evenements": "abc"},
        {"province": "x" * 10_000},
    ],
)
def test_nonsense_parameters_never_fail(client, world, query):
    response = client.get(MAP, query)

    assert response.status_code == HTTPStatus.OK
    assert "Pain durable" in response.content.decode()


def test_a_nul_character_in_a_filter_is_ignored_with_a_message(client, world):
    response = client.get(MAP, {"province": "li\x00ege"})

    assert response.status_code == HTTPStatus.OK
    assert "Certains filtres n'ont pas été compris" in response.content.decode()


def test_an_unknown_province_is_ignored_with_a_message(client, world):
    response = client.get(MAP, {"province": "atlantide"})

    html = response.content.decode()
    assert "Certains filtres n'ont pas été compris" in html
    assert map_layers(response, "carte")["projets"]["url"] == "/carte/projets.geojson"


def test_the_project_list_is_paginated(client, settings, liege):
    settings.PAGINATE_BY = 2
    ProjectFactory.create_batch(5, province=liege)

    response = client.get(MAP, {"projets": 3})

    assert len(response.context["projects_page"].object_list) == 1
    assert "Page 3 sur 3" in response.content.decode()


def test_map_page_query_count_is_constant(client, liege):
    cpa = ChantierFactory(slug="cpa")

    def grow(n):
        soon = timezone.now() + datetime.timedelta(days=5)
        for _ in range(n):
            province = ProvinceFactory()
            project = ProjectFactory(province=province)
            ParticipationFactory(project=project, chantier=cpa)
            EventFactory(province=province, chantier=cpa, start=soon)
            FacilitatorFactory(provinces=[province, liege])

    assert assert_constant_queries(client, MAP, grow) <= 8
    filtered = f"{MAP}?province={liege.slug}&chantier=cpa"
    assert assert_constant_queries(client, filtered, grow) <= 9
