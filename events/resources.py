"""The columns of the events' and registrations' exports (django-import-export resources)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from import_export import resources

from events.models import Event, Registration
from portal.exports import text, when, yes_no


class EventResource(resources.ModelResource):
    title = text("title", _("Titre"))
    kind = text("get_kind_display", _("Type"))
    status = text("get_status_display", _("Statut"))
    chantier = text("chantier__title", _("Chantier"))
    province = text("province__name", _("Province"))
    start = when("start", _("Début"))
    end = when("end", _("Fin"))
    venue = text("venue", _("Lieu"))
    address = text("address", _("Adresse"))
    online_url = text("online_url", _("Lien de la réunion en ligne"))
    capacity = text("capacity", _("Places"))
    seats_taken = text("seats_taken", _("Places occupées"))
    confirmed = text("confirmed_count", _("Inscriptions confirmées"))
    waiting = text("waiting_count", _("En liste d'attente"))

    class Meta:
        model = Event
        fields = (
            "title",
            "kind",
            "status",
            "chantier",
            "province",
            "start",
            "end",
            "venue",
            "address",
            "online_url",
            "capacity",
            "seats_taken",
            "confirmed",
            "waiting",
        )
        export_order = fields

    def get_export_queryset(self) -> Any:
        from django.db.models import Count, Q

        confirmed = Registration.Status.CONFIRMED
        waiting = Registration.Status.WAITING
        return Event.objects.select_related("chantier", "province").annotate(
            confirmed_count=Count("registrations", filter=Q(registrations__status=confirmed)),
            waiting_count=Count("registrations", filter=Q(registrations__status=waiting)),
        )


class RegistrationResource(resources.ModelResource):
    event = text("event__title", _("Événement"))
    event_start = when("event__start", _("Date de l'événement"))
    name = text("user__get_full_name", _("Nom"))
    email = text("user__email", _("Adresse e-mail"))
    project = text("project__name", _("Projet"))
    organisation = text("organisation", _("Autre organisation"))
    status = text("get_status_display", _("Statut"))
    registered_at = when("registered_at", _("Inscrit·e le"))
    waiting_since = when("waiting_since", _("En liste d'attente depuis"))
    attended = yes_no("attended", _("Présence"))
    cancelled_at = when("cancelled_at", _("Annulée le"))
    remarks = text("remarks", _("Besoins / remarques"))

    class Meta:
        model = Registration
        fields = (
            "event",
            "event_start",
            "name",
            "email",
            "project",
            "organisation",
            "status",
            "registered_at",
            "waiting_since",
            "attended",
            "cancelled_at",
            "remarks",
        )
        export_order = fields

    def get_export_queryset(self) -> Any:
        return Registration.objects.select_related("event", "user", "project")
