"""Which query parameters may form a cache key: known names with valid values only."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.http import QueryDict

from portal.maps import form_params


def readable(query: QueryDict) -> tuple[QueryDict, bool]:
    """The query less any value a database would refuse (a NUL character: psycopg2 raises on
    it), and whether it was whole. What is dropped counts as an invalid filter: ignored."""
    cleaned = QueryDict(mutable=True)
    whole = True
    for name, values in query.lists():
        kept = [value for value in values if "\x00" not in value]
        whole = whole and len(kept) == len(values) and "\x00" not in name
        if kept and "\x00" not in name:
            cleaned.setlist(name, kept)
    return cleaned, whole


def validated_params(
    form: forms.Form, data: Mapping[str, Any], *, free_text: Iterable[str] = ()
) -> dict[str, str] | None:
    """The form's values as strings (slugs for model choices) when every parameter of ``data``
    is one of the form's fields with a valid value, and no free-text field is used; ``None``
    otherwise (the response is then built but not cached)."""
    if set(data) - set(form.fields):
        return None
    if not form.is_bound:
        return {}
    if not form.is_valid():
        return None
    params = form_params(form)
    if set(params) & set(free_text):
        return None
    return params
