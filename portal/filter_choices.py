"""The filter forms of the public lists, rendered on every cache miss: their choices read by a
statement compiled once (``portal.prepared_lists``) and their selects and text inputs written
by Python, the same HTML as Django's widget templates.

Rendering three selects through Django's templates (``select.html``, then ``select_option.html``
and ``attrs.html`` for every option) cost the project list more than its list of projects; each
select's queryset was compiled again on every request. The field still validates with its
queryset (a filtered request), only the options shown come from the prepared statement, named
by the filter (``statement=``): one name for one queryset, which must not depend on anything.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import django_filters
from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django_filters import fields as filter_fields

from portal.prepared_lists import prepared_list


def _attrs(attrs: Mapping[str, Any]) -> str:
    """``django/forms/widgets/attrs.html``."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(format_html(" {}", name))
        else:
            parts.append(format_html(' {}="{}"', name, value))
    return "".join(parts)


class PlainSelect(forms.Select):
    """A single select without groups, as ``django/forms/widgets/select.html`` writes it."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        selected_values = self.format_value(value)
        parts = [
            format_html('<select name="{}"', name),
            _attrs(self.build_attrs(self.attrs, attrs)),
        ]
        parts.append(">")
        has_selected = False
        for option_value, option_label in self.choices:
            if isinstance(option_label, list | tuple):
                raise ValueError("PlainSelect: groups of options are not supported.")
            if option_value is None:
                option_value = ""
            selected = not has_selected and str(option_value) in selected_values
            has_selected = has_selected or selected
            parts.append(
                format_html(
                    '\n  <option value="{}"{}>{}</option>\n',
                    option_value,
                    mark_safe(" selected") if selected else "",
                    option_label,
                )
            )
        parts.append("\n</select>")
        return mark_safe("".join(parts))


class PlainTextInput(forms.TextInput):
    """A text input, as ``django/forms/widgets/input.html`` writes it."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        shown = self.format_value(value)
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            self.input_type,
            name,
            format_html(' value="{}"', shown) if shown is not None else "",
            mark_safe(_attrs(self.build_attrs(self.attrs, attrs))),
        )


class _PreparedIterator(ModelChoiceIterator):
    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        queryset = self.queryset
        statement: str = self.field.statement  # type: ignore[attr-defined]
        for obj in prepared_list(statement, lambda: queryset).all():
            yield self.choice(obj)


class _PreparedFilterIterator(filter_fields.ModelChoiceIterator, _PreparedIterator):
    """django-filter's (its null choice), over the prepared rows."""


class PreparedModelChoiceField(filter_fields.ModelChoiceField):
    iterator = _PreparedFilterIterator

    def __init__(self, *args: Any, statement: str, **kwargs: Any) -> None:
        self.statement = statement
        super().__init__(*args, **kwargs)


class PreparedModelChoiceFilter(django_filters.ModelChoiceFilter):
    """A ``ModelChoiceFilter`` whose options are read by the statement ``statement``."""

    field_class = PreparedModelChoiceField

    def __init__(self, *args: Any, statement: str, **kwargs: Any) -> None:
        kwargs.setdefault("widget", PlainSelect)
        super().__init__(*args, statement=statement, **kwargs)
