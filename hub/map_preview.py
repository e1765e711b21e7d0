"""A glimpse of the map for the home page: the located projects and the provinces drawn as a
small SVG, computed on the server, with no tiles and no script (the map itself is /carte/)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from portal.prepared_lists import prepared_list
from projets.models import Project
from territoires.models import Province

# Wallonia's bounding box (degrees), with a margin; points outside it are left out.
WEST, EAST = 2.80, 6.45
SOUTH, NORTH = 49.45, 50.85
# The SVG's width; its height keeps the proportions of the box at Wallonia's latitude.
WIDTH = 360
_LON_SCALE = math.cos(math.radians((SOUTH + NORTH) / 2))
HEIGHT = round(WIDTH * (NORTH - SOUTH) / ((EAST - WEST) * _LON_SCALE))
# The preview draws at most this many projects (one query, bounded, whatever the data).
MAX_POINTS = 300


@dataclass(frozen=True)
class Point:
    x: float
    y: float


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    url: str


@dataclass(frozen=True)
class MapPreview:
    width: int
    height: int
    points: list[Point]  # one per distinct spot
    labels: list[Label]
    located_count: int

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


def _project(latitude: Decimal | float, longitude: Decimal | float) -> Point | None:
    lat, lon = float(latitude), float(longitude)
    if not (SOUTH <= lat <= NORTH and WEST <= lon <= EAST):
        return None
    x = (lon - WEST) / (EAST - WEST) * WIDTH
    y = (NORTH - lat) / (NORTH - SOUTH) * HEIGHT
    return Point(round(x, 1), round(y, 1))


def _located() -> QuerySet[Any]:
    return (
        Project.objects.public()
        .located()
        .order_by("pk")
        .values_list("latitude", "longitude")[:MAX_POINTS]
    )


def map_preview(provinces: Iterable[Province] | None = None) -> MapPreview:
    """The located public projects as dots and the provinces' names at their centres (two
    queries; one when the page passes the provinces it reads anyway)."""
    rows = prepared_list("hub.map_preview.points", _located).tuples()
    located = ((lat, lon) for lat, lon in rows if lat is not None and lon is not None)
    points = [p for p in (_project(lat, lon) for lat, lon in located) if p is not None]
    # Projects at the same spot (the same tenth of a pixel) are drawn as one dot: the
    # same picture, and the page does not grow with projects that share an address.
    drawn = list(dict.fromkeys(points))
    labels = []
    for province in Province.objects.all() if provinces is None else provinces:
        centre = _project(province.centre_latitude, province.centre_longitude)
        if centre is not None:
            labels.append(Label(centre.x, centre.y, province.name, province.get_absolute_url()))
    return MapPreview(WIDTH, HEIGHT, drawn, labels, len(points))
