"""App configuration for chantiers."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChantiersConfig(AppConfig):
    name = "chantiers"
    verbose_name = _("Chantiers communs")

    def ready(self) -> None:
        from chantiers.page_times import next_news_change
        from portal.page_cache import time_boundary_register

        time_boundary_register(next_news_change)
