"""Queries compiled once per process: for the few statements a hot request runs every time.

Building a queryset and compiling it to SQL costs the ORM about as much CPU as the database
takes to run a simple statement (0.6–1 ms each, measured on a registration). A prepared
statement is defined by an ordinary queryset, built once with placeholder arguments; its SQL
is kept, and each call swaps the placeholders for the real values and executes it. The
queryset stays the definition (the same lookups, the same database-specific SQL, e.g. no
``FOR UPDATE`` on SQLite); only the repetition of its compilation goes.

Arguments must be plain values that the query passes through as parameters (primary keys,
not expressions), each appearing as a parameter (a select's argument may appear more than once,
e.g. in two subqueries).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

from django.db import connections, models
from django.db.models.sql import UpdateQuery

M = TypeVar("M", bound=models.Model)

_compiled: dict[tuple[str, ...], Any] = {}
_lock = threading.Lock()


class _Placeholder(int):
    """An argument while the SQL is compiled: an int that no real value equals by identity."""


def _placeholders(count: int) -> list[_Placeholder]:
    return [_Placeholder(-1_000_000_007 - n) for n in range(count)]


def _positions(params: tuple[Any, ...], placeholders: list[_Placeholder]) -> list[int | None]:
    """For each parameter of the SQL, the index of the argument it takes (None: a constant)."""
    positions: list[int | None] = []
    for param in params:
        index = next((i for i, p in enumerate(placeholders) if param is p), None)
        if index is None:  # coerced by a field's preparation: to int, or to text (a slug)
            index = next(
                (
                    i
                    for i, p in enumerate(placeholders)
                    if (type(param) is int and param == int(p))
                    or (type(param) is str and param == str(int(p)))
                ),
                None,
            )
        positions.append(index)
    return positions


class PreparedSelect(Generic[M]):
    def __init__(self, build: Callable[..., models.QuerySet[M]], arity: int, using: str) -> None:
        placeholders = _placeholders(arity)
        queryset = build(*placeholders)
        compiler = queryset.query.get_compiler(using)
        sql, params = compiler.as_sql()
        self.sql, self.params = sql, params
        self.positions = _positions(params, placeholders)
        if {p for p in self.positions if p is not None} != set(range(arity)):
            raise ValueError("Each argument must appear as a parameter of the query.")
        self.model = queryset.model
        klass_info = compiler.klass_info or {}
        self.field_columns = klass_info.get("select_fields", [])
        self.field_names = [compiler.select[i][0].target.attname for i in self.field_columns]
        self.annotations = dict(compiler.annotation_col_map or {})
        # The database's conversions of the values read (SQLite's dates, decimals…), as the
        # ORM applies them; they depend on the columns, not on the connection's state.
        self.compiler = compiler
        self.converters = compiler.get_converters([column[0] for column in compiler.select])
        self.using = using

    def get(self, *args: Any) -> M | None:
        """The first row as a model instance, with the query's annotations set on it."""
        params = [self.params[i] if p is None else args[p] for i, p in enumerate(self.positions)]
        with connections[self.using].cursor() as cursor:
            cursor.execute(self.sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        if self.converters:
            row = next(iter(self.compiler.apply_converters([row], self.converters)))
        instance = self.model.from_db(
            self.using, self.field_names, [row[i] for i in self.field_columns]
        )
        for name, index in self.annotations.items():
            setattr(instance, name, row[index])
        return instance


class PreparedUpdate:
    def __init__(
        self,
        build: Callable[..., models.QuerySet[Any]],
        values: Mapping[str, Any],
        arity: int,
        using: str,
    ) -> None:
        placeholders = _placeholders(arity)
        query = build(*placeholders).query.chain(UpdateQuery)
        assert isinstance(query, UpdateQuery)
        query.add_update_values(dict(values))
        sql, params = query.get_compiler(using).as_sql()
        self.sql, self.params = sql, params
        self.positions = _positions(params, placeholders)
        if sum(p is not None for p in self.positions) != arity:
            raise ValueError("Each argument must appear once as a parameter of the query.")
        self.using = using

    def execute(self, *args: Any) -> int:
        """Run the UPDATE; returns the number of rows changed."""
        params = [self.params[i] if p is None else args[p] for i, p in enumerate(self.positions)]
        with connections[self.using].cursor() as cursor:
            cursor.execute(self.sql, params)
            return cursor.rowcount


def compiled_once(key: tuple[str, ...], make: Callable[[], Any]) -> Any:
    """The statement of ``key``, made by ``make()`` the first time (once per process, whichever
    thread asks first). portal.prepared_lists keeps its statements here too, under keys of
    their own kind."""
    statement = _compiled.get(key)
    if statement is None:
        with _lock:
            statement = _compiled.get(key)
            if statement is None:
                statement = _compiled[key] = make()
    return statement


def prepared_select(
    name: str, build: Callable[..., models.QuerySet[M]], *, using: str = "default"
) -> PreparedSelect[M]:
    """The statement ``name`` of ``build(*arguments)``, compiled at its first use."""
    arity = build.__code__.co_argcount
    return compiled_once(("select", name, using), lambda: PreparedSelect(build, arity, using))


def prepared_update(
    name: str,
    build: Callable[..., models.QuerySet[Any]],
    values: Mapping[str, Any],
    *,
    using: str = "default",
) -> PreparedUpdate:
    """``build(*arguments).update(**values)`` as the statement ``name``, compiled once."""
    arity = build.__code__.co_argcount
    return compiled_once(
        ("update", name, using), lambda: PreparedUpdate(build, values, arity, using)
    )
