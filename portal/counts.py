"""Several counts in one query, for pages that show how many rows each of their lists holds."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import connections
from django.db.models import Count, Model, QuerySet, Window

M = TypeVar("M", bound=Model)


def count_many(**querysets: QuerySet[Any]) -> dict[str, int]:
    """``{name: queryset.count()}`` read in one round trip: each queryset's SQL (its own
    filters, joins, ``DISTINCT`` and grouping, parameters passed apart) becomes a scalar
    subquery, ``SELECT (SELECT COUNT(*) FROM (…)), (SELECT COUNT(*) FROM (…)), …``. All the
    querysets must use the same database, and none may be sliced."""
    if not querysets:
        return {}
    aliases = {qs.db for qs in querysets.values()}
    if len(aliases) != 1:
        raise ValueError("count_many: querysets of different databases")
    parts: list[str] = []
    params: list[Any] = []
    for queryset in querysets.values():
        if queryset.query.is_sliced:
            raise ValueError("count_many: a sliced queryset")
        sql, values = queryset.order_by().values("pk").query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) counted)")
        params.extend(values)
    with connections[aliases.pop()].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {name: int(value) for name, value in zip(querysets, row, strict=True)}


def first_rows(queryset: QuerySet[M], limit: int) -> tuple[list[M], int]:
    """The first ``limit`` rows and how many there are in all, in one query: the count is a
    window over the whole result (``COUNT(*) OVER ()``), computed before the limit."""
    rows = list(queryset.annotate(rows_in_all=Window(Count("pk")))[:limit])
    return rows, (rows[0].rows_in_all if rows else 0)  # type: ignore[attr-defined]
