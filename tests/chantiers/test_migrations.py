"""The data migration gives the steps of an existing database honest values (0005)."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from chantiers.models import Step

D = datetime.date
BEFORE = [("chantiers", "0003_news")]


@pytest.mark.django_db(transaction=True)
def test_existing_steps_get_honest_values():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    chantier = old.get_model("chantiers", "Chantier").objects.create(
        title="Communication", slug="communication"
    )
    OldStep = old.get_model("chantiers", "Step")

    def old_step(order, **fields):
        return OldStep.objects.create(
            chantier=chantier, order=order, title=f"Étape {order}", **fields
        )

    semester = old_step(1, start_date=D(2021, 7, 1), end_date=D(2021, 12, 31))
    past_days = old_step(2, start_date=D(2021, 6, 1), end_date=D(2021, 6, 24))
    one_day = old_step(3, start_date=D(2021, 6, 1), end_date=D(2021, 6, 1))
    months = old_step(4, start_date=D(2022, 3, 1), end_date=D(2022, 5, 31))
    continuous = old_step(5, is_continuous=True)
    undated = old_step(6, description="Date à définir.")
    declared_done = old_step(7, declared_status="done")
    end_only = old_step(8, end_date=D(2021, 9, 30))
    described = old_step(9, start_date=D(2021, 6, 1), description="Date à définir.")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    steps = {step.pk: step for step in Step.objects.all()}

    def values(old, *fields):
        return tuple(getattr(steps[old.pk], field) for field in fields)

    fields = ("start_date", "end_date", "date_precision", "status")
    # "2e semestre": the invented 1 July – 31 December is a semester again, and not done.
    assert values(semester, *fields) == (D(2021, 7, 1), None, "semester", "planned")
    assert steps[semester.pk].when() == "2e semestre 2021"
    # Past days stay days, but nothing is "done" because of a date.
    assert values(past_days, *fields) == (D(2021, 6, 1), D(2021, 6, 24), "day", "planned")
    assert values(one_day, *fields) == (D(2021, 6, 1), None, "day", "planned")
    assert values(months, *fields) == (D(2022, 3, 1), D(2022, 5, 31), "month", "planned")
    assert values(continuous, "status", "is_continuous") == ("ongoing", True)
    assert values(undated, "description", "status") == ("", "planned")
    assert values(declared_done, "status") == ("done",)
    assert values(end_only, "start_date", "end_date") == (D(2021, 9, 30), None)
    assert values(described, "description") == ("Date à définir.",)  # it has a date
