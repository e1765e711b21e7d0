"""A step's status that doesn't lie, its periods and "en continu", on SQLite and PostgreSQL."""

import datetime
import itertools
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from chantiers import models as chantiers_models
from chantiers.models import Step
from events.models import Event
from tests.chantiers.factories import StepFactory
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")
D = datetime.date
NOW = datetime.datetime(2026, 12, 4, 15, 0, tzinfo=BRUSSELS)
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def test_the_event_statuses_read_through_the_relation_are_the_events_own():
    assert chantiers_models.EVENT_PUBLISHED == Event.Status.PUBLISHED
    assert chantiers_models.EVENT_CANCELLED == Event.Status.CANCELLED
    assert set(chantiers_models.EVENT_PUBLIC) == {Event.Status.PUBLISHED, Event.Status.CANCELLED}


# Events in every state a step meets, around NOW (a Friday, 15:00 in Brussels).
EVENTS = {
    "none": None,
    "upcoming": {"start": NOW + 2 * DAY, "end": NOW + 2 * DAY + 3 * HOUR},
    "under_way": {"start": NOW - HOUR, "end": NOW + 2 * HOUR},
    "started_today_no_end": {"start": NOW - 2 * HOUR, "end": None},
    "took_place": {"start": NOW - 30 * DAY, "end": NOW - 30 * DAY + 3 * HOUR},
    "took_place_no_end": {"start": NOW - DAY, "end": None},
    "past_but_cancelled": {"start": NOW - 30 * DAY, "end": None, "status": "cancelled"},
    "past_draft": {"start": NOW - 30 * DAY, "end": None, "status": "draft"},
}
OVER = {"took_place", "took_place_no_end"}
UNDER_WAY = {"under_way", "started_today_no_end"}


def expected(stored: str, event: str) -> str:
    if stored in ("planned", "ongoing") and event in OVER:
        return "done"
    if stored == "planned" and event in UNDER_WAY:
        return "ongoing"
    return stored


@pytest.fixture
def matrix():
    steps = {}
    for number, (stored, event) in enumerate(itertools.product(Step.Status.values, EVENTS), 1):
        fields = EVENTS[event]
        steps[stored, event] = StepFactory(
            order=number,
            status=stored,
            event=EventFactory(**fields) if fields else None,
        )
    return steps


def test_a_step_shows_its_declared_status_unless_its_event_took_place_or_runs(matrix):
    for (stored, event), step in matrix.items():
        step.refresh_from_db()
        assert step.status_at(NOW) == expected(stored, event), (stored, event)


def test_the_query_and_python_agree_on_every_status(matrix):
    annotated = {
        step.pk: step.effective_status
        for step in Step.objects.with_current_status(NOW).select_related("event")
    }
    for (stored, event), step in matrix.items():
        assert annotated[step.pk] == expected(stored, event), (stored, event)


def test_a_date_alone_never_makes_a_step_done():
    step = StepFactory(start_date=D(2021, 7, 1), date_precision=Step.Precision.SEMESTER)

    assert step.status_at(NOW) == Step.Status.PLANNED
    assert Step.objects.with_current_status(NOW).get().effective_status == "planned"


def test_staff_statuses_other_than_planned_and_ongoing_win_over_the_event():
    event = EventFactory(start=NOW - 30 * DAY)
    postponed = StepFactory(status=Step.Status.POSTPONED, event=event)
    cancelled = StepFactory(status=Step.Status.CANCELLED, event=event)

    assert postponed.status_at(NOW) == Step.Status.POSTPONED
    assert cancelled.status_at(NOW) == Step.Status.CANCELLED


def test_current_status_reads_the_annotation_or_computes_it():
    StepFactory(event=EventFactory(start=timezone.now() - 30 * DAY))

    assert Step.objects.with_current_status().get().current_status == Step.Status.DONE
    assert Step.objects.get().current_status == Step.Status.DONE


def test_only_an_event_anyone_may_open_is_linked():
    published = StepFactory(event=EventFactory())
    cancelled = StepFactory(event=EventFactory(status="cancelled"))
    draft = StepFactory(event=EventFactory(status="draft"))

    assert published.public_event == published.event
    assert cancelled.public_event == cancelled.event
    assert draft.public_event is None
    assert StepFactory().public_event is None


# --- Time ----------------------------------------------------------------------------------


def test_a_step_says_when_it_is_in_words():
    assert StepFactory(is_continuous=True).when() == "En continu"
    assert (
        StepFactory(
            is_continuous=True, start_date=D(2022, 3, 1), date_precision=Step.Precision.MONTH
        ).when()
        == "En continu depuis mars 2022"
    )
    assert StepFactory().when() == "Date à définir"
    assert StepFactory(start_date=D(2021, 6, 1)).when() == "mardi 1er juin 2021"
    assert (
        StepFactory(start_date=D(2021, 6, 1), end_date=D(2021, 6, 24)).when()
        == "du mardi 1er juin 2021 au jeudi 24 juin 2021"
    )


def test_a_step_without_dates_takes_its_events_days():
    start = datetime.datetime(2021, 6, 1, 14, 0, tzinfo=BRUSSELS)
    step = StepFactory(event=EventFactory(start=start, end=start + 2 * DAY))

    assert step.period is not None
    assert (step.period.start, step.period.end) == (D(2021, 6, 1), D(2021, 6, 3))
    assert StepFactory(event=EventFactory(start=start, end=None)).when() == "mardi 1er juin 2021"


def test_its_own_period_wins_over_its_events_days():
    event = EventFactory(start=datetime.datetime(2021, 6, 1, 14, 0, tzinfo=BRUSSELS))
    step = StepFactory(event=event, start_date=D(2021, 4, 1), date_precision="quarter")

    assert step.when() == "2e trimestre 2021"


def test_clean_keeps_a_period_as_its_bounds_whatever_day_staff_typed():
    step = StepFactory.build(
        start_date=D(2021, 9, 15), end_date=D(2021, 10, 2), date_precision="semester"
    )

    step.full_clean(exclude=["chantier"])

    assert (step.start_date, step.end_date) == (D(2021, 7, 1), None)
    assert step.when() == "2e semestre 2021"


def test_clean_keeps_a_range_of_months():
    step = StepFactory.build(
        start_date=D(2022, 3, 15), end_date=D(2022, 5, 2), date_precision="month"
    )

    step.full_clean(exclude=["chantier"])

    assert (step.start_date, step.end_date) == (D(2022, 3, 1), D(2022, 5, 31))
    assert step.when() == "de mars 2022 à mai 2022"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"end_date": D(2021, 6, 1)}, "start_date", "Une fin demande un début."),
        (
            {"is_continuous": True, "start_date": D(2021, 6, 1), "end_date": D(2021, 7, 1)},
            "end_date",
            "Une étape en continu n'a pas de fin.",
        ),
        (
            {"start_date": D(2021, 6, 2), "end_date": D(2021, 6, 1)},
            "end_date",
            "La fin ne peut pas précéder le début.",
        ),
    ],
)
def test_clean_refuses_impossible_times_with_a_french_message(fields, field, message):
    step = StepFactory.build(**fields)

    with pytest.raises(ValidationError) as error:
        step.full_clean(exclude=["chantier"])

    assert error.value.message_dict[field] == [message]


@pytest.mark.parametrize(
    "fields",
    [
        {"end_date": D(2021, 6, 1)},
        {"start_date": D(2021, 6, 2), "end_date": D(2021, 6, 1)},
        {"is_continuous": True, "start_date": D(2021, 6, 1), "end_date": D(2021, 7, 1)},
        {"date_precision": "decade"},
    ],
)
def test_the_database_refuses_them_too(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        StepFactory(**fields)


# --- Staff set it in the admin ---------------------------------------------------------------


def test_staff_set_a_steps_status_and_period_in_the_chantiers_admin_page(admin_client):
    step = StepFactory(title="Recueillir les demandes au 2e semestre")
    chantier = step.chantier
    url = f"/admin/chantiers/chantier/{chantier.pk}/change/"
    data = {
        "title": chantier.title,
        "slug": chantier.slug,
        "status": chantier.status,
        "order": chantier.order,
        "summary": "",
        "objective": "",
        "description": "",
        "steps-TOTAL_FORMS": "1",
        "steps-INITIAL_FORMS": "1",
        "steps-0-id": step.pk,
        "steps-0-chantier": chantier.pk,
        "steps-0-order": step.order,
        "steps-0-title": step.title,
        "steps-0-description": "",
        "steps-0-start_date": "2021-09-15",  # any day of the period
        "steps-0-end_date": "",
        "steps-0-date_precision": "semester",
        "steps-0-status": "postponed",
        "steps-0-event": "",
    }
    for prefix in ("resources", "partnerships", "participations"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    step.refresh_from_db()
    assert (step.start_date, step.end_date, step.status) == (D(2021, 7, 1), None, "postponed")
    assert step.when() == "2e semestre 2021"
    page = admin_client.get(url).content.decode()
    assert "Statut affiché" in page
    # The steps are a stacked inline: the status shown is a read-only box of the step's row.
    assert re.search(
        r"fieldBox field-current_status\">\s*<label[^>]*>Statut affiché\s*:</label>\s*"
        r"<div class=\"readonly\">Reportée</div>",
        page,
    )
