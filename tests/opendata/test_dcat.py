"""The DCAT-AP catalogue parses as JSON-LD with the classes a harvester looks for."""

from http import HTTPStatus

import pytest
from django.urls import reverse
from rdflib import RDF, Graph, Literal, Namespace, URIRef

from opendata.datasets import DATASETS
from tests.opendata.conftest import world

pytestmark = pytest.mark.django_db

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")


@pytest.fixture
def graph(client):
    world(1)
    response = client.get(reverse("opendata:catalogue"))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/ld+json"
    return Graph().parse(data=response.content, format="json-ld")


def test_one_catalogue_with_every_dataset(graph):
    catalogues = list(graph.subjects(RDF.type, DCAT.Catalog))
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))

    assert len(catalogues) == 1
    assert set(graph.objects(catalogues[0], DCAT.dataset)) == datasets
    assert len(datasets) == len(DATASETS)


def test_each_dataset_has_what_dcat_ap_asks(graph):
    for dataset in graph.subjects(RDF.type, DCAT.Dataset):
        assert graph.value(dataset, DCT.title) is not None
        assert graph.value(dataset, DCT.description) is not None
        assert graph.value(dataset, DCT.publisher) is not None
        assert graph.value(dataset, DCT.modified) is not None
        distributions = list(graph.objects(dataset, DCAT.distribution))
        assert len(distributions) >= 3
        for distribution in distributions:
            assert (distribution, RDF.type, DCAT.Distribution) in graph
            assert graph.value(distribution, DCAT.accessURL) is not None
            assert graph.value(distribution, DCT.license) == URIRef(
                "https://creativecommons.org/licenses/by/4.0/"
            )


def test_each_download_of_the_catalogue_answers(client, graph):
    for url in graph.objects(None, DCAT.downloadURL):
        path = str(url).removeprefix("http://127.0.0.1:8000")
        assert client.get(path).status_code == HTTPStatus.OK, path


def test_titles_are_in_french(graph):
    titles = {graph.value(d, DCT.title) for d in graph.subjects(RDF.type, DCAT.Dataset)}
    assert Literal("Projets", lang="fr") in titles


def test_the_api_is_described_as_a_data_service(graph):
    services = list(graph.subjects(RDF.type, DCAT.DataService))

    assert len(services) == 1
    assert str(graph.value(services[0], DCAT.endpointDescription)).endswith("/api/v1/openapi.json")
    assert len(list(graph.objects(services[0], DCAT.servesDataset))) == len(DATASETS)


def test_a_licence_setting_changes_the_catalogue(client, settings):
    settings.OPEN_DATA_LICENSE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"

    body = client.get(reverse("opendata:catalogue")).content.decode()

    assert "licence-ouverte" in body
    assert "creativecommons" not in body
