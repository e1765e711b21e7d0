"""A row's related rows of a many-to-many field, read in the row's own query, and put where
``prefetch_related`` would have put them: a list that shows a few names of its rows' relations
(a card's categories and provinces) then costs one query, not one per relation.

The related rows are read as a JSON array per row (``json_group_array`` on SQLite, ``jsonb_agg``
on PostgreSQL) holding, for each, its key, its name, its order and its rank in the related
model's ordering, (order, name). The rank is counted by the database, with its collation, so
that the rows come out in the order a ``prefetch_related`` query would give them. The related
rows hold their key, name and order; their other fields are deferred.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import (
    Aggregate,
    Count,
    F,
    IntegerField,
    JSONField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, JSONArray

_FIELDS = ["id", "name", "order"]


class _JSONRows(Aggregate):
    """The group's values as one JSON array."""

    function = "JSON_GROUP_ARRAY"
    output_field = JSONField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function="JSONB_AGG", **extra)


def related_in_row(model: type[Model], name: str) -> Subquery:
    """For each row of ``model``, its rows of the many-to-many field ``name`` (whose model has
    a ``name`` and an ``order``, and is ordered by them), as a JSON array; NULL for none.
    Annotate the list's queryset with it, then ``set_related``."""
    field = model._meta.get_field(name)
    through = field.remote_field.through  # type: ignore[union-attr]
    related: Any = field.related_model
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()  # type: ignore[union-attr]
    before = related.objects.filter(
        Q(order__lt=OuterRef(f"{target}__order"))
        | Q(order=OuterRef(f"{target}__order"), name__lt=OuterRef(f"{target}__name"))
    )
    rank = Coalesce(
        Subquery(
            before.order_by().annotate(_all=Value(1)).values("_all").annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )  # fmt: skip
    rows = (
        through.objects.filter(**{source: OuterRef("pk")})
        .order_by()
        .values(source)
        .annotate(
            rows=_JSONRows(
                JSONArray(rank, F(f"{target}_id"), F(f"{target}__name"), F(f"{target}__order"))
            )
        )
        .values("rows")
    )
    return Subquery(rows, output_field=JSONField())


def set_related(objects: list[Any], name: str, annotation: str) -> None:
    """Put each object's rows of ``related_in_row(model, name)``, read as ``annotation``,
    where ``prefetch_related(name)`` would have put them, in the related model's order."""
    if not objects:
        return
    related = objects[0]._meta.get_field(name).related_model
    for obj in objects:
        found = getattr(obj, annotation) or []
        rows = [
            related.from_db("default", _FIELDS, (pk, label, order))
            for _, pk, label, order in sorted(found, key=lambda row: (row[0], row[1]))
        ]
        set_prefetched(obj, name, rows)


def rows_of(obj: Model, name: str) -> Iterable[Any]:
    """``obj.<name>.all()``: the rows ``set_related`` (or ``prefetch_related``) put in place,
    without building the relation's manager and queryset first (about 5 µs each time, for
    each card of a list); read from the database when they are not there."""
    cache = getattr(obj, "_prefetched_objects_cache", None)
    if cache is not None and name in cache:
        return cache[name]  # type: ignore[no-any-return]
    return getattr(obj, name).all()  # type: ignore[no-any-return]


def set_prefetched(obj: Model, name: str, rows: list[Any]) -> None:
    """Give ``obj`` the rows of its relation ``name`` as ``prefetch_related`` would: its
    ``.all()`` answers them without a query."""
    related = obj._meta.get_field(name).related_model
    cached: QuerySet[Any] = QuerySet(model=related)  # type: ignore[arg-type]
    cached._result_cache = rows
    cached._prefetch_done = True  # type: ignore[attr-defined]
    cache = getattr(obj, "_prefetched_objects_cache", None)
    if cache is None:
        cache = obj._prefetched_objects_cache = {}  # type: ignore[attr-defined]
    cache[name] = cached
