"""Admin of the provinces and of who follows them for the Cellule (each officer added or
removed through ``territoires.services``, which tells a new one by email)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from portal.admin_history import HistoryAdmin
from portal.admin_services import ServiceAdmin, acting_user
from territoires.models import Province
from territoires.services import province_officers_set


@admin.register(Province)
class ProvinceAdmin(ServiceAdmin, HistoryAdmin):
    list_display = ("name", "code", "order", "officer_list", "project_count")
    list_display_links = ("name",)
    list_editable = ("order",)
    search_fields = ("name", "code")
    list_filter = (("officers", admin.RelatedOnlyFieldListFilter),)
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("officers",)
    ordering = ("order", "name")
    fieldsets = (
        (None, {"fields": ("name", "slug", "code", "order")}),
        (_("Présentation"), {"fields": ("description",)}),
        (_("Suivi par la Cellule"), {"fields": ("officers",)}),
        (
            _("Carte"),
            {
                "fields": (("centre_latitude", "centre_longitude"), "zoom"),
                "description": _("Le centre et le zoom de la carte de la province."),
            },
        ),
    )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The officers are not written by the form's save_m2m but by their service.
        # Before the history's entry of this save, which save_related writes.
        officers = form.cleaned_data.pop("officers", None)
        if officers is not None:
            province_officers_set(
                by=acting_user(request),
                province=form.instance,
                users=officers,
                reason=self.history_reason(form),
            )
        super().save_related(request, form, formsets, change)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Province]:
        return (
            super()
            .get_queryset(request)
            .prefetch_related("officers")
            .annotate(project_count=Count("projects", distinct=True))
        )

    @admin.display(description=_("chargé·es de mission"))
    def officer_list(self, obj: Province) -> str:
        return ", ".join(str(user) for user in obj.officers.all()) or "—"

    @admin.display(description=_("projets"), ordering="project_count")
    def project_count(self, obj: Province) -> int:
        return obj.project_count  # type: ignore[attr-defined]
