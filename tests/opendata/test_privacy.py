"""Public data only: every endpoint, in every format, tried for emails, registrations, drafts,
withdrawn projects and unpublished rows."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from opendata.datasets import DATASETS
from tests.opendata.conftest import SECRET

pytestmark = pytest.mark.django_db


def every_address(client):
    yield reverse("opendata:index")
    yield reverse("opendata:catalogue")
    yield reverse("api:openapi-json")
    yield reverse("api:api-root")
    for slug, dataset in DATASETS.items():
        yield reverse(f"api:{slug}-list") + "?page_size=100"
        for row in client.get(reverse(f"api:{slug}-list"), {"page_size": 100}).json()["results"]:
            yield reverse(f"api:{slug}-detail", kwargs={"pk": row["id"]})
        for fmt in ["csv", "json", "geojson"] if dataset.located else ["csv", "json"]:
            yield reverse(f"opendata:download_{fmt}", kwargs={"slug": slug})
        yield reverse("opendata:schema", kwargs={"slug": slug})


def test_nothing_hidden_appears_anywhere(client, hidden):
    seen = 0
    for address in every_address(client):
        response = client.get(address)
        assert response.status_code == HTTPStatus.OK, address
        body = response.content.decode().lower()
        assert SECRET not in body, address
        assert "@example.org" not in body, address
        assert hidden["phone"] not in body, address
        seen += 1
    assert seen > 40


def test_the_public_rows_next_to_them_are_there(client, hidden):
    projects = client.get(reverse("api:projets-list")).json()["results"]
    events = client.get(reverse("api:evenements-list")).json()["results"]
    chantier = client.get(reverse("api:chantiers-list")).json()["results"][0]

    assert [p["name"] for p in projects] == ["Projet public"]
    assert [e["title"] for e in events] == ["Rencontre publique"]
    assert events[0]["is_online"] is True
    assert chantier["projects"] == []
    assert [s["event"] for s in chantier["steps"]] == [None]


@pytest.mark.parametrize(
    "slug", ["projets", "evenements", "actualites", "facilitateurs", "lettres"]
)
def test_hidden_rows_are_404s(client, hidden, slug):
    for pk in hidden[slug]:
        response = client.get(reverse(f"api:{slug}-detail", kwargs={"pk": pk}))
        assert response.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    ("slug", "query"),
    [
        ("projets", {"q": SECRET}),
        ("evenements", {"kind": "territorial_meeting"}),
        ("facilitateurs", {"q": SECRET}),
        ("actualites", {"province": "publique"}),
    ],
)
def test_filters_do_not_reach_hidden_rows(client, hidden, slug, query):
    response = client.get(reverse(f"api:{slug}-list"), query)

    assert response.status_code == HTTPStatus.OK
    assert SECRET not in response.content.decode().lower()


def test_no_endpoint_for_people_registrations_or_subscribers(client):
    for name in ["utilisateurs", "inscriptions", "abonnes", "users", "registrations"]:
        assert client.get(f"/api/v1/{name}/").status_code == HTTPStatus.NOT_FOUND
        assert client.get(f"/donnees/{name}.csv").status_code == HTTPStatus.NOT_FOUND
