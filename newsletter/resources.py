"""The columns of the subscribers' export (django-import-export resource)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from import_export import resources

from newsletter.models import Subscriber
from portal.exports import names, text, when


class SubscriberResource(resources.ModelResource):
    email = text("email", _("Adresse e-mail"))
    status = text("get_status_display", _("Statut"))
    provinces = names("provinces", _("Provinces"), lambda province: province.name)
    chantiers = names("chantiers", _("Chantiers"), lambda chantier: chantier.title)
    consent_at = when("consent_at", _("Consentement donné le"))
    consent_source = text("consent_source", _("Origine du consentement"))
    unsubscribed_at = when("unsubscribed_at", _("Désinscrit·e le"))
    created_at = when("created_at", _("Créé le"))

    class Meta:
        model = Subscriber
        fields = (
            "email",
            "status",
            "provinces",
            "chantiers",
            "consent_at",
            "consent_source",
            "unsubscribed_at",
            "created_at",
        )
        export_order = fields

    def get_export_queryset(self) -> Any:
        return Subscriber.objects.prefetch_related("provinces", "chantiers")
