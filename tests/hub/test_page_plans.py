"""A province's page and a chantier's page read their lists and figures through indexes made for
them, in their order: their cost does not grow with the rows of the other provinces, chantiers
and catalogue entries (the bench's 100× data)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.page_times import next_event_change
from events.selectors import event_list_of_chantier, event_public_queryset
from expertises.selectors import facilitator_highlights, facilitators_covering
from projets.selectors import _page_of, _public_projects, project_counts
from tests.chantiers.factories import ChantierFactory
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db


def plan(queryset) -> str:
    """The database's plan for ``queryset``; on PostgreSQL, with sequential scans and sorts
    priced out (a test's few rows would otherwise be read whole), so that it shows the index
    it can use."""
    sql, params = queryset.query.sql_with_params()
    return plan_of(sql, params)


def plan_of_read(read) -> str:
    """The plan of the one statement ``read()`` runs (a statement compiled once: its SQL as
    the database received it, or on PostgreSQL the ``EXECUTE`` of it prepared on the server)."""
    with CaptureQueriesContext(connection) as queries:
        read()
    selects = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip("(").startswith(("SELECT", "EXECUTE"))
    ]
    (statement,) = selects
    return plan_of(statement, ())


def plan_of(sql: str, params) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            # A statement prepared on the server is planned afresh under these settings, not
            # with the plan it may have kept from earlier calls.
            cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row) for row in cursor.fetchall())


def in_order(found: str, index: str) -> None:
    assert index in found, found
    assert "TEMP B-TREE FOR ORDER BY" not in found, found  # SQLite's sort
    assert "Sort Key" not in found, found  # PostgreSQL's


def test_a_province_s_projects_by_name_and_their_counts():
    province = ProvinceFactory()
    in_order(plan(_page_of(province.pk)[0:10]), "project_province_name")
    # Both counts from the index alone.
    assert project_counts(province_pk=province.pk) == {"projects": 0, "located": 0}
    assert "project_province_name" in plan(_public_projects(province.pk).located())


def test_a_province_s_events_by_date():
    province = ProvinceFactory()
    now = timezone.now()
    events = event_public_queryset().filter(province_id=province.pk)
    in_order(plan(events.upcoming(now)[:6]), "event_province_start")
    in_order(plan(events.past(now)[:5]), "event_province_start")


def test_the_first_facilitators_of_a_province_by_name():
    province = ProvinceFactory()
    in_order(plan(facilitators_covering(province=province.pk)[:10]), "facilitator_name")


def test_a_chantier_s_latest_events_and_their_count_from_one_index():
    chantier = ChantierFactory()
    found = plan_of_read(lambda: event_list_of_chantier(chantier=chantier, limit=5))
    in_order(found, "event_chantier_start")
    if connection.vendor == "sqlite":
        # The events read in order and counted from the index, never from the table.
        assert "USING INDEX event_chantier_start" in found, found
        assert "SCAN events_event" not in found, found


def test_the_catalogue_s_glimpse_reads_the_latest_reviewed_first():
    in_order(plan_of_read(facilitator_highlights), "facilitator_reviewed")


def test_the_next_change_of_the_events_is_four_index_probes():
    # Read at each new content version: it must not read every event.
    found = plan_of_read(lambda: next_event_change(timezone.now()))
    for index in (
        "events_even_status_336136_idx",  # (status, start)
        "event_status_end",
        "event_status_opens",
        "event_status_closes",
    ):
        assert index in found, found
    assert "SCAN events_event" not in found, found  # SQLite's reading of the whole table
    assert "Seq Scan" not in found, found  # PostgreSQL's
