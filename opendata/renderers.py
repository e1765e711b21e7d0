"""The download formats: CSV (RFC 4180, UTF-8) and GeoJSON (RFC 7946)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.utils.encoders import JSONEncoder


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        # Table Schema's "array" and "object": JSON in the cell.
        return json.dumps(value, ensure_ascii=False, cls=JSONEncoder)
    return str(value)


class CSVRenderer(BaseRenderer):
    """Rows (dicts) as CSV with one header line: the view passes ``columns`` in the context."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        context = renderer_context or {}
        columns: list[str] | None = context.get("csv_columns")
        if not isinstance(data, list) or columns is None:
            # An error: its JSON would be no CSV, so say it in one cell.
            return _cell(data).encode()
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(columns)
        for row in data:
            writer.writerow([_cell(row.get(name)) for name in columns])
        return out.getvalue().encode()


class GeoJSONRenderer(JSONRenderer):
    """Located rows as a FeatureCollection of points; the view passes the coordinates' fields."""

    media_type = "application/geo+json"
    format = "geojson"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        context = renderer_context or {}
        point: tuple[str, str] | None = context.get("geojson_point")
        if isinstance(data, list) and point is not None:
            data = feature_collection(data, latitude=point[0], longitude=point[1])
        return super().render(data, accepted_media_type, renderer_context)


def feature_collection(rows: list[dict[str, Any]], *, latitude: str, longitude: str) -> dict:
    """Rows with both coordinates become points (longitude first); the others are left out."""
    features = []
    for row in rows:
        lat, lng = row.get(latitude), row.get(longitude)
        if lat is None or lng is None:
            continue
        properties = {k: v for k, v in row.items() if k not in (latitude, longitude)}
        features.append(
            {
                "type": "Feature",
                "id": row.get("id"),
                "geometry": {"type": "Point", "coordinates": [_number(lng), _number(lat)]},
                "properties": properties,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _number(value: Any) -> float:
    return float(Decimal(str(value)))
