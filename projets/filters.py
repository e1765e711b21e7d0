"""Filters of the project list: province, type, chantier and a free-text search."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from chantiers.models import Chantier
from projets.models import Project, ProjectType
from territoires.models import Province


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Rechercher"),
        method="filter_search",
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Nom, porteur, commune…")}
        ),
    )
    province = django_filters.ModelChoiceFilter(
        label=_("Province"),
        queryset=Province.objects.all(),
        to_field_name="slug",
        empty_label=_("Toutes les provinces"),
    )
    type = django_filters.ModelChoiceFilter(
        label=_("Type de projet"),
        field_name="types",
        queryset=ProjectType.objects.all(),
        to_field_name="slug",
        empty_label=_("Tous les types"),
    )
    chantier = django_filters.ModelChoiceFilter(
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
