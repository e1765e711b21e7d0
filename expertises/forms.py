"""Input validation of needs, offers, workshop proposals and their scheduling (no writes)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from chantiers.models import Chantier
from expertises.models import Category, Need, Offer, WorkshopProposal
from territoires.models import Province


def _length_messages() -> dict[str, Any]:
    """French messages for an empty or too long text; Django fills in the numbers."""
    return {
        "required": _("Ce champ est obligatoire."),
        "max_length": _(
            "Ce texte ne peut pas dépasser %(limit_value)d caractères "
            "(il en compte %(show_value)d)."
        ),
    }


class NeedForm(forms.ModelForm):
    class Meta:
        model = Need
        fields = ["category", "province", "description", "urgency"]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "description": _("Ce dont le projet a besoin, en quelques lignes (2 000 caractères)."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = cast(forms.ModelChoiceField, self.fields["category"])
        category.empty_label = _("Choisissez une catégorie")
        category.error_messages["required"] = _("Choisissez une catégorie.")
        cast(forms.ModelChoiceField, self.fields["province"]).empty_label = _("Toute la Wallonie")
        self.fields["description"].error_messages.update(_length_messages())


class OfferForm(forms.ModelForm):
    class Meta:
        model = Offer
        fields = ["category", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "description": _(
                "L'expertise que le projet peut partager avec d'autres (2 000 caractères). "
                "Cette offre est publique."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = cast(forms.ModelChoiceField, self.fields["category"])
        category.empty_label = _("Choisissez une catégorie")
        category.error_messages["required"] = _("Choisissez une catégorie.")
        self.fields["description"].error_messages.update(_length_messages())


class ProposalForm(forms.ModelForm):
    class Meta:
        model = WorkshopProposal
        fields = ["title", "description", "chantier"]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "title": _("Le sujet de l'atelier, en une phrase (200 caractères)."),
            "description": _("Ce que l'atelier devrait aborder, et pour qui (3 000 caractères)."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].error_messages.update(_length_messages())
        self.fields["description"].error_messages.update(_length_messages())
        chantier = cast(forms.ModelChoiceField, self.fields["chantier"])
        chantier.queryset = Chantier.objects.order_by("order", "title")
        chantier.empty_label = _("Aucun chantier en particulier")


class ProposalScheduleForm(forms.Form):
    """What a draft workshop needs to exist; the rest is completed in the events' space."""

    title = forms.CharField(
        label=_("titre de l'atelier"),
        max_length=200,
        error_messages=_length_messages(),
    )
    start = forms.DateTimeField(
        label=_("début"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Une date provisoire suffit : l'événement reste un brouillon."),
        error_messages={
            "required": _("Indiquez une date, même provisoire."),
            "invalid": _("Saisissez une date et une heure valides."),
        },
    )
    time_to_be_confirmed = forms.BooleanField(
        label=_("heure à confirmer"), required=False, initial=True
    )
    chantier = forms.ModelChoiceField(
        label=_("chantier"), queryset=Chantier.objects.none(), required=False
    )
    province = forms.ModelChoiceField(
        label=_("province"),
        queryset=Province.objects.all(),
        required=False,
        empty_label=_("Toute la Wallonie"),
    )
    description = forms.CharField(
        label=_("description"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=10_000,
        error_messages=_length_messages(),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chantier = cast(forms.ModelChoiceField, self.fields["chantier"])
        chantier.queryset = Chantier.objects.order_by("order", "title")
        chantier.empty_label = _("Aucun chantier en particulier")


class NeedFilterForm(forms.Form):
    """The filters of the list of open needs; invalid values are ignored."""

    categorie = forms.ModelChoiceField(
        label=_("catégorie"),
        queryset=Category.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Toutes"),
    )
    province = forms.ModelChoiceField(
        label=_("province"),
        queryset=Province.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Toutes"),
    )
