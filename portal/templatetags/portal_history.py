"""The history page's cells: a historical record's value as people read it."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist

from portal.admin_history import history_value

register = template.Library()


@register.filter
def history_cell(record: Any, column: str) -> str:
    """The value of ``column`` in ``record`` (a field, a property or an admin method's)."""
    try:
        field = record.instance_type._meta.get_field(column)
    except (FieldDoesNotExist, AttributeError):
        field = None
    try:
        value = getattr(record, column, None)
    except ObjectDoesNotExist:  # a related row deleted since
        value = None
    return history_value(field, value)
