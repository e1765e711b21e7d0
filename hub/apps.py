"""App configuration of the roof: the pages and tools that gather from many apps."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HubConfig(AppConfig):
    name = "hub"
    verbose_name = _("Pages communes")

    def ready(self) -> None:
        from hub import checks  # noqa: F401  (registers the public-sector pages' checks)
