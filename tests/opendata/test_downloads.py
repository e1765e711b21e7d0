"""Downloads of each dataset (CSV, JSON, GeoJSON), its Table Schema, and their errors."""

import csv
import io
import json
from http import HTTPStatus

import pytest
from django.urls import reverse

from opendata.datasets import DATASETS
from opendata.schema import table_schema
from tests.opendata.conftest import world
from tests.projets.factories import ProjectFactory
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db

LOCATED = [slug for slug, d in DATASETS.items() if d.located]


def download(client, slug, fmt, **query):
    return client.get(reverse(f"opendata:download_{fmt}", kwargs={"slug": slug}), query)


@pytest.mark.parametrize("slug", list(DATASETS))
def test_the_csv_has_the_columns_of_its_schema_and_one_line_per_row(client, slug):
    world(3)
    expected = client.get(reverse(f"api:{slug}-list"), {"page_size": 100}).json()["count"]

    response = download(client, slug, "csv")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="{slug}.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert len(rows) == expected
    schema = client.get(reverse("opendata:schema", kwargs={"slug": slug})).json()
    assert list(rows[0]) == [field["name"] for field in schema["fields"]]
    assert schema == table_schema(DATASETS[slug])


def test_csv_cells_hold_lists_as_json_and_booleans_as_words(client):
    project = ProjectFactory(promoters="Asbl A; Commune de B", is_confirmed=True)

    rows = list(csv.DictReader(io.StringIO(download(client, "projets", "csv").content.decode())))

    assert rows[0]["id"] == str(project.pk)
    assert json.loads(rows[0]["promoters"]) == ["Asbl A", "Commune de B"]
    assert rows[0]["is_confirmed"] == "true"


@pytest.mark.parametrize("slug", list(DATASETS))
def test_the_json_file_is_every_row_as_in_the_api(client, slug):
    world(3)

    rows = download(client, slug, "json").json()
    api = client.get(reverse(f"api:{slug}-list"), {"page_size": 100}).json()

    assert rows == api["results"]


@pytest.mark.parametrize("slug", LOCATED)
def test_the_geojson_has_a_point_per_located_row(client, slug):
    world(2)
    ProjectFactory(latitude=None, longitude=None)

    response = download(client, slug, "geojson")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/geo+json"
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    assert collection["features"]
    for feature in collection["features"]:
        lng, lat = feature["geometry"]["coordinates"]
        assert feature["geometry"]["type"] == "Point"
        assert 2.5 < lng < 6.5 and 49 < lat < 51
        assert feature["id"] == feature["properties"]["id"]
        assert "latitude" not in feature["properties"]


def test_rows_without_a_place_stay_out_of_the_geojson(client):
    ProjectFactory(name="Ici")
    ProjectFactory(name="Nulle part", latitude=None, longitude=None)

    features = download(client, "projets", "geojson").json()["features"]

    assert [f["properties"]["name"] for f in features] == ["Ici"]


@pytest.mark.parametrize("slug", [slug for slug in DATASETS if slug not in LOCATED])
def test_no_geojson_for_datasets_without_places(client, slug):
    assert download(client, slug, "geojson").status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("fmt", ["csv", "json", "geojson"])
def test_an_unknown_dataset_is_a_404(client, fmt):
    assert download(client, "utilisateurs", fmt).status_code == HTTPStatus.NOT_FOUND


def test_downloads_take_the_filters_of_the_pages(client):
    liege = ProvinceFactory(slug="liege")
    ProjectFactory(name="Halle", province=liege)
    ProjectFactory(name="Ailleurs")

    rows = download(client, "projets", "json", province="liege").json()

    assert [row["name"] for row in rows] == ["Halle"]


@pytest.mark.parametrize("fmt", ["csv", "json", "geojson"])
def test_a_bad_filter_is_a_400_in_json_whatever_the_format(client, fmt):
    response = download(client, "projets", fmt, province="\x00")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response["Content-Type"] == "application/json"
    assert "province" in response.json()


def test_the_format_is_the_address_not_the_accept_header(client):
    ProjectFactory()

    response = client.get(
        reverse("opendata:download_csv", kwargs={"slug": "projets"}),
        headers={"accept": "application/json"},
    )

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/csv")


def test_downloads_answer_304_to_their_etag(client):
    ProjectFactory()
    url = reverse("opendata:download_csv", kwargs={"slug": "projets"})

    etag = client.get(url)["ETag"]

    assert client.get(url, headers={"if-none-match": etag}).status_code == 304


def test_the_schema_describes_each_field_and_its_values(client):
    schema = client.get(reverse("opendata:schema", kwargs={"slug": "projets"})).json()

    fields = {field["name"]: field for field in schema["fields"]}
    assert schema["primaryKey"] == "id"
    assert fields["id"]["type"] == "integer"
    assert fields["updated_at"]["type"] == "datetime"
    assert fields["latitude"]["type"] == "number"
    assert fields["promoters"]["type"] == "array"
    assert fields["status"]["constraints"]["enum"] == ["ongoing", "completed"]
    assert fields["url"]["format"] == "uri"
    assert fields["name"]["title"] == "Nom"
