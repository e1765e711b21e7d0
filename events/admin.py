"""Admin of events, with the point picker for their venue."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from events.models import Event
from portal.forms import LocatedModelForm


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    form = LocatedModelForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("title", "start", "kind", "status", "province", "chantier", "capacity")
    list_select_related = ("province", "chantier")
    list_filter = ("kind", "status", "province", "chantier")
    date_hierarchy = "start"
    search_fields = ("title", "summary", "venue", "address")
    autocomplete_fields = ("chantier", "province", "organiser")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("created_at", "updated_at")
    ordering = ("-start",)
    fieldsets = (
        (None, {"fields": ("title", "slug", "kind", "status")}),
        (_("Rattachement"), {"fields": ("chantier", "province", "organiser")}),
        (_("Date et horaire"), {"fields": ("start", "end", "time_to_be_confirmed")}),
        (
            _("Lieu"),
            {
                "fields": (
                    "venue",
                    "address",
                    "online_url",
                    "latitude",
                    "longitude",
                    "point",
                    "confirm_outside_wallonia",
                )
            },
        ),
        (_("Présentation"), {"fields": ("summary", "description")}),
        (
            _("Inscriptions"),
            {"fields": ("capacity", "registration_opens_at", "registration_closes_at")},
        ),
        (_("Historique"), {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )
