"""The news form of the officers' space: input validation only (the services write)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chantiers.models import News
from chantiers.permissions import policy as news_policy
from chantiers.services import BODY_MAX_LENGTH, EDITABLE_FIELDS
from territoires.forms import ProvinceFieldMixin

if TYPE_CHECKING:
    from portal.types import Visitor


class NewsForm(ProvinceFieldMixin, forms.ModelForm):
    """Create or edit a news item; the provinces offered are the ones this person writes for."""

    body = forms.CharField(
        label=_("Texte"),
        required=False,
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("En Markdown : **gras**, *italique*, [lien](https://…)."),
    )

    class Meta:
        model = News
        fields = list(EDITABLE_FIELDS)
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "title": _("Titre"),
            "chantier": _("Chantier"),
            "province": _("Province"),
            "summary": _("Chapeau"),
        }

    policy = news_policy
    wallonia_wide_help = _("Laisser vide pour une actualité à l'échelle de la Wallonie.")

    def __init__(self, *args: Any, user: Visitor, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        chantier = self.fields["chantier"]
        assert isinstance(chantier, forms.ModelChoiceField)
        chantier.required = False
        chantier.empty_label = _("Aucun chantier en particulier")
