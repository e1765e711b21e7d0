"""The map: one page gathering projects, events and facilitators, and its GeoJSON layers."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MapsConfig(AppConfig):
    name = "maps"
    verbose_name = _("Carte")

    def ready(self) -> None:
        from maps import invalidation

        invalidation.connect()
