"""Columns of the admin's exports (django-import-export fields) that read well in a
spreadsheet: French headers, choices by their label, dates and times in Brussels time, yes/no,
related rows by name. ``portal.admin_exports`` streams them as CSV or XLSX."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields, widgets


class TextWidget(widgets.Widget):
    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else str(value)


class DateTimeWidget(widgets.Widget):
    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        if value is None:
            return ""
        if hasattr(value, "hour"):
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        return value.isoformat()


class YesNoWidget(widgets.Widget):
    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        if value is None:
            return ""
        return _("oui") if value else _("non")


class NamesWidget(widgets.Widget):
    """Rows of a many-to-many relation (prefetched), by name, separated by ";"."""

    def __init__(self, label: Callable[[Any], str] = str) -> None:
        super().__init__()
        self.label = label

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "; ".join(self.label(item) for item in value.all()) if value is not None else ""


def text(attribute: str, header: Any) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=header, widget=TextWidget())


def when(attribute: str, header: Any) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=header, widget=DateTimeWidget())


def yes_no(attribute: str, header: Any) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=header, widget=YesNoWidget())


def names(attribute: str, header: Any, label: Callable[[Any], str] = str) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=header, widget=NamesWidget(label))
