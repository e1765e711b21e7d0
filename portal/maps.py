"""What a page hands to static/js/map.js: its layers, a point, the tiles and the marker icons.

Everything travels in data attributes of the map's element, so pages carry no inline script
and no per-response value. Layers are GeoJSON addresses (built from validated filters by the
page's view), fetched by the script; icon addresses go through the static storage, so they stay
right once ``collectstatic`` has renamed the files (Leaflet's own guess of its image path does
not survive the manifest's hashed names).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.db import models
from django.forms.utils import flatatt
from django.templatetags.static import static
from django.utils.functional import Promise as StrPromise
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

# One shape per kind of marker, so that a layer is told by its shape, not by its colour alone.
ICONS = {
    "project": "img/map/project.svg",
    "event": "img/map/event.svg",
    "event_past": "img/map/event-past.svg",
    "facilitators": "img/map/facilitators.svg",
    "point": "img/map/point.svg",
}


@dataclass(frozen=True)
class MapLayer:
    """A layer of markers: its name (the toggles' value), a label and its GeoJSON address."""

    name: str
    label: str | StrPromise
    url: str
    icon: str
    visible: bool = True

    @property
    def icon_url(self) -> str:
        return static(ICONS[self.icon])

    def as_data(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": str(self.label),
            "url": self.url,
            "icon": self.icon_url,
            "visible": self.visible,
        }


@dataclass(frozen=True)
class MapPoint:
    """A single known place (a project, an event): drawn from the page, nothing to fetch."""

    latitude: Decimal | float
    longitude: Decimal | float
    name: str
    note: str = ""

    def as_data(self) -> dict[str, Any]:
        return {
            "lat": float(self.latitude),
            "lng": float(self.longitude),
            "name": self.name,
            "note": self.note,
            "icon": static(ICONS["point"]),
        }


@dataclass(frozen=True)
class MapConfig:
    """One map of a page; ``attrs`` goes on its element: ``<div class="map" {{ map.attrs }}>``."""

    id: str
    label: str | StrPromise
    layers: list[MapLayer] = field(default_factory=list)
    point: MapPoint | None = None
    centre: tuple[Decimal | float, Decimal | float] | None = None
    zoom: int | None = None

    @property
    def attrs(self) -> SafeString:
        (south, west), (north, east) = settings.WALLONIA_BOUNDS
        data: dict[str, str] = {
            "id": self.id,
            "data-map": "",
            "role": "region",
            "aria-label": str(self.label),
            "data-tiles-url": settings.MAP_TILES_URL or "",
            "data-tiles-attribution": settings.MAP_TILES_ATTRIBUTION or "",
            "data-bounds": f"{south},{west},{north},{east}",
            "data-cluster-label": _("marqueurs regroupés, activer pour zoomer"),
            "data-error": _("Les marqueurs de la carte n'ont pas pu être chargés."),
        }
        if self.layers:
            data["data-layers"] = json.dumps([layer.as_data() for layer in self.layers])
        if self.point is not None:
            data["data-point"] = json.dumps(self.point.as_data())
        if self.centre is not None:
            data["data-centre"] = f"{float(self.centre[0])},{float(self.centre[1])}"
        if self.zoom is not None:
            data["data-zoom"] = str(self.zoom)
        return flatatt(data)  # escapes every value: the JSON arrives intact, as text

    @property
    def has_toggles(self) -> bool:
        return len(self.layers) > 1


def form_params(form: forms.Form) -> dict[str, str]:
    """The valid, non-empty values of a bound filter form as query parameters (slugs for
    model choices): what a page passes on to its map's layers. Invalid values are left out,
    as the lists ignore them."""
    if not form.is_bound:
        return {}
    form.is_valid()
    params = {}
    for name, value in getattr(form, "cleaned_data", {}).items():
        if value in (None, "", [], ()):
            continue
        if isinstance(value, models.Model):
            to_field = getattr(form.fields[name], "to_field_name", None) or "pk"
            params[name] = str(getattr(value, to_field))
        else:
            params[name] = str(value)
    return params
