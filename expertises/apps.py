"""App configuration for expertises."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpertisesConfig(AppConfig):
    name = "expertises"
    verbose_name = _("Recueil d'expertises")

    def ready(self) -> None:
        from expertises import receivers  # noqa: F401  (answers events.hooks.event_published)
