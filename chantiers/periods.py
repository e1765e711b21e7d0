"""Periods of the échéancier: a day, a month, a quarter, a semester or a year, as staff know it.

A step "au 2e semestre 2021" is a semester, not 1 July – 31 December: it is stored as the first
day of its period with the precision ``semester`` and always written as « 2e semestre 2021 ».
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.dates import long_date, month_name


class Precision(models.TextChoices):
    DAY = "day", _("Jour")
    MONTH = "month", _("Mois")
    QUARTER = "quarter", _("Trimestre")
    SEMESTER = "semester", _("Semestre")
    YEAR = "year", _("Année")


# How many months one period of each precision spans (a day: within one month).
MONTHS_IN = {
    Precision.MONTH: 1,
    Precision.QUARTER: 3,
    Precision.SEMESTER: 6,
    Precision.YEAR: 12,
}

_QUARTERS = (
    _("1er trimestre %(year)s"),
    _("2e trimestre %(year)s"),
    _("3e trimestre %(year)s"),
    _("4e trimestre %(year)s"),
)
_SEMESTERS = (_("1er semestre %(year)s"), _("2e semestre %(year)s"))


def period_start(day: datetime.date, precision: str) -> datetime.date:
    """The first day of the period of this precision that holds ``day``."""
    if precision == Precision.DAY:
        return day
    months = MONTHS_IN[Precision(precision)]
    first_month = (day.month - 1) // months * months + 1
    return datetime.date(day.year, first_month, 1)


def period_end(day: datetime.date, precision: str) -> datetime.date:
    """The last day of the period of this precision that holds ``day``."""
    if precision == Precision.DAY:
        return day
    start = period_start(day, precision)
    last_month = start.month + MONTHS_IN[Precision(precision)] - 1
    return datetime.date(start.year, last_month, calendar.monthrange(start.year, last_month)[1])


def coarsest_precision(start: datetime.date, end: datetime.date) -> str:
    """The coarsest precision whose one period is exactly ``start``–``end`` (else a day)."""
    for precision in (Precision.YEAR, Precision.SEMESTER, Precision.QUARTER, Precision.MONTH):
        if period_start(start, precision) == start and period_end(start, precision) == end:
            return precision
    return Precision.DAY


def period_name(day: datetime.date, precision: str) -> str:
    """« 6 mai 2021 », « mai 2021 », « 2e trimestre 2021 », « 2e semestre 2021 », « 2021 »."""
    if precision == Precision.MONTH:
        return f"{month_name(day.month)} {day.year:04d}"  # as date_format(day, "F Y") writes it
    if precision == Precision.QUARTER:
        return str(_QUARTERS[(day.month - 1) // 3]) % {"year": day.year}
    if precision == Precision.SEMESTER:
        return str(_SEMESTERS[(day.month - 1) // 6]) % {"year": day.year}
    if precision == Precision.YEAR:
        return str(day.year)
    return long_date(day)


@dataclass(frozen=True)
class Period:
    """From the first day of one period to the last day of another (both included)."""

    start: datetime.date
    end: datetime.date
    precision: str = Precision.DAY

    @classmethod
    def of(
        cls, start: datetime.date, end: datetime.date | None, precision: str = Precision.DAY
    ) -> Period:
        return cls(
            start=period_start(start, precision),
            end=period_end(end or start, precision),
            precision=precision,
        )

    @property
    def is_single(self) -> bool:
        """One day, or one month, quarter, semester or year."""
        return period_end(self.start, self.precision) == self.end

    def label(self) -> str:
        first = period_name(self.start, self.precision)
        if self.is_single:
            return first
        last = period_name(self.end, self.precision)
        if self.precision in (Precision.MONTH, Precision.YEAR):
            return gettext("de %(start)s à %(end)s") % {"start": first, "end": last}
        return gettext("du %(start)s au %(end)s") % {"start": first, "end": last}
