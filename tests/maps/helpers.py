"""Reading a page's maps the way static/js/map.js does: data attributes, then the layers."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from http import HTTPStatus
from typing import Any

from django.test import Client


class _Maps(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.maps: dict[str, dict[str, str | None]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if "data-map" in found and found.get("id"):
            self.maps[str(found["id"])] = found


def map_attrs(response: Any, map_id: str) -> dict[str, str | None]:
    parser = _Maps()
    parser.feed(response.content.decode())
    return parser.maps[map_id]


def map_layers(response: Any, map_id: str) -> dict[str, dict[str, Any]]:
    """The layers a page hands to its map, by name."""
    layers = json.loads(map_attrs(response, map_id).get("data-layers") or "[]")
    return {layer["name"]: layer for layer in layers}


def features(client: Client, url: str) -> list[dict[str, Any]]:
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    assert response["Content-Type"] == "application/geo+json"
    collection = json.loads(response.content)
    assert collection["type"] == "FeatureCollection"
    return collection["features"]


def feature_names(client: Client, url: str) -> list[str]:
    return [feature["properties"]["name"] for feature in features(client, url)]


def layer_names(client: Client, response: Any, map_id: str, layer: str) -> list[str]:
    """The names on one layer of a page's map, fetched as the browser would."""
    return feature_names(client, map_layers(response, map_id)[layer]["url"])
