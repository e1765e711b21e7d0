"""Filters of the news list (chantier and province) and of the échéancier (chantier and status)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from chantiers.models import Chantier, News, Step
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


class StepFilter(django_filters.FilterSet):
    chantier = django_filters.ModelChoiceFilter(
        label=_("Chantier"),
        queryset=Chantier.objects.filter(steps__isnull=False).distinct(),
        to_field_name="slug",
        empty_label=_("Tous les chantiers"),
    )
    # The status each step shows (annotated by StepQuerySet.with_current_status), not the one
    # stored: a planned step whose event took place is found among the "done" ones.
    statut = django_filters.ChoiceFilter(
        label=_("Statut"),
        field_name="effective_status",
        choices=Step.Status.choices,
        empty_label=_("Tous les statuts"),
    )

    class Meta:
        model = Step
        fields: list[str] = []
