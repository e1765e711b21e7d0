"""The search box: any string is accepted as input; too long or with a character the portal
does not accept (a NUL, which RefuseNulMiddleware turns into U+FFFD), it is explained."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.search import MAX_QUERY_LENGTH


def _no_unreadable_character(value: str) -> None:
    if "\ufffd" in value:
        raise ValidationError(
            _("La recherche contient un caractère que le portail n'accepte pas."),
            code="unreadable",
        )


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Rechercher sur le site"),
        max_length=MAX_QUERY_LENGTH,
        required=False,
        validators=[_no_unreadable_character],
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


def typed_text(raw: str) -> str:
    """What the person typed, as the box shows it back: without control characters (a NUL
    has no place in HTML), cut at the longest query searched."""
    printable = "".join(c for c in raw if c.isprintable() or c == " ")
    return printable[:MAX_QUERY_LENGTH]
