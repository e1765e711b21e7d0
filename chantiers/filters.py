"""Filters of the news list: chantier and province."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from chantiers.models import Chantier, News
from territoires.models import Province


class NewsFilter(django_filters.FilterSet):
    chantier = django_filters.ModelChoiceFilter(
        label=_("Chantier"),
        queryset=Chantier.objects.all(),
        to_field_name="slug",
        empty_label=_("Tous les chantiers"),
    )
    province = django_filters.ModelChoiceFilter(
        label=_("Province"),
        queryset=Province.objects.all(),
        to_field_name="slug",
        empty_label=_("Toutes les provinces"),
    )

    class Meta:
        model = News
        fields: list[str] = []
