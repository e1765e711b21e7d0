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

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.db import connections, models
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]

from portal.counts import count_sql
from portal.prepared import compiled_once, execute

M = TypeVar("M", bound=models.Model)

Source = tuple[int, Callable[[Any], Any], Callable[[Any], Any]] | None


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


# A page's window while a paged statement is compiled: numbers no page uses, found at the end
# of the SQL and made parameters.
_LIMIT, _OFFSET = 7_654_321, 1_234_567


class _Statement:
    """SQL compiled from two samples of arguments, and where each parameter comes from."""

    sql: str
    params: list[Any]
    sources: list[Source]
    using: str

    def _prepare(
        self,
        compile_sample: Callable[[Sequence[Any]], tuple[str, Sequence[Any]]],
        samples: tuple[Sequence[Any], Sequence[Any]],
        derive: Sequence[Callable[[Any], Any]],
        using: str,
    ) -> None:
        if any(a == b for a, b in zip(*samples, strict=True)):
            raise ValueError("The two samples must differ in every argument.")
        (sql, params_a), (sql_b, params_b) = (compile_sample(sample) for sample in samples)
        if sql != sql_b or len(params_a) != len(params_b):
            raise ValueError("The query's shape depends on its arguments.")
        self.sql, self.params = sql, list(params_a)
        self.sources = _sources(params_a, params_b, samples, derive, using)
        self.using = using

    def _execute(self, args: Sequence[Any], extra: Sequence[Any] = ()) -> list[Any]:
        params = [
            self.params[i] if source is None else source[2](source[1](args[source[0]]))
            for i, source in enumerate(self.sources)
        ]
        with connections[self.using].cursor() as cursor:
            execute(cursor, self.sql, [*params, *extra])
            return cursor.fetchall()


class PreparedList(_Statement, Generic[M]):
    def __init__(
        self,
        build: Callable[..., models.QuerySet[M]],
        samples: tuple[Sequence[Any], Sequence[Any]],
        derive: Sequence[Callable[[Any], Any]],
        using: str,
        paged: bool = False,
    ) -> None:
        compilers: list[Any] = []
        window = f"LIMIT {_LIMIT} OFFSET {_OFFSET}"

        def compile_sample(sample: Sequence[Any]) -> tuple[str, Sequence[Any]]:
            queryset = build(*sample)
            if paged:
                queryset = queryset[_OFFSET : _OFFSET + _LIMIT]
            compiler = queryset.query.get_compiler(using)
            compilers.append(compiler)
            sql, params = compiler.as_sql()
            if paged:
                if not sql.endswith(window):
                    raise ValueError("A paged statement must end with its window.")
                sql = sql[: -len(window)] + "LIMIT %s OFFSET %s"
            return sql, params

        self._prepare(compile_sample, samples, derive, using)
        self.paged = paged
        compiler = self.compiler = compilers[0]
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

    def _rows(self, args: Sequence[Any], window: tuple[int, int] | None) -> list[Any]:
        if self.paged != (window is not None):
            raise TypeError("A paged statement takes a window (offset, limit), no other does.")
        rows = self._execute(args, () if window is None else (window[1], window[0]))
        if self.converters:
            rows = list(self.compiler.apply_converters(rows, self.converters))
        return [row[: self.columns] for row in rows]

    def tuples(self, *args: Any, window: tuple[int, int] | None = None) -> list[tuple[Any, ...]]:
        """The rows as tuples (a ``values_list`` query)."""
        return [tuple(row) for row in self._rows(args, window)]

    def all(self, *args: Any, window: tuple[int, int] | None = None) -> list[M]:
        """The rows as model instances, with their related rows and annotations set;
        ``window``: (offset, limit) of a paged statement."""
        rows = self._rows(args, window)
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


class PreparedCounts(_Statement):
    """``portal.counts.count_many`` compiled once: ``build(*arguments)`` gives the querysets."""

    def __init__(
        self,
        build: Callable[..., dict[str, models.QuerySet[Any]]],
        samples: tuple[Sequence[Any], Sequence[Any]],
        derive: Sequence[Callable[[Any], Any]],
        using: str,
    ) -> None:
        names: list[str] = []

        def compile_sample(sample: Sequence[Any]) -> tuple[str, Sequence[Any]]:
            querysets = build(*sample)
            names[:] = list(querysets)
            return count_sql(querysets)

        self._prepare(compile_sample, samples, derive, using)
        self.names = names

    def counts(self, *args: Any) -> dict[str, int]:
        row = self._execute(args)[0]
        return {name: int(value) for name, value in zip(self.names, row, strict=True)}


def prepared_list(
    name: str,
    build: Callable[..., models.QuerySet[M]],
    *,
    samples: tuple[Sequence[Any], Sequence[Any]] = ((), ()),
    derive: Sequence[Callable[[Any], Any]] = (),
    paged: bool = False,
    using: str = "default",
) -> PreparedList[M]:
    """The statement ``name`` of ``build(*arguments)``, compiled at its first use (see the
    module's note for ``samples`` and ``derive``). ``paged``: ``build`` gives the whole list,
    and each call names its window (LIMIT and OFFSET become parameters)."""
    return compiled_once(  # type: ignore[no-any-return]
        ("list", name, using), lambda: PreparedList(build, samples, derive, using, paged)
    )


def prepared_counts(
    name: str,
    build: Callable[..., dict[str, models.QuerySet[Any]]],
    *,
    samples: tuple[Sequence[Any], Sequence[Any]] = ((), ()),
    derive: Sequence[Callable[[Any], Any]] = (),
    using: str = "default",
) -> PreparedCounts:
    """``count_many(**build(*arguments))`` as the statement ``name``, compiled at first use."""
    return compiled_once(  # type: ignore[no-any-return]
        ("counts", name, using), lambda: PreparedCounts(build, samples, derive, using)
    )


class Windows(Generic[M]):
    """A list read one window at a time, as a paginator's object list: slicing it calls
    ``fetch(offset, limit)`` (a paged statement), ``len`` is the count already read."""

    def __init__(self, count: int, fetch: Callable[[int, int], list[M]]) -> None:
        self.count, self.fetch = count, fetch

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, window: slice) -> list[M]:
        start, stop = window.start or 0, window.stop
        return self.fetch(start, stop - start) if stop > start else []
