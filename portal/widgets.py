"""A point picker for plain latitude/longitude inputs: Leaflet without GeoDjango, hence no GDAL."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.forms.utils import flatatt
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from portal.maps import ICONS


class PointPickerWidget(forms.Widget):
    """A small map placed next to two number inputs, which it reads and fills.

    The widget renders no input of its own: the latitude and longitude fields stay plain number
    inputs that work without JavaScript. The map is hidden until ``point-picker.js`` shows it,
    and everything the script needs travels in ``data-*`` attributes, since the
    Content-Security-Policy forbids inline script.
    """

    def __init__(
        self,
        *,
        latitude_input_id: str = "id_latitude",
        longitude_input_id: str = "id_longitude",
        attrs: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(attrs)
        self.latitude_input_id = latitude_input_id
        self.longitude_input_id = longitude_input_id

    class Media:
        css = {"all": ("vendor/leaflet/leaflet.css", "css/point-picker.css")}
        js = ("vendor/leaflet/leaflet.js", "js/point-picker.js")

    def id_for_label(self, id_: str) -> str:
        # A map is not a labelable element: it carries its own aria-label instead.
        return ""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> None:
        return None

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return True

    def map_attrs(self, attrs: dict[str, Any] | None = None) -> dict[str, Any]:
        """The data attributes that configure the map (settings are read at render time)."""
        (south, west), (north, east) = settings.WALLONIA_BOUNDS
        return {
            "data-point-picker": "",
            "data-latitude-input": self.latitude_input_id,
            "data-longitude-input": self.longitude_input_id,
            "data-tiles-url": settings.MAP_TILES_URL or "",
            "data-tiles-attribution": settings.MAP_TILES_ATTRIBUTION or "",
            "data-bounds": f"{south},{west},{north},{east}",
            "data-marker-title": str(_("Position du point (déplaçable)")),
            # Through the static storage: Leaflet's own guess of its image path breaks once
            # collectstatic has given the files hashed names.
            "data-marker-icon": static(ICONS["point"]),
            **(attrs or {}),
        }

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        map_id = final.pop("id", None) or f"id_{name}"
        help_id = f"{map_id}_help"
        # Hidden until the script runs: without JavaScript, only the two inputs show.
        return format_html(
            '<div class="point-picker" hidden>'
            '<p class="point-picker__help" id="{help_id}">{help}</p>'
            '<div class="point-picker__map" id="{map_id}" role="application" '
            'aria-label="{label}" aria-describedby="{help_id}"{attributes}></div>'
            "</div>",
            help_id=help_id,
            help=_(
                "Cliquez sur la carte pour placer le point, ou déplacez le repère ; "
                "les champs latitude et longitude se remplissent (5 décimales). "
                "Saisir des coordonnées déplace le repère."
            ),
            map_id=map_id,
            label=_("Carte de sélection du point"),
            attributes=flatatt(self.map_attrs(final)),
        )
