"""A glimpse of the map for the home page: the located projects and the provinces drawn as a
small SVG, computed on the server, with no tiles and no script (the map itself is /carte/)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Min, QuerySet
from django.utils.safestring import SafeString, mark_safe

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
# The preview reads at most this many distinct spots (one query, bounded, whatever the data).
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
    located_count: int  # the projects at those spots

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def dots(self) -> SafeString:
        """The points as SVG circles, written here rather than by a template loop (up to
        ``MAX_POINTS`` of them): numbers only, nothing to escape."""
        return mark_safe(
            "".join(
                f'<circle class="map-preview__point" cx="{p.x}" cy="{p.y}" r="4"/>'
                for p in self.points
            )
        )


def _project(latitude: Decimal | float, longitude: Decimal | float) -> Point | None:
    lat, lon = float(latitude), float(longitude)
    if not (SOUTH <= lat <= NORTH and WEST <= lon <= EAST):
        return None
    x = (lon - WEST) / (EAST - WEST) * WIDTH
    y = (NORTH - lat) / (NORTH - SOUTH) * HEIGHT
    return Point(round(x, 1), round(y, 1))


def _located() -> QuerySet[Any]:
    """The distinct spots of the located public projects inside the box, each with how many
    projects stand there, in the order of their first project: grouped in SQL, so that the
    page reads as many rows as there are spots, not one per project."""
    return (
        Project.objects.public()
        .located()
        .filter(
            latitude__range=(Decimal(str(SOUTH)), Decimal(str(NORTH))),
            longitude__range=(Decimal(str(WEST)), Decimal(str(EAST))),
        )
        .values("latitude", "longitude")
        .annotate(projects=Count("pk"), first=Min("pk"))
        .order_by("first")
        .values_list("latitude", "longitude", "projects")[:MAX_POINTS]
    )


def map_preview(provinces: Iterable[Province] | None = None) -> MapPreview:
    """The located public projects as dots and the provinces' names at their centres (two
    queries; one when the page passes the provinces it reads anyway)."""
    rows = prepared_list("hub.map_preview.points", _located).tuples()
    points: list[Point] = []
    located_count = 0
    for lat, lon, projects in rows:
        point = _project(lat, lon)
        if point is not None:
            points.append(point)
            located_count += projects
    # Spots at the same tenth of a pixel are drawn as one dot: the same picture, and the
    # page does not grow with projects that share an address.
    drawn = list(dict.fromkeys(points))
    labels = []
    for province in Province.objects.all() if provinces is None else provinces:
        centre = _project(province.centre_latitude, province.centre_longitude)
        if centre is not None:
            labels.append(Label(centre.x, centre.y, province.name, province.get_absolute_url()))
    return MapPreview(WIDTH, HEIGHT, drawn, labels, located_count)
