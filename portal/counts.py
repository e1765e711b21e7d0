"""Several counts in one query, for pages that show how many rows each of their lists holds."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import connections
from django.db.models import Count, IntegerField, Model, QuerySet, Subquery, Value

M = TypeVar("M", bound=Model)


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


def first_rows_queryset(queryset: QuerySet[M], limit: int) -> QuerySet[M]:
    """The first ``limit`` rows (``first_of``), each with how many there are in all
    (``rows_in_all``): a scalar subquery counting the keys of the whole result, so that
    neither the count nor the sort carries the joined columns of every row."""
    counted = (
        queryset.order_by()
        .annotate(_all=Value(1))
        .values("_all")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return first_of(queryset, limit).annotate(
        rows_in_all=Subquery(counted, output_field=IntegerField())
    )


def rows_and_total(rows: list[M]) -> tuple[list[M], int]:
    """The rows of ``first_rows_queryset`` and how many there are in all."""
    return rows, (rows[0].rows_in_all if rows else 0)  # type: ignore[attr-defined]


def first_rows(queryset: QuerySet[M], limit: int) -> tuple[list[M], int]:
    """The first ``limit`` rows and how many there are in all, in one query."""
    return rows_and_total(list(first_rows_queryset(queryset, limit)))


def first_of(rows: QuerySet[M], limit: int) -> QuerySet[M]:
    """The first ``limit`` of ``rows`` in their order, chosen by their keys alone, then read
    whole with their related rows: the database sorts narrow rows and joins only the chosen
    ones, instead of joining every row before sorting (what grows with the data)."""
    return rows.filter(pk__in=rows.values("pk")[:limit])
