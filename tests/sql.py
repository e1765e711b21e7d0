"""Captured queries as SQL text. On PostgreSQL a statement compiled once (``portal.prepared``)
is prepared on the server and captured as ``EXECUTE portal_… (values)``: its text is the one
the server keeps for it (parameters as ``$1``, ``$2``…)."""

from __future__ import annotations

import re
from typing import Any

from django.db import connection

_EXECUTE = re.compile(r"EXECUTE (portal_[0-9a-f]+)\b")


def statement_text(sql: str) -> str:
    """``sql``, or for an ``EXECUTE`` the text of the statement it runs."""
    match = _EXECUTE.match(sql)
    if match is None:
        return sql
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name = %s", [match[1]])
        (text,) = cursor.fetchone()
    return text.split(" AS ", 1)[1]  # after "PREPARE name (types)"


def captured_sql(queries: Any) -> list[str]:
    """The SQL of each query a ``CaptureQueriesContext`` captured, prepared ones as text."""
    return [statement_text(query["sql"]) for query in queries.captured_queries]
