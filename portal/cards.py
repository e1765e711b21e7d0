"""Cards of a list written in Python: the project, event, news and catalogue cards each app's
``*_cards`` tag renders. In a list of twenty, the template engine's include, variable lookups
and translation tags cost more than the rest of the page (the projects page: 37% of its
instructions); these give the same HTML for a fraction of it. What a card shows is in one
place, its app's tag; ``tests/portal/test_cards.py`` holds what each card says."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from django.core.signals import setting_changed
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from portal.dates import CATALOGUE_SETTINGS, month_name


def cards(items: Iterable[Any], card: Callable[[Any], str]) -> SafeString:
    """The cards of ``items``, one after the other, each already escaped by ``card``."""
    return mark_safe("".join(card(item) for item in items))


def e(value: Any) -> str:
    """``{{ value }}``: escaped unless marked safe (a callable is not called here). A plain
    ``str``, the common case, goes straight to what Django's ``escape`` calls."""
    if type(value) is str:
        return html.escape(value)
    return str(conditional_escape(value))


def when(value: Any, format_string: str) -> str:
    """``{{ value|date:format_string }}``: a moment in the current time zone, escaped (the
    translated words in ``e(gettext(…))``, which makemessages finds). The cards' two formats,
    "c" and "j F Y", are written directly, as Django's formatter writes them."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    if isinstance(value, date):
        if format_string == "c":
            return value.isoformat()
        if format_string == "j F Y":
            return e(f"{value.day} {month_name(value.month)} {value.year:04d}")
    return e(date_filter(value, format_string))


# The escaped label of each value of a field with choices, per (model, field, language): Django
# rebuilds the choices at each get_FOO_display, and each lazy label is a lookup in every
# catalogue. Bounded by the models' choice fields and the languages.
_labels: dict[tuple[type[Any], str, str | None], dict[Any, str]] = {}


def _forget(*, setting: str, **kwargs: Any) -> None:
    if setting in CATALOGUE_SETTINGS:
        _labels.clear()


setting_changed.connect(_forget, dispatch_uid="portal.cards.forget")


def display(obj: Any, name: str) -> str:
    """``obj.get_<name>_display()`` of a field with choices (not a relation), escaped: the
    label of the field's value in the current language (a value without a label: itself)."""
    key = (type(obj), name, get_language())
    labels = _labels.get(key)
    if labels is None:
        field = obj._meta.get_field(name)
        labels = _labels[key] = {value: e(label) for value, label in field.flatchoices}
    value = getattr(obj, name)
    label = labels.get(value)
    return e(value) if label is None else label
