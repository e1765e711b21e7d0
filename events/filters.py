"""Filters of the event list: kind, province and chantier."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from chantiers.models import Chantier
from events.models import Event
from territoires.models import Province


class EventFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Type"), choices=Event.Kind.choices, empty_label=_("Tous les types")
    )
    province = django_filters.ModelChoiceFilter(
        label=_("Province"),
        queryset=Province.objects.all(),
        to_field_name="slug",
        empty_label=_("Toutes les provinces"),
    )
    chantier = django_filters.ModelChoiceFilter(
        label=_("Chantier"),
        queryset=Chantier.objects.all(),
        to_field_name="slug",
        empty_label=_("Tous les chantiers"),
    )

    class Meta:
        model = Event
        fields: list[str] = []
