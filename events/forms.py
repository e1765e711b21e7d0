"""The event form of the officers' space: input validation only (the services write)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from events.models import Event
from events.permissions import policy as event_policy
from events.services import DESCRIPTION_MAX_LENGTH, EDITABLE_FIELDS
from portal.forms import LocatedModelForm
from portal.models import in_wallonia
from territoires.forms import ProvinceFieldMixin

if TYPE_CHECKING:
    from portal.types import Visitor

# What <input type="datetime-local"> sends and expects (read in Europe/Brussels, the active
# time zone).
DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def _datetime_local() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL_FORMAT)


def _formfield(field: models.Field, **kwargs: Any) -> forms.Field | None:
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class EventForm(ProvinceFieldMixin, LocatedModelForm):
    """Create or edit an event; the provinces offered are the ones this person manages.

    Only staff see the box that confirms a point outside Wallonia; for an officer such a point
    is refused next to the coordinates.
    """

    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    capacity = forms.IntegerField(
        label=_("Nombre de places"),
        required=False,
        min_value=1,
        help_text=_("Laisser vide pour un nombre de places illimité."),
        error_messages={
            "min_value": _("Le nombre de places doit être d'au moins 1, ou vide pour illimité.")
        },
    )

    class Meta:
        model = Event
        fields = list(EDITABLE_FIELDS)
        formfield_callback = _formfield
        widgets = {
            "start": _datetime_local(),
            "end": _datetime_local(),
            "registration_opens_at": _datetime_local(),
            "registration_closes_at": _datetime_local(),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "title": _("Titre"),
            "kind": _("Type"),
            "chantier": _("Chantier"),
            "province": _("Province"),
            "start": _("Début"),
            "end": _("Fin"),
            "time_to_be_confirmed": _("Horaire à préciser"),
            "venue": _("Lieu"),
            "address": _("Adresse"),
            "latitude": _("Latitude"),
            "longitude": _("Longitude"),
            "online_url": _("Lien de la réunion en ligne"),
            "summary": _("Résumé"),
            "registration_opens_at": _("Ouverture des inscriptions"),
            "registration_closes_at": _("Clôture des inscriptions"),
        }
        help_texts = {
            "start": _("Date et heure, heure de Belgique."),
            "summary": _("Une ou deux phrases, montrées dans les listes."),
            "online_url": _("Adresse complète, par ex. https://…"),
            "registration_closes_at": _("Au plus tard au début de l'événement."),
            "latitude": _("En degrés décimaux, par ex. 50.46 ; ou placez le point sur la carte."),
            "longitude": _("En degrés décimaux, par ex. 4.87 ; ou placez le point sur la carte."),
        }

    policy = event_policy
    wallonia_wide_help = _("Laisser vide pour un événement à l'échelle de la Wallonie.")

    def __init__(self, *args: Any, user: Visitor, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.allow_outside_wallonia = self.for_staff
        chantier = self.fields["chantier"]
        assert isinstance(chantier, forms.ModelChoiceField)
        chantier.empty_label = _("Aucun chantier en particulier")
        if not self.allow_outside_wallonia:
            del self.fields["confirm_outside_wallonia"]

    def clean(self) -> dict[str, Any]:
        if self.allow_outside_wallonia:
            # LocatedModelForm: a point outside Wallonia needs the box ticked.
            cleaned_data = super().clean() or self.cleaned_data
        else:
            # Its message invites to tick a box officers do not have: skip that one check.
            cleaned_data = forms.ModelForm.clean(self) or self.cleaned_data
            self._refuse_outside_wallonia(cleaned_data)
        start = cleaned_data.get("start")
        opens = cleaned_data.get("registration_opens_at")
        if start and opens and opens >= start:
            self.add_error(
                "registration_opens_at",
                _("Les inscriptions doivent s'ouvrir avant le début de l'événement."),
            )
        return cleaned_data

    def _refuse_outside_wallonia(self, cleaned_data: dict[str, Any]) -> None:
        latitude = cleaned_data.get("latitude")
        longitude = cleaned_data.get("longitude")
        if latitude is None or longitude is None or in_wallonia(float(latitude), float(longitude)):
            return
        self.add_error(
            "latitude",
            forms.ValidationError(
                _(
                    "Le point (%(latitude)s, %(longitude)s) se trouve hors de Wallonie. "
                    "Vérifiez les coordonnées : latitude et longitude inversées ? Seule la "
                    "Cellule Manger Demain peut enregistrer un lieu hors de Wallonie."
                ),
                code="outside_wallonia",
                params={"latitude": latitude, "longitude": longitude},
            ),
        )
        # add_error drops the value; the model's own check (both coordinates or neither) must
        # still see it, or it would report a missing latitude as well.
        cleaned_data["latitude"] = latitude
