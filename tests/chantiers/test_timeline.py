"""The layout of the échéancier: one axis by month, bars, milestones, open bars, steps apart."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from chantiers.models import Step
from chantiers.timeline import (
    MAX_YEARS_FROM_TODAY,
    MIN_MONTHS,
    Axis,
    Timeline,
    build_timeline,
)
from tests.chantiers.factories import ChantierFactory, StepFactory
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 12, 4)

BRUSSELS = ZoneInfo("Europe/Brussels")


def layout(**filters):
    steps = Step.objects.with_current_status().select_related("chantier", "event")
    return build_timeline(steps.filter(**filters).order_by("chantier", "order"), today=TODAY)


def test_steps_are_grouped_by_chantier_in_order_and_undated_ones_set_apart():
    first, second = ChantierFactory(order=1), ChantierFactory(order=2)
    StepFactory(chantier=second, order=1, start_date=D(2026, 3, 1), date_precision="month")
    StepFactory(chantier=first, order=2, is_continuous=True)
    StepFactory(chantier=first, order=1)

    timeline = layout()

    assert [group.chantier for group in timeline.groups] == [first, second]
    assert [item.step.order for item in timeline.groups[0].steps] == [2]
    assert [item.step.order for item in timeline.groups[0].undated] == [1]
    assert [group.chantier for group in timeline.drawn] == [first, second]
    assert [group.chantier for group in timeline.undated] == [first]
    assert timeline.groups[0].undated[0].when == "Date à définir"
    assert timeline.groups[0].undated[0].bar is None
    assert timeline.step_count == 3


def test_the_axis_runs_by_month_from_the_first_step_to_today_with_a_month_each_side():
    StepFactory(start_date=D(2021, 7, 1), date_precision="semester")

    timeline = layout()

    assert timeline.axis.start == D(2021, 6, 1)
    assert timeline.axis.end == D(2027, 1, 31)
    assert timeline.axis.count == 68
    months = timeline.months
    assert months[0].year == 2021 and months[0].initial == "J"
    assert [month.year for month in months if month.year] == list(range(2021, 2028))
    assert 0 < timeline.today_x < timeline.width


def test_a_semester_is_drawn_over_its_six_months_and_a_day_as_a_milestone():
    chantier = ChantierFactory()
    StepFactory(chantier=chantier, order=1, start_date=D(2026, 7, 1), date_precision="semester")
    StepFactory(
        chantier=chantier,
        order=2,
        event=EventFactory(start=datetime.datetime(2026, 9, 15, 14, tzinfo=BRUSSELS)),
    )

    timeline = layout()
    semester, day = (item.bar for item in timeline.groups[0].steps)
    axis = timeline.axis

    assert semester.kind == "span"
    assert semester.x == axis.x(D(2026, 7, 1))
    assert semester.end_x == pytest.approx(axis.x(D(2027, 1, 1)), abs=0.2)
    assert not semester.open_start and not semester.open_end
    assert day.kind == "milestone"
    assert day.x == axis.x(D(2026, 9, 15))
    assert timeline.groups[0].steps[0].when == "2e semestre 2026"


def test_a_continuous_step_is_an_open_bar_from_its_start_or_from_the_axis_start():
    chantier = ChantierFactory()
    StepFactory(chantier=chantier, order=1, start_date=D(2026, 1, 1), date_precision="month")
    StepFactory(
        chantier=chantier,
        order=2,
        is_continuous=True,
        start_date=D(2026, 3, 1),
        date_precision="month",
    )
    StepFactory(chantier=chantier, order=3, is_continuous=True)

    since, always = (item.bar for item in layout().groups[0].steps[1:])

    assert since.kind == "continuous" and since.open_end and not since.open_start
    assert since.end_x == layout().width
    assert always.x == 0 and always.open_start and always.open_end


def test_a_short_axis_is_a_year_wide():
    StepFactory(start_date=TODAY)

    assert layout().axis.count == MIN_MONTHS


def test_a_date_decades_away_is_clipped_and_drawn_open():
    StepFactory(order=1, start_date=D(1900, 1, 1), end_date=D(2990, 12, 31))

    timeline = layout()
    bar = timeline.groups[0].steps[0].bar

    assert timeline.axis.count == MAX_YEARS_FROM_TODAY * 12 * 2 + 1
    assert bar.open_start and bar.open_end
    assert (bar.x, bar.end_x) == (0, timeline.width)


def test_without_any_step_nothing_is_drawn():
    timeline = build_timeline([], today=TODAY)

    assert timeline.groups == [] and timeline.drawn == [] and timeline.step_count == 0
    assert timeline.axis.count == MIN_MONTHS


def test_every_status_has_its_own_symbol_and_name():
    legend = layout().legend

    assert [value for value, _label, _symbol in legend] == Step.Status.values
    assert len({symbol for _value, _label, symbol in legend}) == len(legend)
    assert ("done", "Réalisée", "●") in legend


@pytest.mark.parametrize("first_month", [1, 2, 6, 12])
@pytest.mark.parametrize("count", [1, 11, 12, 13, 25, 68])
def test_the_year_lines_are_the_januaries_after_the_first_month(first_month, count):
    axis = Axis(first=2021 * 12 + first_month - 1, count=count, month_width=13.7)
    timeline = Timeline(today=D(2022, 3, 4), axis=axis, groups=[])

    januaries = [month.x for month in timeline.months[1:] if month.year is not None]
    assert timeline.year_lines == januaries
