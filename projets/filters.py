"""Filters of the project list: province, type, chantier and a free-text search."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from chantiers.models import Chantier
from portal.filter_choices import PlainTextInput, PreparedModelChoiceFilter
from projets.models import Project, ProjectType
from territoires.models import Province


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Rechercher"),
        method="filter_search",
        max_length=100,
        widget=PlainTextInput(attrs={"type": "search", "placeholder": _("Nom, porteur, commune…")}),
    )
    # The options are read by statements compiled once (the page is built on every miss).
    province = PreparedModelChoiceFilter(
        statement="projets.filter.province",
        label=_("Province"),
        queryset=Province.objects.all(),
        to_field_name="slug",
        empty_label=_("Toutes les provinces"),
    )
    type = PreparedModelChoiceFilter(
        statement="projets.filter.type",
        label=_("Type de projet"),
        field_name="types",
        queryset=ProjectType.objects.all(),
        to_field_name="slug",
        empty_label=_("Tous les types"),
    )
    chantier = PreparedModelChoiceFilter(
        statement="projets.filter.chantier",
        label=_("Chantier"),
        field_name="participations__chantier",
        queryset=Chantier.objects.all(),
        to_field_name="slug",
        empty_label=_("Tous les chantiers"),
    )

    class Meta:
        model = Project
        fields: list[str] = []

    def filter_search(
        self, queryset: QuerySet[Project], name: str, value: str
    ) -> QuerySet[Project]:
        return queryset.search(value)  # type: ignore[attr-defined]
