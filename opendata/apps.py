"""The open data of the portal: downloads, the DCAT-AP catalogue and the read-only API."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "opendata"
    verbose_name = _("Données ouvertes")
