"""A province's page reads its lists and figures through indexes made for them, in their order:
their cost does not grow with the rows of the other provinces (the bench's 100× data)."""

import pytest
from django.db import connection
from django.utils import timezone

from events.selectors import event_public_queryset
from expertises.selectors import facilitators_covering
from projets.selectors import _page_of, _public_projects, project_counts
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db


def plan(queryset) -> str:
    """The database's plan for ``queryset``; on PostgreSQL, with sequential scans and sorts
    priced out (a test's few rows would otherwise be read whole), so that it shows the index
    it can use."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
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
