"""What a figure is (rows and series, plain dataclasses), whose figures they are (``Scope``),
and the months of the figures over time."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from portal.types import Visitor
from projets.models import Project
from territoires.permissions import ProvincePolicy, followed_province_ids

# Staff of the Cellule (the permission every member of its group holds) see every figure;
# an officer, the figures of the provinces they follow.
dashboard_policy = ProvincePolicy(model=Project, staff_permission="projets.view_project")

# How many events, issues and proposals a figure lists (the latest, or the most supported).
EVENTS_SHOWN = 10
ISSUES_SHOWN = 10
PROPOSALS_SHOWN = 10
# The months a figure over time covers: these many before the current one, and after it
# (meetings are planned ahead; subscriptions have no future).
MONTHS_BEFORE = 11
MONTHS_AFTER = 3


@dataclass(frozen=True)
class Row:
    """One line of a figure's table: its label, its values (one per series), a note (a date,
    a status) and where it leads."""

    label: str
    values: tuple[int, ...]
    note: str = ""
    url: str = ""
    month: datetime.date | None = None


@dataclass(frozen=True)
class Figure:
    """A figure: drawn as ``chart`` ("bars": grouped bars per row; "months": one small chart
    per series, a bar per month), its table, its CSV."""

    slug: str
    title: str
    description: str
    row_heading: str
    series: tuple[str, ...]
    rows: tuple[Row, ...]
    chart: str = "bars"
    note_heading: str = ""
    # A count at each month's end (subscribers), not a count of what happened in the month:
    # its chart shows the latest value rather than a total.
    stock: bool = False

    @property
    def is_empty(self) -> bool:
        return not any(any(row.values) for row in self.rows)

    @property
    def has_table(self) -> bool:
        """A table of zeros says nothing, unless its lines lead somewhere (the outbox)."""
        return bool(self.rows) and (not self.is_empty or any(row.url for row in self.rows))

    def header(self) -> list[str]:
        columns = [self.row_heading]
        if self.note_heading:
            columns.append(self.note_heading)
        return [*columns, *self.series]

    def table(self) -> list[list[Any]]:
        """The rows as cells, in the order of ``header``."""
        lines: list[list[Any]] = []
        for row in self.rows:
            cells: list[Any] = [row.label]
            if self.note_heading:
                cells.append(row.note)
            lines.append([*cells, *row.values])
        return lines


@dataclass(frozen=True)
class Scope:
    """Whose figures: ``province_ids`` None for everything (staff), else those provinces."""

    province_ids: frozenset[int] | None
    outbox: bool = False

    @property
    def is_everything(self) -> bool:
        return self.province_ids is None

    def q(self, province_field: str) -> Q:
        """The condition that keeps the rows of the scope's provinces (none Wallonia-wide)."""
        if self.province_ids is None:
            return Q()
        return Q(**{f"{province_field}__in": sorted(self.province_ids)})


def scope_for(user: Visitor) -> Scope | None:
    """Staff see everything (and the outbox if they may read it); an officer their provinces;
    anyone else nothing (None)."""
    if dashboard_policy.is_staff(user):
        return Scope(None, outbox=user.has_perm("portal.view_outgoingemail"))
    provinces = followed_province_ids(user)
    if provinces:
        return Scope(frozenset(provinces))
    return None


def month_of(moment: datetime.datetime) -> datetime.date:
    local = timezone.localtime(moment)
    return datetime.date(local.year, local.month, 1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_start_aware(month: datetime.date) -> datetime.datetime:
    """Midnight on the first of the month, in Brussels."""
    zone = ZoneInfo(settings.TIME_ZONE)
    return datetime.datetime(month.year, month.month, 1, tzinfo=zone)


def months_window(now: datetime.datetime, *, before: int, after: int) -> list[datetime.date]:
    current = month_of(now)
    return [add_months(current, offset) for offset in range(-before, after + 1)]


def month_key(value: datetime.datetime | datetime.date) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return datetime.date(value.year, value.month, 1)


def month_label(month: datetime.date) -> str:
    return date_format(month, "F Y")


def by_month(
    rows: Iterable[dict[str, Any]],
    months: list[datetime.date],
    *,
    key: Callable[[dict[str, Any]], tuple[Any, str]],
) -> tuple[tuple[str, ...], tuple[Row, ...]]:
    """Rows ``{month, …, n}`` as one table line per month and one column per series, the
    series in the order of ``key`` (a sort key, then the label)."""
    counts: dict[tuple[datetime.date, str], int] = {}
    series: dict[str, Any] = {}
    for line in rows:
        order, label = key(line)
        series[label] = order
        slot = (month_key(line["month"]), label)
        counts[slot] = counts.get(slot, 0) + line["n"]
    labels = tuple(sorted(series, key=lambda label: (series[label], label)))
    table = tuple(
        Row(
            label=month_label(month),
            values=tuple(counts.get((month, label), 0) for label in labels),
            month=month,
        )
        for month in months
    )
    return labels, table
