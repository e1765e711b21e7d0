"""Every endpoint of the open data reads in the same number of queries with 10× more rows."""

import pytest
from django.urls import reverse

from opendata.datasets import DATASETS
from tests.opendata.conftest import world
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db

ADDRESSES = [
    *(reverse(f"api:{slug}-list") + "?page_size=100" for slug in DATASETS),
    *(
        reverse(f"opendata:download_{fmt}", kwargs={"slug": slug})
        for slug in DATASETS
        for fmt in ("csv", "json")
    ),
    *(
        reverse("opendata:download_geojson", kwargs={"slug": slug})
        for slug, dataset in DATASETS.items()
        if dataset.located
    ),
    *(reverse("opendata:schema", kwargs={"slug": slug}) for slug in DATASETS),
    reverse("opendata:catalogue"),
    reverse("opendata:index"),
    reverse("api:openapi-json"),
    reverse("api:projets-list") + "?q=projet",
    reverse("api:evenements-list") + "?kind=territorial_meeting",
    reverse("api:facilitateurs-list") + "?q=service",
]


@pytest.mark.parametrize("url", ADDRESSES)
def test_constant_queries(client, url):
    assert_constant_queries(client, url, world)


@pytest.mark.parametrize("slug", list(DATASETS))
def test_constant_queries_of_a_detail(client, slug):
    def first_row():
        row = DATASETS[slug].queryset().first()
        return reverse(f"api:{slug}-detail", kwargs={"pk": row.pk})

    assert_constant_queries(client, first_row, world)
