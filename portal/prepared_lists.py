"""List queries compiled once per process: the fixed-shape reads a page makes on every cache miss.

``portal.prepared`` keeps the SQL of statements that read one row or update rows. Here, those
that read a list, as the ORM's own iterable would give it: model instances with their
``select_related`` rows and annotations, or plain tuples (``values_list``). On the public pages
the ORM's building and compiling of such a query costs five to twenty times what the database
takes to run it (the home page's next steps: 2.5 ms to compile, 0.1 ms to run).

The statement is defined by an ordinary queryset, ``build(*arguments)``, compiled twice at its
first use with two sets of sample arguments; its SQL must be the same both times. Each
parameter that differs between the two must be an argument, or a declared derivation of one
(``derive``: the start of the day of ``now``), as the database adapter received it; otherwise
the definition is refused (``ValueError``), so that nothing that varies is ever frozen into the
SQL. A parameter the same in both is a constant of the query (a status, a time zone name).
Arguments are plain values (datetimes, primary keys, slugs), not model instances.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.db import connections, models
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]

M = TypeVar("M", bound=models.Model)

Source = tuple[int, Callable[[Any], Any], Callable[[Any], Any]] | None

_compiled: dict[tuple[str, str], Any] = {}
_lock = threading.Lock()


def _identity(value: Any) -> Any:
    return value


def _adapters(using: str) -> list[Callable[[Any], Any]]:
    ops = connections[using].ops
    return [_identity, ops.adapt_datetimefield_value, ops.adapt_datefield_value]


def _sources(
    params_a: Sequence[Any],
    params_b: Sequence[Any],
    samples: tuple[Sequence[Any], Sequence[Any]],
    derive: Sequence[Callable[[Any], Any]],
    using: str,
) -> list[Source]:
    """For each parameter: None (a constant), or (argument, derivation, adapter)."""
    candidates = [(i, fn) for i in range(len(samples[0])) for fn in (_identity, *derive)]
    adapters = _adapters(using)
    sources: list[Source] = []
    for a, b in zip(params_a, params_b, strict=True):
        if type(a) is type(b) and a == b:
            sources.append(None)
            continue
        found: Source = None
        for index, fn in candidates:
            for adapt in adapters:
                try:
                    if adapt(fn(samples[0][index])) == a and adapt(fn(samples[1][index])) == b:
                        found = (index, fn, adapt)
                        break
                except (TypeError, ValueError, AttributeError):
                    continue
            if found:
                break
        if found is None:
            raise ValueError(f"A parameter varies with the arguments in no declared way: {a!r}.")
        sources.append(found)
    return sources


class PreparedList(Generic[M]):
    def __init__(
        self,
        build: Callable[..., models.QuerySet[M]],
        samples: tuple[Sequence[Any], Sequence[Any]],
        derive: Sequence[Callable[[Any], Any]],
        using: str,
    ) -> None:
        if any(a == b for a, b in zip(*samples, strict=True)):
            raise ValueError("The two samples must differ in every argument.")
        compilers = [build(*sample).query.get_compiler(using) for sample in samples]
        (sql, params_a), (sql_b, params_b) = (c.as_sql() for c in compilers)
        if sql != sql_b or len(params_a) != len(params_b):
            raise ValueError("The query's shape depends on its arguments.")
        compiler = compilers[0]
        self.sql, self.params = sql, list(params_a)
        self.sources = _sources(params_a, params_b, samples, derive, using)
        self.using = using
        self.compiler = compiler
        self.columns = compiler.col_count
        self.converters = compiler.get_converters([s[0] for s in compiler.select[: self.columns]])
        klass_info = compiler.klass_info
        if klass_info:
            fields = klass_info["select_fields"]
            self.start, self.end = fields[0], fields[-1] + 1
            self.model = klass_info["model"]
            self.init_list = [s[0].target.attname for s in compiler.select[self.start : self.end]]
            self.klass_info = klass_info
            self.annotations = dict(compiler.annotation_col_map or {})

    def _rows(self, args: Sequence[Any]) -> list[Any]:
        params = [
            self.params[i] if source is None else source[2](source[1](args[source[0]]))
            for i, source in enumerate(self.sources)
        ]
        with connections[self.using].cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.converters:
            rows = list(self.compiler.apply_converters(rows, self.converters))
        return [row[: self.columns] for row in rows]

    def tuples(self, *args: Any) -> list[tuple[Any, ...]]:
        """The rows as tuples (a ``values_list`` query)."""
        return [tuple(row) for row in self._rows(args)]

    def all(self, *args: Any) -> list[M]:
        """The rows as model instances, with their related rows and annotations set."""
        rows = self._rows(args)
        populators = get_related_populators(self.klass_info, self.compiler.select, self.using)
        objects = []
        for row in rows:
            obj = self.model.from_db(self.using, self.init_list, row[self.start : self.end])
            for populator in populators:
                populator.populate(row, obj)
            for name, index in self.annotations.items():
                setattr(obj, name, row[index])
            objects.append(obj)
        return objects


def prepared_list(
    name: str,
    build: Callable[..., models.QuerySet[M]],
    *,
    samples: tuple[Sequence[Any], Sequence[Any]] = ((), ()),
    derive: Sequence[Callable[[Any], Any]] = (),
    using: str = "default",
) -> PreparedList[M]:
    """The statement ``name`` of ``build(*arguments)``, compiled at its first use (see the
    module's note for ``samples`` and ``derive``)."""
    key = (name, using)
    statement = _compiled.get(key)
    if statement is None:
        with _lock:
            statement = _compiled.get(key)
            if statement is None:
                statement = _compiled[key] = PreparedList(build, samples, derive, using)
    return statement
