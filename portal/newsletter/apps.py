"""App configuration of the newsletter (a site-wide piece, hence under portal/)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    name = "portal.newsletter"
    label = "newsletter"
    verbose_name = _("Lettre d'information")
