"""The API's OpenAPI description validates, documents each dataset, and its docs load."""

import re
from http import HTTPStatus

import pytest
import yaml
from django.urls import reverse
from openapi_spec_validator import validate

from opendata.datasets import DATASETS

pytestmark = pytest.mark.django_db


def test_the_openapi_description_validates(client):
    response = client.get(reverse("api:openapi-json"))

    assert response.status_code == HTTPStatus.OK
    spec = response.json()
    validate(spec)
    assert spec["info"]["license"]["url"] == "https://creativecommons.org/licenses/by/4.0/"


def test_the_yaml_is_the_same_description(client):
    as_json = client.get(reverse("api:openapi-json")).json()
    as_yaml = yaml.safe_load(client.get(reverse("api:openapi-yaml")).content)

    validate(as_yaml)
    assert as_yaml["paths"].keys() == as_json["paths"].keys()


def test_every_dataset_has_a_list_and_a_detail_with_the_pages_filters(client):
    paths = client.get(reverse("api:openapi-json")).json()["paths"]

    for slug in DATASETS:
        assert f"/api/v1/{slug}/" in paths
        assert f"/api/v1/{slug}/{{id}}/" in paths
    parameters = {p["name"]: p for p in paths["/api/v1/projets/"]["get"]["parameters"]}
    assert {"q", "province", "type", "chantier", "page", "page_size"} <= parameters.keys()
    assert parameters["page_size"]["schema"]["maximum"] == 100


def test_the_docs_page_is_served_from_our_own_files(client):
    response = client.get(reverse("api:docs"))

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in assets
    assert all(asset.startswith("/") for asset in assets), assets  # no CDN
