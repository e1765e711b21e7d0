"""Each dataset's schema, read from its serializer: a Table Schema (frictionless) for machines,
the same fields for the open data page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.encoding import force_str
from rest_framework import serializers

from opendata.datasets import Dataset

# From the most specific class to the most general: the first that matches gives the type.
TYPES: list[tuple[type[serializers.Field], str, str | None]] = [
    (serializers.BooleanField, "boolean", None),
    (serializers.DateTimeField, "datetime", None),
    (serializers.DateField, "date", None),
    (serializers.IntegerField, "integer", None),
    (serializers.DecimalField, "number", None),
    (serializers.FloatField, "number", None),
    (serializers.URLField, "string", "uri"),
    (serializers.ChoiceField, "string", None),
    (serializers.ListField, "array", None),
    (serializers.ManyRelatedField, "array", None),
    (serializers.ListSerializer, "array", None),
    (serializers.Serializer, "object", None),
    (serializers.PrimaryKeyRelatedField, "integer", None),
]


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    format: str | None
    title: str
    description: str
    choices: list[tuple[str, str]]
    nullable: bool


def _type_of(field: serializers.Field) -> tuple[str, str | None]:
    openapi = getattr(field, "_spectacular_annotation", None)
    if openapi is not None and getattr(openapi, "name", "") in ("INT", "INTEGER"):
        return "integer", None
    for cls, kind, fmt in TYPES:
        if isinstance(field, cls):
            return kind, fmt
    return "string", None


def columns(dataset: Dataset, *, csv: bool = False) -> list[Column]:
    """The fields of a row, in order; with ``csv``, those the CSV file holds."""
    result = []
    for name, field in dataset.serializer().fields.items():
        if csv and name in dataset.csv_exclude:
            continue
        kind, fmt = _type_of(field)
        choices = []
        if isinstance(field, serializers.ChoiceField):
            choices = [(str(key), force_str(label)) for key, label in field.choices.items()]
        result.append(
            Column(
                name=name,
                type=kind,
                format=fmt,
                title=force_str(field.label or name),
                description=force_str(field.help_text or ""),
                choices=choices,
                nullable=bool(getattr(field, "allow_null", False)),
            )
        )
    return result


def table_schema(dataset: Dataset) -> dict[str, Any]:
    """The CSV file's Table Schema: a list or an object in a cell is written as JSON."""
    fields = []
    for column in columns(dataset, csv=True):
        entry: dict[str, Any] = {"name": column.name, "type": column.type, "title": column.title}
        if column.description:
            entry["description"] = column.description
        if column.format:
            entry["format"] = column.format
        if column.choices:
            entry["constraints"] = {"enum": [key for key, _label in column.choices]}
        if column.name == "id":
            entry.setdefault("constraints", {})["required"] = True
            entry["constraints"]["unique"] = True
        fields.append(entry)
    return {"fields": fields, "primaryKey": "id", "missingValues": [""]}
