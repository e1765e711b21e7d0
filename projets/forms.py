"""Forms of the projets app: the CSV upload of the admin import, the request to join a project
and its decision, and the leaders' edit of a project's page (input validation only)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from chantiers.models import Chantier, Participation
from portal.forms import LocatedModelForm
from portal.models import in_wallonia
from projets.models import Project
from projets.permissions import is_project_staff, projects_led_by
from projets.services import (
    DESCRIPTION_MAX_LENGTH,
    JOIN_MESSAGE_MAX_LENGTH,
    PAGE_FIELDS,
    PISTE_DESCRIPTION_MAX_LENGTH,
    PISTE_TITLE_MAX_LENGTH,
)

if TYPE_CHECKING:
    from portal.types import Visitor


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message aux porteur·euses du projet (facultatif)"),
        required=False,
        max_length=JOIN_MESSAGE_MAX_LENGTH,
        help_text=_(
            "Présentez-vous en quelques mots : votre rôle dans le projet, votre organisation. "
            "1000 caractères au plus."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class JoinRequestDeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du refus (facultatif, envoyé à la personne)"),
        required=False,
        max_length=JOIN_MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PisteProposalForm(forms.Form):
    """A new piste proposed on behalf of one of the projects the person leads. Emptiness and
    duplicates are the service's to refuse (with their message), not the browser's."""

    project = forms.ModelChoiceField(
        label=_("Au nom du projet"),
        queryset=Project.objects.none(),
        empty_label=None,
    )
    title = forms.CharField(
        label=_("Titre de la piste"),
        required=False,
        max_length=PISTE_TITLE_MAX_LENGTH,
        help_text=_(
            "Le sujet du futur chantier, en quelques mots (par ex. « Chantier légumeries »)."
        ),
    )
    description = forms.CharField(
        label=_("Pourquoi ce chantier ? (facultatif)"),
        required=False,
        max_length=PISTE_DESCRIPTION_MAX_LENGTH,
        help_text=_("Ce qu'il pourrait apporter, et à quels projets. 2000 caractères au plus."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, user: Visitor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        project = cast(forms.ModelChoiceField, self.fields["project"])
        project.queryset = projects_led_by(user).order_by("name")


# --- The leaders' edit of a project's page ----------------------------------------------------


def _formfield(field: models.Field, **kwargs: Any) -> forms.Field | None:
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class ProjectPageForm(LocatedModelForm):
    """The public page of a project as its leaders see it: no name, province, status.

    Only staff get the box that confirms a point outside Wallonia; for a leader such a point
    is refused next to the coordinates.
    """

    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        help_text=_(
            "Le projet, ses objectifs, où il en est. En Markdown : **gras**, *italique*, "
            "listes avec « - », [lien](https://…). 5000 caractères au plus."
        ),
        widget=forms.Textarea(attrs={"rows": 12}),
    )

    class Meta:
        model = Project
        fields = list(PAGE_FIELDS)
        formfield_callback = _formfield
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "types": forms.CheckboxSelectMultiple,
        }
        labels = {
            "summary": _("Résumé"),
            "communes": _("Communes"),
            "website": _("Site web"),
            "contact_name": _("Contact public : nom"),
            "contact_email": _("Contact public : adresse e-mail"),
            "types": _("Types de projet"),
            "latitude": _("Latitude"),
            "longitude": _("Longitude"),
        }
        help_texts = {
            "summary": _("Une ou deux phrases, montrées dans les listes. 300 caractères au plus."),
            "communes": _("Les communes où le projet agit, séparées par des virgules."),
            "website": _("Adresse complète, par ex. https://…"),
            "contact_email": _("Affichée sur la page publique du projet."),
        }

    def __init__(self, *args: Visitor, user: Visitor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.allow_outside_wallonia = is_project_staff(user)
        if not self.allow_outside_wallonia:
            del self.fields["confirm_outside_wallonia"]
        for name in ("latitude", "longitude"):
            self.fields[name].help_text = _(
                "En degrés décimaux, par ex. 50.46 et 4.87 ; ou placez le point sur la carte."
            )

    def clean(self) -> dict[str, Any]:
        if self.allow_outside_wallonia:
            # LocatedModelForm: a point outside Wallonia needs the box ticked.
            return super().clean() or self.cleaned_data
        # Its message invites to tick a box leaders do not have: skip that one check.
        cleaned_data = forms.ModelForm.clean(self) or self.cleaned_data
        latitude = cleaned_data.get("latitude")
        longitude = cleaned_data.get("longitude")
        if latitude is None or longitude is None or in_wallonia(float(latitude), float(longitude)):
            return cleaned_data
        self.add_error(
            "latitude",
            forms.ValidationError(
                _(
                    "Le point (%(latitude)s, %(longitude)s) se trouve hors de Wallonie. "
                    "Vérifiez les coordonnées : latitude et longitude inversées ? Seule la "
                    "Cellule Manger Demain peut placer un projet hors de Wallonie."
                ),
                code="outside_wallonia",
                params={"latitude": latitude, "longitude": longitude},
            ),
        )
        # add_error drops the value; the model's own check (both coordinates or neither) must
        # still see it, or it would report a missing latitude as well.
        cleaned_data["latitude"] = latitude
        return cleaned_data

    def page_data(self) -> dict[str, Any]:
        """What ``project_page_update`` takes: the page's fields, nothing of the form's own."""
        return {name: self.cleaned_data[name] for name in PAGE_FIELDS}


NOT_PARTICIPATING = ""


class ActiveChantierForm(forms.Form):
    """A project's role in one active chantier, or none."""

    role = forms.ChoiceField(
        required=False,
        widget=forms.RadioSelect,
        choices=[
            (NOT_PARTICIPATING, _("Ne participe pas")),
            (Participation.Role.INTERESTED, _("Intéressé")),
            (Participation.Role.CONTRIBUTOR, _("Contributeur")),
            (Participation.Role.LEAD, _("Pilote")),
        ],
    )

    def __init__(self, *args: Any, chantier: Chantier, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.chantier = chantier
        self.fields["role"].label = chantier.title

    def chosen_role(self) -> str | None:
        return self.cleaned_data.get("role") or None


class CandidateChantierForm(forms.Form):
    """A project's interest in one candidate chantier ("piste")."""

    interested = forms.BooleanField(required=False)

    def __init__(self, *args: Any, chantier: Chantier, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.chantier = chantier
        self.fields["interested"].label = _("Intéressé par « %(title)s »") % {
            "title": chantier.title
        }

    def chosen_role(self) -> str | None:
        return Participation.Role.INTERESTED if self.cleaned_data.get("interested") else None


class ParticipationFormSet:
    """One small form per chantier, prefixed by the chantier's pk rather than by its position,
    so that a chantier added or removed between display and submission cannot shift a role
    onto another chantier."""

    def __init__(
        self,
        data: Any = None,
        *,
        chantiers: Iterable[Chantier],
        participations: Iterable[Participation] = (),
    ) -> None:
        current = {p.chantier_id: p.role for p in participations}
        self.active: list[ActiveChantierForm] = []
        self.candidates: list[CandidateChantierForm] = []
        for chantier in chantiers:
            prefix = f"chantier-{chantier.pk}"
            role = current.get(chantier.pk)
            if chantier.is_candidate:
                self.candidates.append(
                    CandidateChantierForm(
                        data, prefix=prefix, chantier=chantier, initial={"interested": bool(role)}
                    )
                )
            else:
                self.active.append(
                    ActiveChantierForm(
                        data,
                        prefix=prefix,
                        chantier=chantier,
                        initial={"role": role or NOT_PARTICIPATING},
                    )
                )

    @property
    def forms(self) -> list[ActiveChantierForm | CandidateChantierForm]:
        return [*self.active, *self.candidates]

    def is_valid(self) -> bool:
        # Every form validated, not just up to the first invalid one: all errors show at once.
        valid = [form.is_valid() for form in self.forms]
        return all(valid)

    @property
    def errors(self) -> list[Any]:
        return [form.errors for form in self.forms if form.errors]

    def roles(self) -> dict[int, str | None]:
        """{chantier pk: role or None}, for ``project_page_update``."""
        return {form.chantier.pk: form.chosen_role() for form in self.forms}
