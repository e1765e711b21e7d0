"""Admin forms shared by the apps: the point picker and the Wallonia check of located models."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.models import in_wallonia
from portal.widgets import PointPickerWidget


class LocatedModelForm(forms.ModelForm):
    """Base ModelForm for the admin of a LocatedModel (used without Meta: the admin adds it).

    Adds the map (``point``, which carries no data of its own) and refuses a point outside
    Wallonia unless staff tick ``confirm_outside_wallonia``: a swapped latitude and longitude
    is the usual mistake, a partner in Brussels the usual exception.
    """

    point = forms.Field(
        label=_("Carte"),
        required=False,
        widget=PointPickerWidget(),
    )
    confirm_outside_wallonia = forms.BooleanField(
        label=_("Confirmer un point hors de Wallonie"),
        required=False,
        help_text=_("À cocher seulement si le lieu se trouve vraiment hors de Wallonie."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if {"latitude", "longitude", "point"} <= self.fields.keys():
            widget = self.fields["point"].widget
            assert isinstance(widget, PointPickerWidget)
            # Follow the form's prefix and auto_id, whatever they are.
            widget.latitude_input_id = self["latitude"].auto_id
            widget.longitude_input_id = self["longitude"].auto_id

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned_data = self.cleaned_data
        latitude = cleaned_data.get("latitude")
        longitude = cleaned_data.get("longitude")
        if (
            latitude is not None
            and longitude is not None
            and not in_wallonia(float(latitude), float(longitude))
            and not cleaned_data.get("confirm_outside_wallonia")
        ):
            self.add_error(
                None,
                ValidationError(
                    _(
                        "Le point (%(latitude)s, %(longitude)s) se trouve hors de Wallonie. "
                        "Vérifiez les coordonnées (latitude et longitude inversées ?) ou cochez "
                        "« Confirmer un point hors de Wallonie »."
                    ),
                    code="outside_wallonia",
                    params={"latitude": latitude, "longitude": longitude},
                ),
            )
        return cleaned_data
