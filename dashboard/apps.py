"""The dashboard of the staff (in the admin) and of the territorial officers (in "Mon espace")."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("Tableau de bord")
