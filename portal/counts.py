"""Several counts in one query, for pages that show how many rows each of their lists holds."""

from __future__ import annotations

from typing import Any

from django.db import connections
from django.db.models import QuerySet


def count_sql(querysets: dict[str, QuerySet[Any]]) -> tuple[str, list[Any]]:
    """The statement of ``count_many`` and its parameters."""
    parts: list[str] = []
    params: list[Any] = []
    for queryset in querysets.values():
        if queryset.query.is_sliced:
            raise ValueError("count_many: a sliced queryset")
        sql, values = queryset.order_by().values("pk").query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) counted)")
        params.extend(values)
    return "SELECT " + ", ".join(parts), params


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
    sql, params = count_sql(querysets)
    with connections[aliases.pop()].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return {name: int(value) for name, value in zip(querysets, row, strict=True)}
