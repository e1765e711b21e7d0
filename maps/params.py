"""Which query parameters may form a cache key: known names with valid values only."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms

from portal.maps import form_params


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
