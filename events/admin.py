"""Admin of events, with the point picker for their venue and their history."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from events.models import Event
from portal.forms import LocatedModelForm


@admin.register(Event)
class EventAdmin(SimpleHistoryAdmin):
    form = LocatedModelForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("title", "start", "kind", "status", "province", "chantier", "capacity")
    list_select_related = ("province", "chantier")
    list_filter = ("kind", "status", "province", "chantier")
    date_hierarchy = "start"
    search_fields = ("title", "summary", "venue", "address")
    autocomplete_fields = ("chantier", "province", "organiser")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("created_by", "created_at", "updated_at")
    # The history page ("Historique", top right) lists who created, changed, published or
    # cancelled the event and when; the services write why ("Publication", "Annulation"…).
    history_list_display = ("status", "start")
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
        (
            _("Historique"),
            {"fields": ("created_by", "created_at", "updated_at"), "classes": ("collapse",)},
        ),
    )

    def save_model(self, request: HttpRequest, obj: Event, form: Any, change: bool) -> None:
        if not change and obj.created_by_id is None:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)
