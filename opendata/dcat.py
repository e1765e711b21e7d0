"""The DCAT-AP catalogue (JSON-LD) of the datasets, with the API as a data service.

The context is written inline, so that a harvester (or a test) never has to fetch it.
Vocabularies: EU publications office authority tables for languages, file types, themes and
access rights; IANA for media types.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.encoding import force_str

from opendata.datasets import DATASETS, Dataset
from opendata.fields import absolute

EU = "http://publications.europa.eu/resource/authority"
IANA = "https://www.iana.org/assignments/media-types"
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
# Format name in the address, EU file type, IANA media type.
FORMATS = [
    ("csv", "CSV", "text/csv"),
    ("json", "JSON", "application/json"),
    ("geojson", "GEOJSON", "application/geo+json"),
]


def _fr(text: Any) -> dict[str, str]:
    return {"@value": force_str(text), "@language": "fr"}


def _when(moment: datetime.datetime) -> dict[str, str]:
    return {"@value": moment.isoformat(), "@type": "xsd:dateTime"}


def _iri(address: str) -> dict[str, str]:
    return {"@id": address}


def download_url(dataset: Dataset, fmt: str) -> str:
    return absolute(reverse("opendata:download_" + fmt, kwargs={"slug": dataset.slug}))


def dataset_iri(dataset: Dataset) -> str:
    return absolute(reverse("opendata:index")) + f"#jeu-{dataset.slug}"


def _publisher() -> dict[str, Any]:
    return {
        "@id": absolute("/") + "#editeur",
        "@type": "foaf:Agent",
        "foaf:name": settings.OPEN_DATA_PUBLISHER,
        "foaf:homepage": _iri(absolute("/")),
    }


def _distributions(dataset: Dataset, modified: datetime.datetime) -> list[dict[str, Any]]:
    result = []
    for fmt, file_type, media_type in FORMATS:
        if fmt == "geojson" and not dataset.located:
            continue
        url = download_url(dataset, fmt)
        distribution = {
            "@id": url,
            "@type": "dcat:Distribution",
            "dct:title": _fr(f"{dataset.title} ({file_type})"),
            "dcat:accessURL": _iri(url),
            "dcat:downloadURL": _iri(url),
            "dcat:mediaType": _iri(f"{IANA}/{media_type}"),
            "dct:format": _iri(f"{EU}/file-type/{file_type}"),
            "dct:license": _iri(settings.OPEN_DATA_LICENSE_URL),
            "dct:modified": _when(modified),
        }
        if fmt == "csv":
            schema = absolute(reverse("opendata:schema", kwargs={"slug": dataset.slug}))
            distribution["dct:conformsTo"] = _iri(schema)
        result.append(distribution)
    api = absolute(reverse(f"api:{dataset.slug}-list"))
    result.append(
        {
            "@id": api,
            "@type": "dcat:Distribution",
            "dct:title": _fr(f"{dataset.title} (API)"),
            "dcat:accessURL": _iri(api),
            "dcat:accessService": _iri(_service_iri()),
            "dcat:mediaType": _iri(f"{IANA}/application/json"),
            "dct:format": _iri(f"{EU}/file-type/JSON"),
            "dct:license": _iri(settings.OPEN_DATA_LICENSE_URL),
            "dct:modified": _when(modified),
        }
    )
    return result


def _service_iri() -> str:
    return absolute(reverse("api:api-root"))


def catalogue(*, modified: dict[str, datetime.datetime]) -> dict[str, Any]:
    """The catalogue; ``modified`` gives each dataset's last change (by slug)."""
    contact = {
        "@type": "vcard:Organization",
        "vcard:fn": settings.OPEN_DATA_PUBLISHER,
        "vcard:hasURL": _iri(absolute("/")),
    }
    language = _iri(f"{EU}/language/FRA")
    datasets = [
        {
            "@id": dataset_iri(dataset),
            "@type": "dcat:Dataset",
            "dct:identifier": dataset_iri(dataset),
            "dct:title": _fr(dataset.title),
            "dct:description": _fr(dataset.description),
            "dcat:keyword": [_fr(k) for k in dataset.keywords],
            "dcat:theme": _iri(f"{EU}/data-theme/AGRI"),
            "dct:publisher": _publisher(),
            "dcat:contactPoint": contact,
            "dct:language": language,
            "dct:accessRights": _iri(f"{EU}/access-right/PUBLIC"),
            "dct:modified": _when(modified[slug]),
            "dcat:landingPage": _iri(absolute(reverse("opendata:index"))),
            "dcat:distribution": _distributions(dataset, modified[slug]),
        }
        for slug, dataset in DATASETS.items()
    ]
    service = {
        "@id": _service_iri(),
        "@type": "dcat:DataService",
        "dct:title": _fr("API des Chantiers communs"),
        "dcat:endpointURL": _iri(_service_iri()),
        "dcat:endpointDescription": _iri(absolute(reverse("api:openapi-json"))),
        "dcat:servesDataset": [_iri(dataset_iri(d)) for d in DATASETS.values()],
        "dct:license": _iri(settings.OPEN_DATA_LICENSE_URL),
        "dct:publisher": _publisher(),
    }
    return {
        "@context": CONTEXT,
        "@id": absolute(reverse("opendata:catalogue")),
        "@type": "dcat:Catalog",
        "dct:title": _fr("Données ouvertes des Chantiers communs"),
        "dct:description": _fr(
            "Les données publiques du portail des chantiers communs des projets de "
            "relocalisation de l'alimentation en Wallonie (Cellule Manger Demain)."
        ),
        "dct:publisher": _publisher(),
        "dct:language": language,
        "dct:license": _iri(settings.OPEN_DATA_LICENSE_URL),
        "foaf:homepage": _iri(absolute(reverse("opendata:index"))),
        "dct:modified": _when(max(modified.values())),
        "dcat:dataset": datasets,
        "dcat:service": [service],
    }
