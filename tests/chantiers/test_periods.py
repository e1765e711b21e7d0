"""Periods of the échéancier: their bounds, their names in French and English, their ranges."""

import datetime

import pytest
from django.utils import translation

from chantiers.periods import Period, Precision, coarsest_precision, period_end, period_start

D = datetime.date


@pytest.mark.parametrize(
    ("day", "precision", "start", "end"),
    [
        (D(2021, 5, 6), Precision.DAY, D(2021, 5, 6), D(2021, 5, 6)),
        (D(2021, 5, 6), Precision.MONTH, D(2021, 5, 1), D(2021, 5, 31)),
        (D(2024, 2, 10), Precision.MONTH, D(2024, 2, 1), D(2024, 2, 29)),
        (D(2021, 5, 6), Precision.QUARTER, D(2021, 4, 1), D(2021, 6, 30)),
        (D(2021, 12, 31), Precision.QUARTER, D(2021, 10, 1), D(2021, 12, 31)),
        (D(2021, 9, 15), Precision.SEMESTER, D(2021, 7, 1), D(2021, 12, 31)),
        (D(2021, 6, 30), Precision.SEMESTER, D(2021, 1, 1), D(2021, 6, 30)),
        (D(2021, 9, 15), Precision.YEAR, D(2021, 1, 1), D(2021, 12, 31)),
    ],
)
def test_a_day_falls_in_one_period_of_each_precision(day, precision, start, end):
    assert period_start(day, precision) == start
    assert period_end(day, precision) == end


@pytest.mark.parametrize(
    ("start", "end", "precision"),
    [
        (D(2021, 7, 1), D(2021, 12, 31), Precision.SEMESTER),
        (D(2021, 1, 1), D(2021, 12, 31), Precision.YEAR),
        (D(2021, 4, 1), D(2021, 6, 30), Precision.QUARTER),
        (D(2021, 6, 1), D(2021, 6, 30), Precision.MONTH),
        (D(2021, 7, 2), D(2021, 12, 31), Precision.DAY),
        (D(2021, 3, 1), D(2021, 5, 31), Precision.DAY),  # three months, but not a quarter
    ],
)
def test_the_coarsest_precision_of_exact_bounds(start, end, precision):
    assert coarsest_precision(start, end) == precision


@pytest.mark.parametrize(
    ("period", "french", "english"),
    [
        (
            Period.of(D(2021, 7, 1), None, Precision.SEMESTER),
            "2e semestre 2021",
            "second half of 2021",
        ),
        (
            Period.of(D(2021, 2, 1), None, Precision.SEMESTER),
            "1er semestre 2021",
            "first half of 2021",
        ),
        (Period.of(D(2022, 1, 5), None, Precision.QUARTER), "1er trimestre 2022", "Q1 2022"),
        (Period.of(D(2022, 11, 5), None, Precision.QUARTER), "4e trimestre 2022", "Q4 2022"),
        (Period.of(D(2022, 3, 5), None, Precision.MONTH), "mars 2022", "March 2022"),
        (Period.of(D(2022, 3, 5), None, Precision.YEAR), "2022", "2022"),
        # A day is portal.dates.long_date's (its English is not this module's business).
        (Period.of(D(2021, 6, 1), None), "mardi 1er juin 2021", None),
        (
            Period.of(D(2022, 3, 1), D(2022, 5, 9), Precision.MONTH),
            "de mars 2022 à mai 2022",
            "from March 2022 to May 2022",
        ),
        (
            Period.of(D(2021, 7, 1), D(2022, 2, 1), Precision.SEMESTER),
            "du 2e semestre 2021 au 1er semestre 2022",
            "from second half of 2021 to first half of 2022",
        ),
        (
            Period.of(D(2022, 1, 1), D(2023, 1, 1), Precision.YEAR),
            "de 2022 à 2023",
            "from 2022 to 2023",
        ),
    ],
)
def test_a_period_is_named_as_people_say_it(period, french, english):
    with translation.override("fr"):
        assert period.label() == french
    if english is not None:
        with translation.override("en"):
            assert period.label() == english


def test_a_period_never_invents_days():
    semester = Period.of(D(2021, 9, 15), None, Precision.SEMESTER)

    assert (semester.start, semester.end) == (D(2021, 7, 1), D(2021, 12, 31))
    assert semester.is_single
    assert "juillet" not in semester.label() and "31" not in semester.label()
