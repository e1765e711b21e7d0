"""Admin of the expertise catalogue: categories, facilitators (with CSV import and export),
the projects' needs and offers, and the workshop proposals with their supports.

Needs, offers and proposals change through ``expertises.services``, as from the leaders' space:
an offer saved here tells the leaders of the open needs it fits; a need is answered, and a
proposal scheduled or set aside, by the list's actions (their status is read only here)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from expertises.admin_actions import decline_proposals, mark_needs_answered, schedule_proposal
from expertises.imports import (
    COLUMNS,
    MAX_IMPORT_BYTES,
    REQUIRED_COLUMNS,
    FacilitatorImportReport,
    facilitator_export_csv,
    facilitator_import_csv,
)
from expertises.models import Category, Facilitator, Need, Offer, Support, WorkshopProposal
from expertises.services import (
    facilitator_published,
    need_create,
    need_delete,
    need_update,
    offer_create,
    offer_delete,
    offer_update,
)
from portal.admin_imports import CsvImportMixin
from portal.admin_services import ServiceAdmin, acting_user, adopt
from portal.signals import rows_changed
from territoires.models import Province


def _csv_response(facilitators: QuerySet[Facilitator]) -> HttpResponse:
    loaded = facilitators.select_related("organisation").prefetch_related("categories", "provinces")
    response = HttpResponse(
        facilitator_export_csv(facilitators=loaded), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="facilitateurs-{stamp}.csv"'
    return response


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "order", "facilitator_count")
    list_editable = ("order",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    ordering = ("order", "name")
    fields = ("name", "slug", "order")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Category]:
        return super().get_queryset(request).annotate(facilitator_count=Count("facilitators"))

    @admin.display(description=_("facilitateurs"), ordering="facilitator_count")
    def facilitator_count(self, obj: Category) -> int:
        return obj.facilitator_count  # type: ignore[attr-defined]


@admin.register(Facilitator)
class FacilitatorAdmin(CsvImportMixin, ServiceAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    change_list_template = "admin/expertises/facilitator/change_list.html"
    import_template = "admin/expertises/facilitator/import.html"
    list_display = (
        "name",
        "organisation_label",
        "cost",
        "covers_all_wallonia",
        "is_published",
        "last_reviewed",
    )
    list_select_related = ("organisation",)
    list_filter = ("is_published", "cost", "categories", "covers_all_wallonia", "provinces")
    search_fields = ("name", "offer", "audience", "organisation__name", "organisation_name")
    autocomplete_fields = ("organisation", "provinces")
    filter_horizontal = ("categories",)
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created_at", "updated_at")
    ordering = ("name",)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Categories and provinces are saved now: tell the open needs this entry now matches.
        if form.instance.is_published:
            facilitator_published(facilitator=form.instance)

    actions = ("mark_reviewed_today", "export_csv")
    fieldsets = (
        (None, {"fields": ("name", "slug", "is_published", "last_reviewed")}),
        (_("Organisation"), {"fields": ("organisation", "organisation_name")}),
        (_("Offre"), {"fields": ("offer", "categories", "audience", "cost")}),
        (_("Territoire"), {"fields": ("covers_all_wallonia", "provinces")}),
        (
            _("Contact et liens"),
            {"fields": ("contact_name", "contact_email", "contact_phone", "website", "links")},
        ),
        (_("Historique"), {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )

    @admin.display(description=_("organisation"), ordering="organisation__name")
    def organisation_label(self, obj: Facilitator) -> str:
        return obj.organisation.name if obj.organisation else obj.organisation_name

    @admin.action(description=_("Marquer comme vérifié aujourd'hui"), permissions=["change"])
    def mark_reviewed_today(self, request: HttpRequest, queryset: QuerySet[Facilitator]) -> None:
        # A plain field update with no side effect: no service needed (see STYLE.md).
        count = queryset.update(last_reviewed=timezone.localdate(), updated_at=timezone.now())
        rows_changed.send(sender=queryset.model)
        self.message_user(
            request,
            ngettext(
                "%(count)d fiche marquée comme vérifiée aujourd'hui.",
                "%(count)d fiches marquées comme vérifiées aujourd'hui.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Exporter en CSV"), permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Facilitator]) -> HttpResponse:
        return _csv_response(queryset)

    # --- CSV import and export ---------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        # Before the default URLs, whose "<path:object_id>/" would swallow "export/".
        return [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="expertises_facilitator_export",
            ),
            *super().get_urls(),
        ]

    def export_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return _csv_response(Facilitator.objects.order_by("name"))

    import_title = _("Importer des facilitateurs depuis un fichier CSV")
    import_max_bytes = MAX_IMPORT_BYTES

    def import_csv(self, data: bytes) -> FacilitatorImportReport:
        return facilitator_import_csv(file=data)

    def import_context(self) -> dict[str, Any]:
        return {
            "columns": COLUMNS,
            "required_columns": REQUIRED_COLUMNS,
            "provinces": Province.objects.values_list("name", flat=True),
            "categories": Category.objects.values_list("name", flat=True),
        }

    def import_failed_message(self, count: int) -> str:
        return ngettext(
            "Aucun facilitateur n'a été importé : le fichier contient %(count)d erreur.",
            "Aucun facilitateur n'a été importé : le fichier contient %(count)d erreurs.",
            count,
        ) % {"count": count}

    def import_succeeded_message(self, count: int) -> str:
        return ngettext(
            "%(count)d facilitateur importé et publié.",
            "%(count)d facilitateurs importés et publiés.",
            count,
        ) % {"count": count}

    def import_success_url(self) -> str:
        return reverse(f"{self.admin_site.name}:expertises_facilitator_changelist")


@admin.register(Offer)
class OfferAdmin(ServiceAdmin):
    list_display = ("project", "category", "updated_at")
    list_select_related = ("project", "category")
    list_filter = ("category",)
    search_fields = ("project__name", "description")
    autocomplete_fields = ("project",)
    ordering = ("category__order", "project__name")
    fields = ("project", "category", "description")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("project",) if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: Offer, form: Any, change: bool) -> None:
        by, data = acting_user(request), form.cleaned_data
        if change:
            saved = offer_update(user=by, offer=obj, data=data)
        else:
            saved = offer_create(user=by, project=data["project"], data=data)
        adopt(obj, saved)

    def delete_model(self, request: HttpRequest, obj: Offer) -> None:
        offer_delete(user=acting_user(request), offer=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Offer]) -> None:
        for offer in queryset.select_related("project"):
            offer_delete(user=acting_user(request), offer=offer)


@admin.register(Need)
class NeedAdmin(ServiceAdmin):
    """Read-mostly: leaders write their needs from their space."""

    list_display = ("project", "category", "province", "urgency", "status", "created_at")
    list_select_related = ("project", "category", "province")
    list_filter = ("status", "category", "province", "urgency")
    search_fields = ("project__name", "description")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    fields = (
        "project",
        "category",
        "province",
        "description",
        "urgency",
        "status",
        "created_by",
        "created_at",
        "updated_at",
        "answered_at",
        "answered_by",
    )
    readonly_fields = (
        "status",
        "created_by",
        "created_at",
        "updated_at",
        "answered_at",
        "answered_by",
    )
    autocomplete_fields = ("project",)
    actions = (mark_needs_answered,)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        return (*fields, "project") if obj is not None else fields

    def save_model(self, request: HttpRequest, obj: Need, form: Any, change: bool) -> None:
        by, data = acting_user(request), form.cleaned_data
        if change:
            saved = need_update(user=by, need=obj, data=data)
        else:
            saved = need_create(user=by, project=data["project"], data=data)
        adopt(obj, saved)

    def delete_model(self, request: HttpRequest, obj: Need) -> None:
        need_delete(user=acting_user(request), need=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Need]) -> None:
        for need in queryset:
            need_delete(user=acting_user(request), need=need)


class SupportInline(admin.TabularInline):
    model = Support
    fields = ("user", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("user",)
    extra = 0


@admin.register(WorkshopProposal)
class WorkshopProposalAdmin(ServiceAdmin):
    """Scheduled (with the notice to supporters) or set aside by the list's actions only."""

    actions = (schedule_proposal, decline_proposals)
    list_display = ("title", "chantier", "status", "support_count", "created_at")
    list_select_related = ("chantier",)
    list_filter = ("status",)
    search_fields = ("title", "description")
    ordering = ("-created_at",)
    readonly_fields = ("status", "event", "proposed_by", "created_at", "updated_at")
    autocomplete_fields = ("chantier",)
    inlines = (SupportInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[WorkshopProposal]:
        return super().get_queryset(request).annotate(support_count=Count("supports"))

    @admin.display(description=_("soutiens"), ordering="support_count")
    def support_count(self, obj: WorkshopProposal) -> int:
        return obj.support_count  # type: ignore[attr-defined]


@admin.register(Support)
class SupportAdmin(admin.ModelAdmin):
    list_display = ("user", "proposal", "created_at")
    list_select_related = ("user", "proposal")
    search_fields = ("user__email", "proposal__title")
    autocomplete_fields = ("user", "proposal")
    ordering = ("-created_at",)
