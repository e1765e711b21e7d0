"""Admin of events (with the point picker for their venue and their history) and of their
registrations, both through the services the officers' space uses (``portal.admin_services``):
a new time or place is told to registrants, a cancellation sends the CANCEL invitation, more
seats promote those waiting, a registration cancelled or deleted gives its seat to the next in
line. An event with registrations is not deleted: it is cancelled, which tells them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from events.admin_exports import EventExportMixin, RegistrationExportMixin
from events.models import Event, Registration
from events.selectors import registrations_active
from events.services import (
    event_delete,
    event_save,
    registration_create,
    registration_delete,
    registration_status_change,
)
from portal.admin_history import HistoryAdmin
from portal.admin_services import ServiceAdmin, acting_user, adopt
from portal.forms import LocatedModelForm


@admin.register(Event)
class EventAdmin(EventExportMixin, ServiceAdmin, HistoryAdmin):
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
        saved = event_save(
            user=acting_user(request),
            event=obj if change else None,
            data=form.cleaned_data,
            reason=self.history_reason(form),
        )
        adopt(obj, saved)

    def delete_model(self, request: HttpRequest, obj: Event) -> None:
        event_delete(user=acting_user(request), event=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        for event in queryset:
            event_delete(user=acting_user(request), event=event)

    def deletion_blockers(self, request: HttpRequest, obj: Event) -> list[str]:
        count = registrations_active(event=obj).count()
        if not count:
            return []
        return [
            ngettext(
                "« %(title)s » : %(count)d inscription confirmée ou en attente. Annulez "
                "l'événement plutôt (statut « Annulé ») : la personne en sera avertie.",
                "« %(title)s » : %(count)d inscriptions confirmées ou en attente. Annulez "
                "l'événement plutôt (statut « Annulé ») : les personnes en seront averties.",
                count,
            )
            % {"title": obj.title, "count": count}
        ]


# --- Registrations -------------------------------------------------------------------------------

REGISTRATION_ADD_FIELDS = ("event", "user", "project", "organisation", "remarks")
REGISTRATION_FIELDS = (
    "event",
    "user",
    "status",
    "project",
    "organisation",
    "remarks",
    "registered_at",
    "waiting_since",
    "attended",
    "cancelled_at",
    "cancelled_by",
    "times_registered",
)


@admin.register(Registration)
class RegistrationAdmin(RegistrationExportMixin, ServiceAdmin):
    """Staff register someone (the rules of the event apply: window, seats, waiting list),
    cancel a registration or register again a cancelled person; the rest is the person's."""

    list_display = ("user", "event", "status", "coming_for", "registered_at", "attended")
    list_select_related = ("user", "event", "project")
    list_filter = ("status", ("event", admin.RelatedOnlyFieldListFilter))
    search_fields = ("user__email", "user__first_name", "user__last_name", "event__title")
    autocomplete_fields = ("event", "user", "project")
    date_hierarchy = "registered_at"
    ordering = ("-registered_at", "-pk")
    actions = ("cancel_selected",)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return REGISTRATION_ADD_FIELDS if obj is None else REGISTRATION_FIELDS

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        return tuple(name for name in REGISTRATION_FIELDS if name != "status")

    @admin.display(description=_("vient pour"))
    def coming_for(self, obj: Registration) -> str:
        return obj.coming_for

    def save_model(self, request: HttpRequest, obj: Registration, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            saved = registration_status_change(
                by=request.user, registration=obj, status=data["status"]
            )
        else:
            saved = registration_create(
                user=data["user"],
                event=data["event"],
                project=data.get("project"),
                organisation=data.get("organisation") or "",
                remarks=data.get("remarks") or "",
            )
        adopt(obj, saved)

    def delete_model(self, request: HttpRequest, obj: Registration) -> None:
        registration_delete(by=request.user, registration=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Registration]) -> None:
        for registration in queryset.order_by("pk"):
            registration_delete(by=request.user, registration=registration)

    @admin.action(description=_("Annuler les inscriptions sélectionnées"), permissions=["change"])
    def cancel_selected(self, request: HttpRequest, queryset: QuerySet[Registration]) -> None:
        active = list(queryset.active().order_by("pk"))  # type: ignore[attr-defined]
        for registration in active:
            registration_status_change(
                by=request.user, registration=registration, status=Registration.Status.CANCELLED
            )
        self.message_user(
            request,
            ngettext(
                "%(count)d inscription annulée ; sa place revient à la première personne en "
                "attente, prévenue par e-mail.",
                "%(count)d inscriptions annulées ; leurs places reviennent aux premières "
                "personnes en attente, prévenues par e-mail.",
                len(active),
            )
            % {"count": len(active)},
            messages.SUCCESS,
        )
