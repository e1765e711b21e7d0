"""The search box: any string is accepted as input; too long or with a NUL, it is explained."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.search import MAX_QUERY_LENGTH


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Rechercher sur le site"),
        max_length=MAX_QUERY_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


def typed_text(raw: str) -> str:
    """What the person typed, as the box shows it back: without control characters (a NUL
    has no place in HTML), cut at the longest query searched."""
    printable = "".join(c for c in raw if c.isprintable() or c == " ")
    return printable[:MAX_QUERY_LENGTH]
