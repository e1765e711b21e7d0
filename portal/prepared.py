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

On PostgreSQL the statements of this module and of ``portal.prepared_lists`` are also prepared
on the server (``PREPARE``, once per connection), then run by ``EXECUTE``: PostgreSQL plans a
statement each time it receives its text, and for the pages' joins that planning cost more than
running them (the chantier page's statements: 3.7 ms of the server's CPU a miss, 1.3 ms
prepared). Each parameter is declared with the type of its first value; a statement whose
values have no such type (``None``, a list), or that PostgreSQL refuses to prepare, is sent as
text, as before. A pooler that shares server sessions between clients (PgBouncer in
transaction mode) would lose the prepared statements: the portal connects to PostgreSQL
directly.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.db import connections, models
from django.db.models.sql import UpdateQuery

M = TypeVar("M", bound=models.Model)

logger = logging.getLogger(__name__)

_compiled: dict[tuple[str, ...], Any] = {}
_lock = threading.Lock()

# The names of statements PostgreSQL refused to prepare, in this process: sent as text.
_unpreparable: set[str] = set()
# The server's name of each statement and its parameters' types, worked out once per process.
_names: dict[tuple[str, tuple[str, ...]], str] = {}
_PLACEHOLDER = re.compile(r"%[s%]")


def _server_type(value: Any) -> str | None:
    """The PostgreSQL type a parameter is declared with, from its value (None: unknown)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "bigint"
    if isinstance(value, float):
        return "double precision"
    if isinstance(value, Decimal):
        return "numeric"
    if isinstance(value, str):
        return "text"
    if isinstance(value, datetime):
        return "timestamptz" if value.tzinfo is not None else "timestamp"
    if isinstance(value, date):
        return "date"
    if isinstance(value, time):
        return "time"
    return None


def _numbered(sql: str) -> str:
    """The SQL of the ORM (``%s`` parameters, ``%%`` for a percent sign) as PostgreSQL's own."""
    numbers = itertools.count(1)
    return _PLACEHOLDER.sub(lambda m: f"${next(numbers)}" if m.group() == "%s" else "%", sql)


def prepared_statements_forget(connection: Any, **kwargs: Any) -> None:
    """A new PostgreSQL connection (``connection_created``) holds no prepared statement yet."""
    if connection.vendor == "postgresql":
        connection.portal_prepared = set()


def _prepare(database: Any, name: str, types: tuple[str, ...], sql: str) -> bool | None:
    """``PREPARE`` on the connection itself, as Django sets a connection up (not one of a
    request's queries), in a savepoint inside a transaction so that a refusal leaves the
    transaction usable. True: prepared; False: PostgreSQL refused; None: not tried (the
    transaction has failed already)."""
    from psycopg2 import Error, errors
    from psycopg2.extensions import TRANSACTION_STATUS_IDLE, TRANSACTION_STATUS_INTRANS

    raw = database.connection
    status = raw.get_transaction_status()
    if status not in (TRANSACTION_STATUS_IDLE, TRANSACTION_STATUS_INTRANS):
        return None
    in_transaction = status == TRANSACTION_STATUS_INTRANS
    declared = f" ({', '.join(types)})" if types else ""
    with raw.cursor() as cursor:
        if in_transaction:
            cursor.execute("SAVEPOINT portal_prepare")
        try:
            cursor.execute(f"PREPARE {name}{declared} AS {_numbered(sql)}")
        except Error as error:
            if in_transaction:
                cursor.execute("ROLLBACK TO SAVEPOINT portal_prepare")
                cursor.execute("RELEASE SAVEPOINT portal_prepare")
            # Already there: prepared on this session before Django's record of it was reset.
            return isinstance(error, errors.DuplicatePreparedStatement)
        if in_transaction:
            cursor.execute("RELEASE SAVEPOINT portal_prepare")
    return True


def execute(cursor: Any, sql: str, params: Sequence[Any]) -> None:
    """Run a statement of this module or of ``portal.prepared_lists`` on ``cursor`` (Django's);
    the caller reads its rows or its row count. On PostgreSQL, prepared on the connection the
    first time, then executed: one query either way."""
    database = cursor.db
    if database.vendor != "postgresql":
        cursor.execute(sql, params)
        return
    types = tuple(_server_type(value) for value in params)
    if None in types:
        cursor.execute(sql, params)
        return
    name = _names.get((sql, types))  # type: ignore[arg-type]
    if name is None:
        name = "portal_" + hashlib.sha256(f"{sql}|{types}".encode()).hexdigest()[:32]
        _names[sql, types] = name  # type: ignore[index]
    prepared = getattr(database, "portal_prepared", None)
    if prepared is None:
        prepared = database.portal_prepared = set()
    if name not in prepared:
        outcome = None if name in _unpreparable else _prepare(database, name, types, sql)  # type: ignore[arg-type]
        if not outcome:
            if outcome is False:
                logger.warning("Sent as text: PostgreSQL did not prepare %s", sql)
                _unpreparable.add(name)
            cursor.execute(sql, params)
            return
        prepared.add(name)
    if params:
        cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(params))})", params)
    else:
        cursor.execute(f"EXECUTE {name}")


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
            execute(cursor, self.sql, params)
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
            execute(cursor, self.sql, params)
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
