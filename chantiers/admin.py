"""Admin of the chantiers, edited in one page with their resources, steps and projects; and news,
written and published through the services the officers' space uses (``chantiers.services``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count, QuerySet
from django.forms import NumberInput, Textarea, TextInput, URLInput
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chantiers.admin_exports import ChantierExportMixin, NewsExportMixin
from chantiers.models import Chantier, News, Participation, Partnership, Resource, Step
from chantiers.services import RESERVED_SLUGS, news_delete, news_save
from portal.admin_history import HistoryAdmin
from portal.admin_services import ServiceAdmin, acting_user, adopt


class ResourceInline(admin.StackedInline):
    """Stacked, three short lines a resource, to fit the page at 1,366 px."""

    model = Resource
    fields = (("order", "title"), ("url", "page"), "provider", "description")
    autocomplete_fields = ("provider",)
    formfield_overrides = {
        models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 80})},
        models.CharField: {"widget": TextInput(attrs={"size": 60})},
        # A plain input: the admin's link widget adds "Actuellement : <the link>" before it.
        models.URLField: {"assume_scheme": "https", "widget": URLInput(attrs={"size": 40})},
        models.PositiveSmallIntegerField: {"widget": NumberInput(attrs={"class": "vSmallField"})},
    }
    extra = 0


class StepInline(admin.StackedInline):
    """Stacked, four short lines a step: as a table its ten columns made the page 2,060 px wide
    at 1,366 (tests/e2e/test_admin_fits.py measures it)."""

    model = Step
    fields = (
        ("order", "title"),
        ("status", "current_status", "event"),
        ("start_date", "end_date", "date_precision", "is_continuous"),
        "description",
    )
    readonly_fields = ("current_status",)
    autocomplete_fields = ("event",)
    formfield_overrides = {
        models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 80})},
        models.CharField: {"widget": TextInput(attrs={"size": 60})},
        models.PositiveSmallIntegerField: {"widget": NumberInput(attrs={"class": "vSmallField"})},
    }
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[Step]:
        # The current status reads the dates of the step's event.
        return super().get_queryset(request).select_related("event")

    @admin.display(description=_("statut affiché"))
    def current_status(self, obj: Step | None) -> str:
        # What the pages show: the status set here, or "done" once the step's event took place.
        if obj is None or obj.pk is None:
            return "—"
        return str(obj.current_status.label)


class PartnershipInline(admin.TabularInline):
    model = Partnership
    fields = ("order", "organisation", "role")
    autocomplete_fields = ("organisation",)
    extra = 0


class ChantierParticipationInline(admin.TabularInline):
    model = Participation
    fields = ("project", "role")
    autocomplete_fields = ("project",)
    extra = 0
    verbose_name = _("projet participant")
    verbose_name_plural = _("projets participants")


@admin.register(Chantier)
class ChantierAdmin(ChantierExportMixin, HistoryAdmin):
    list_display = ("title", "status", "order", "resource_count", "step_count", "project_count")
    list_editable = ("order",)
    list_filter = ("status",)
    search_fields = ("title", "summary", "objective")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("created_at", "updated_at")
    ordering = ("order", "title")
    inlines = (ResourceInline, PartnershipInline, StepInline, ChantierParticipationInline)
    fieldsets = (
        (None, {"fields": ("title", "slug", "status", "order")}),
        (_("Présentation"), {"fields": ("summary", "objective", "description")}),
        (_("Historique"), {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Chantier]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                resource_count=Count("resources", distinct=True),
                step_count=Count("steps", distinct=True),
                project_count=Count("participations", distinct=True),
            )
        )

    @admin.display(description=_("ressources"), ordering="resource_count")
    def resource_count(self, obj: Chantier) -> int:
        return obj.resource_count  # type: ignore[attr-defined]

    @admin.display(description=_("étapes"), ordering="step_count")
    def step_count(self, obj: Chantier) -> int:
        return obj.step_count  # type: ignore[attr-defined]

    @admin.display(description=_("projets"), ordering="project_count")
    def project_count(self, obj: Chantier) -> int:
        return obj.project_count  # type: ignore[attr-defined]


class NewsPublicationFilter(admin.SimpleListFilter):
    title = _("publication")
    parameter_name = "publication"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("published", _("Publiée")),
            ("scheduled", _("Programmée")),
            ("draft", _("Brouillon")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[News]) -> QuerySet[News]:
        now = timezone.now()
        if self.value() == "published":
            return queryset.filter(published_at__lte=now)
        if self.value() == "scheduled":
            return queryset.filter(published_at__gt=now)
        if self.value() == "draft":
            return queryset.filter(published_at__isnull=True)
        return queryset


class NewsAdminForm(forms.ModelForm):
    class Meta:
        model = News
        fields = (
            "title",
            "slug",
            "published_at",
            "chantier",
            "province",
            "summary",
            "body",
            "author",
        )

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(
                _("« %(slug)s » est réservé aux adresses des flux : choisissez-en un autre."),
                params={"slug": slug},
                code="reserved",
            )
        return slug


@admin.register(News)
class NewsAdmin(NewsExportMixin, ServiceAdmin, HistoryAdmin):
    form = NewsAdminForm
    list_display = ("title", "published_at", "province", "chantier", "author")
    list_select_related = ("province", "chantier", "author")
    list_filter = (NewsPublicationFilter, "province", "chantier")
    search_fields = ("title", "summary", "body")
    autocomplete_fields = ("chantier", "province", "author")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "published_at"
    ordering = ("-published_at", "-created_at")
    fieldsets = (
        (None, {"fields": ("title", "slug", "published_at")}),
        (_("Rattachement"), {"fields": ("chantier", "province")}),
        (_("Contenu"), {"fields": ("summary", "body")}),
        (
            _("Historique"),
            {"fields": ("author", "created_at", "updated_at"), "classes": ("collapse",)},
        ),
    )

    def save_model(self, request: HttpRequest, obj: News, form: Any, change: bool) -> None:
        saved = news_save(
            user=acting_user(request),
            news=obj if change else None,
            data=form.cleaned_data,
            reason=self.history_reason(form),
        )
        adopt(obj, saved)

    def delete_model(self, request: HttpRequest, obj: News) -> None:
        news_delete(user=acting_user(request), news=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[News]) -> None:
        for news in queryset:
            news_delete(user=acting_user(request), news=news)
