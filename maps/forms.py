"""The map page's filters: province, chantier, and which layers to show."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chantiers.models import Chantier
from territoires.models import Province

PROJECTS, EVENTS, FACILITATORS = "projets", "evenements", "facilitateurs"
LAYERS = [
    (PROJECTS, _("Projets")),
    (EVENTS, _("Rencontres et ateliers à venir")),
    (FACILITATORS, _("Facilitateurs par province")),
]
# The layers' checkboxes send ``couches``; an empty hidden one says that the form was sent, so
# that unticking every box shows none, while a plain link (/carte/?province=liege) shows all.
LAYERS_PARAM = "couches"


class MapFilterForm(forms.Form):
    province = forms.ModelChoiceField(
        label=_("Province"),
        queryset=Province.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Toutes les provinces"),
    )
    chantier = forms.ModelChoiceField(
        label=_("Chantier"),
        queryset=Chantier.objects.order_by("order", "title"),
        to_field_name="slug",
        required=False,
        empty_label=_("Tous les chantiers"),
    )

    def value(self, name: str) -> Any:
        """A field's valid value, or None: an invalid value is ignored, as the lists do."""
        if not self.is_bound:
            return None
        self.is_valid()
        return self.cleaned_data.get(name)


def chosen_layers(data: Mapping[str, Any]) -> list[str]:
    names = [name for name, _label in LAYERS]
    if LAYERS_PARAM not in data:
        return names
    chosen = set(data.getlist(LAYERS_PARAM)) if hasattr(data, "getlist") else set()
    return [name for name in names if name in chosen]
