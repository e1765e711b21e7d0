"""The "Données ouvertes" page lists every dataset with its links; the footer links to it."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from opendata.datasets import DATASETS

pytestmark = pytest.mark.django_db


def test_the_page_lists_each_dataset_with_its_downloads_schema_and_api(client):
    response = client.get(reverse("opendata:index"))

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    for slug, dataset in DATASETS.items():
        assert f'id="jeu-{slug}"' in html
        assert f'href="/donnees/{slug}.csv"' in html
        assert f'href="/donnees/{slug}.json"' in html
        assert (f'href="/donnees/{slug}.geojson"' in html) == dataset.located
        assert f'href="/donnees/{slug}.schema.json"' in html
        assert f'href="/api/v1/{slug}/"' in html
    assert 'href="/donnees/catalogue.jsonld"' in html
    assert 'href="/api/v1/docs/"' in html
    assert 'rel="license"' in html and "CC BY 4.0" in html


def test_the_page_shows_each_field_of_a_schema(client):
    html = client.get(reverse("opendata:index")).content.decode()

    assert "<code>location_is_approximate</code>" in html
    assert "<code>ongoing</code> (En cours)" in html


def test_every_page_links_to_the_open_data_in_its_footer(client):
    html = client.get(reverse("home")).content.decode()

    footer = html[html.index('<footer class="site-footer">') :]
    assert 'href="/donnees/"' in footer


def test_the_page_in_english(client):
    response = client.get(reverse("opendata:index"), headers={"accept-language": "en"})

    assert response.status_code == HTTPStatus.OK
