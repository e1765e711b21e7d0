"""On PostgreSQL, the statements compiled once are also prepared on the server (PREPARE once per
connection, then EXECUTE): the same rows, one query a call, and a refusal or a value of no known
type sent as text, as before."""

from __future__ import annotations

import logging
import os

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from events.models import Event
from portal import prepared
from portal.prepared import _numbered, execute, prepared_select
from tests.events.factories import EventFactory

# Marked ``services``: deselected with the other PostgreSQL tests on SQLite.
requires_postgresql = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="DATABASE_URL PostgreSQL absent : ce test a besoin de PostgreSQL",
)


def test_the_orm_s_sql_becomes_postgresql_s_own():
    sql = "SELECT a FROM t WHERE a = %s AND b LIKE '%%x' AND c IN (%s, %s)"
    assert _numbered(sql) == "SELECT a FROM t WHERE a = $1 AND b LIKE '%x' AND c IN ($2, $3)"


def _by_slug(slug):
    return Event.objects.filter(slug=slug)


def _server_statements() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements WHERE name LIKE 'portal_%%'")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db
def test_a_call_is_one_query_on_either_database(django_assert_num_queries):
    event = EventFactory(slug="une-requete")
    statement = prepared_select("tests.server.one_query", _by_slug)
    for _ in range(2):
        with django_assert_num_queries(1):
            assert statement.get("une-requete").pk == event.pk
    # Only PostgreSQL's connections keep prepared statements.
    assert hasattr(connection, "portal_prepared") == (connection.vendor == "postgresql")


@pytest.mark.django_db
@pytest.mark.services
@requires_postgresql
def test_a_statement_is_prepared_once_per_connection_and_reads_the_same_rows():
    first, second = EventFactory(slug="premier-pg"), EventFactory(slug="second-pg")
    statement = prepared_select("tests.server.by_slug", _by_slug)

    with CaptureQueriesContext(connection) as queries:
        read = statement.get("premier-pg")
    assert read.pk == first.pk and read.start == Event.objects.get(pk=first.pk).start
    # One query of the request: the EXECUTE (the PREPARE is the connection's own set-up).
    assert [q["sql"].split(" ", 1)[0] for q in queries.captured_queries] == ["EXECUTE"]
    names = _server_statements()
    assert len(names) >= 1 and names <= connection.portal_prepared

    with CaptureQueriesContext(connection) as queries:
        assert statement.get("second-pg").pk == second.pk
        assert statement.get("aucun") is None
    assert [q["sql"].split(" ", 1)[0] for q in queries.captured_queries] == ["EXECUTE"] * 2
    assert _server_statements() == names  # nothing prepared again


@pytest.mark.django_db(transaction=True)
@pytest.mark.services
@requires_postgresql
def test_a_new_connection_prepares_again():
    event = EventFactory(slug="reconnexion")
    statement = prepared_select("tests.server.reconnect", _by_slug)
    assert statement.get("reconnexion").pk == event.pk

    connection.close()
    connection.ensure_connection()
    assert connection.portal_prepared == set()  # forgotten with the old connection
    assert _server_statements() == set()
    assert statement.get("reconnexion").pk == event.pk
    assert _server_statements() == connection.portal_prepared != set()


@pytest.mark.django_db
@pytest.mark.services
@requires_postgresql
def test_a_refused_statement_is_sent_as_text_and_the_transaction_goes_on(caplog):
    # Declared as text, ``$1 + 1`` has no operator; sent as text, '41' + 1 is 42.
    sql = "SELECT %s + 1"
    with transaction.atomic(), connection.cursor() as cursor:
        with caplog.at_level(logging.WARNING, logger="portal.prepared"):
            execute(cursor, sql, ["41"])
        assert cursor.fetchone() == (42,)
        cursor.execute("SELECT 2")  # the transaction was not left failed
        assert cursor.fetchone() == (2,)
        execute(cursor, sql, ["1"])  # not tried again
        assert cursor.fetchone() == (2,)
    assert "did not prepare" in caplog.text
    assert caplog.text.count("did not prepare") == 1


@pytest.mark.django_db
@pytest.mark.services
@requires_postgresql
def test_percent_signs_and_values_of_no_known_type():
    with connection.cursor() as cursor:
        execute(cursor, "SELECT %s || '%%'", ["50"])
        assert cursor.fetchone() == ("50%",)
    before = _server_statements()
    with CaptureQueriesContext(connection) as queries, connection.cursor() as cursor:
        execute(cursor, "SELECT %s::int IS NULL", [None])
        assert cursor.fetchone() == (True,)
    assert [q["sql"] for q in queries.captured_queries] == ["SELECT NULL::int IS NULL"]
    assert _server_statements() == before


@pytest.mark.django_db
@pytest.mark.services
@requires_postgresql
def test_in_a_failed_transaction_nothing_is_prepared():
    before = _server_statements()
    refused = set(prepared._unpreparable)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SAVEPOINT broken")
        with pytest.raises(DatabaseError):
            cursor.execute("SELECT 1/0")
        with pytest.raises(DatabaseError):
            execute(cursor, "SELECT %s::int + 2", [1])  # as the text would have failed
        assert prepared._unpreparable == refused and connection.portal_prepared >= before
        cursor.execute("ROLLBACK TO SAVEPOINT broken")
        execute(cursor, "SELECT %s::int + 2", [1])  # then prepared, once it can be
        assert cursor.fetchone() == (3,)
    assert len(_server_statements() - before) == 1
    assert prepared._unpreparable == refused
