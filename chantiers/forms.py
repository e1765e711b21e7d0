"""The news form of the officers' space: input validation only (the services write)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chantiers.models import News
from chantiers.permissions import is_news_staff, news_provinces_for
from chantiers.services import BODY_MAX_LENGTH, EDITABLE_FIELDS


class NewsForm(forms.ModelForm):
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

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        province = self.fields["province"]
        assert isinstance(province, forms.ModelChoiceField)
        province.queryset = news_provinces_for(user)
        chantier = self.fields["chantier"]
        assert isinstance(chantier, forms.ModelChoiceField)
        chantier.required = False
        chantier.empty_label = _("Aucun chantier en particulier")
        if is_news_staff(user):
            province.required = False
            province.empty_label = _("Toute la Wallonie (aucune province)")
            province.help_text = _("Laisser vide pour une actualité à l'échelle de la Wallonie.")
        else:
            province.required = True
            province.empty_label = _("Choisissez une province")
            province.help_text = ""
