"""The columns of the chantiers' and news' exports (django-import-export resources)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from import_export import resources

from chantiers.models import Chantier, News, Resource, Step
from portal.exports import text, when


class ChantierResource(resources.ModelResource):
    """One row per chantier, its steps and resources one per line in their cells."""

    title = text("title", _("Titre"))
    status = text("get_status_display", _("Statut"))
    summary = text("summary", _("Résumé"))
    objective = text("objective", _("Objectif"))
    projects = text("pk", _("Projets participants"))
    steps = text("pk", _("Étapes"))
    resources = text("pk", _("Ressources"))
    updated_at = when("updated_at", _("Modifié le"))

    class Meta:
        model = Chantier
        fields = (
            "title",
            "status",
            "summary",
            "objective",
            "projects",
            "steps",
            "resources",
            "updated_at",
        )
        export_order = fields

    def get_export_queryset(self) -> QuerySet[Chantier]:
        # Typed Any: django-stubs 5.2 cannot infer Prefetch's generic parameters from a str.
        lookups: list[Any] = [
            Prefetch("steps", queryset=Step.objects.order_by("order", "pk")),
            Prefetch(
                "resources",
                queryset=Resource.objects.select_related("provider").order_by("order", "pk"),
            ),
            "participations__project",
        ]
        return Chantier.objects.prefetch_related(*lookups)

    def dehydrate_projects(self, chantier: Chantier) -> str:
        return "; ".join(
            f"{p.project.name} ({p.get_role_display()})" for p in chantier.participations.all()
        )

    def dehydrate_steps(self, chantier: Chantier) -> str:
        return "\n".join(
            f"{step.order}. {step.title} – {step.get_status_display()} ({step.when()})"
            for step in chantier.steps.all()
        )

    def dehydrate_resources(self, chantier: Chantier) -> str:
        return "\n".join(
            " – ".join(
                part
                for part in (
                    resource.title,
                    resource.provider.name if resource.provider else "",
                    resource.url,
                )
                if part
            )
            for resource in chantier.resources.all()
        )


class NewsResource(resources.ModelResource):
    title = text("title", _("Titre"))
    chantier = text("chantier__title", _("Chantier"))
    province = text("province__name", _("Province"))
    summary = text("summary", _("Résumé"))
    published_at = when("published_at", _("Publiée le"))
    author = text("author", _("Auteur·rice"))
    body = text("body", _("Texte"))

    class Meta:
        model = News
        fields = ("title", "chantier", "province", "summary", "published_at", "author", "body")
        export_order = fields

    def get_export_queryset(self) -> Any:
        return News.objects.select_related("chantier", "province", "author")
