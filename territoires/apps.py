"""App configuration for territoires."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoiresConfig(AppConfig):
    name = "territoires"
    verbose_name = _("Territoires")
