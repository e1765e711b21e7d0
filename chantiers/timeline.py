"""The échéancier drawn on one time axis by month: where each step's bar goes, in SVG units.

Pure layout, no query: it takes steps already loaded (with their chantier and event; their
status is ``effective_status`` when StepQuerySet.with_current_status annotated it, else
Step.status_at) and the day it is, and gives numbers to draw (chantiers/templatetags/
timeline_tags.py writes the SVG). One month is as wide as lets the whole axis fit beside the
labels on a desktop screen (within bounds: a long axis scrolls); on screen a unit is a CSS
pixel, in print the drawing is scaled to the width of an A4 landscape page.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.dates import MONTHS

from chantiers.models import Chantier, Step

# About the width, in CSS pixels, of the drawing beside the labels on a desktop screen.
SCREEN_TRACK_WIDTH = 740
MIN_MONTH_WIDTH = 11
MAX_MONTH_WIDTH = 40
ROW_HEIGHT = 28
BAR_TOP = 7
BAR_HEIGHT = 14
# A short axis is still a year wide, so that a lone step is not a bar across the page.
MIN_MONTHS = 12
# Staff may type a date decades away; the axis stops this far from today and the bars that go
# beyond it are drawn open on that side.
MAX_YEARS_FROM_TODAY = 15
# Past this many months the month initials are left out in print (they would not fit).
LONG_AXIS_MONTHS = 36
# About the width, in CSS pixels, of the drawing on an A4 landscape page beside the labels:
# the axis printed is drawn for that scale, so that its text prints at a readable size.
PRINT_TRACK_WIDTH = 640
AXIS_HEIGHT = 36


def _month_initials() -> list[str]:
    """The initial of each month's name in the active language (« J » for janvier), as
    ``date_format(day, "F")`` names it."""
    return [str(MONTHS[month])[:1].upper() for month in range(1, 13)]


def _month_index(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def _first_of_month(index: int) -> datetime.date:
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Axis:
    first: int  # month index of the first month shown
    count: int  # number of months shown
    month_width: float = MAX_MONTH_WIDTH

    @property
    def start(self) -> datetime.date:
        return _first_of_month(self.first)

    @property
    def end(self) -> datetime.date:
        """The last day shown."""
        last = _first_of_month(self.first + self.count - 1)
        return last.replace(day=calendar.monthrange(last.year, last.month)[1])

    @property
    def width(self) -> int:
        return round(self.count * self.month_width)

    def x(self, day: datetime.date) -> float:
        """Where ``day`` starts, clamped to the axis."""
        if day < self.start:
            return 0.0
        if day > self.end:
            return float(self.width)
        days = calendar.monthrange(day.year, day.month)[1]
        month = _month_index(day) - self.first
        return round((month + (day.day - 1) / days) * self.month_width, 1)

    def x_after(self, day: datetime.date) -> float:
        """Where ``day`` ends (the start of the next day)."""
        if day >= self.end:
            return float(self.width)
        return self.x(day + datetime.timedelta(days=1))


@dataclass(frozen=True)
class Bar:
    """What one step draws: a span (a period), a milestone (one day) or an open continuous bar.
    ``open_start``/``open_end``: the bar goes on beyond that side (unknown start, no end, or
    beyond the axis)."""

    kind: str  # "span", "milestone" or "continuous"
    x: float
    width: float
    open_start: bool = False
    open_end: bool = False

    @property
    def end_x(self) -> float:
        return round(self.x + self.width, 1)

    @property
    def centre_x(self) -> float:
        return round(self.x + self.width / 2, 1)

    @property
    def middle_y(self) -> float:
        return BAR_TOP + BAR_HEIGHT / 2

    @property
    def diamond(self) -> str:
        """The points of a milestone's diamond, a little taller than a bar."""
        x, y, r = self.centre_x, self.middle_y, BAR_HEIGHT / 2 + 2
        return f"{x},{y - r} {x + r},{y} {x},{y + r} {x - r},{y}"

    @property
    def diamond_strike(self) -> tuple[float, float, float, float]:
        """The line that crosses out a cancelled milestone: x1, y1, x2, y2."""
        r = BAR_HEIGHT / 2 + 4
        return (self.centre_x - r, BAR_TOP - 4, self.centre_x + r, BAR_TOP + BAR_HEIGHT + 4)

    @property
    def outline(self) -> str:
        """The path of a bar's outline, without the sides where it goes on."""
        top, bottom = BAR_TOP, BAR_TOP + BAR_HEIGHT
        x, end = self.x, self.end_x
        path = f"M{x},{top} H{end}"
        path += f" M{end},{bottom}" if self.open_end else f" V{bottom}"
        path += f" H{x}"
        if not self.open_start:
            path += f" V{top}"
        return path

    @property
    def chevron(self) -> str:
        """An arrow head past an open end: the step goes on."""
        x, y = self.end_x, self.middle_y
        return f"{x - 7},{BAR_TOP - 2} {x - 1},{y} {x - 7},{BAR_TOP + BAR_HEIGHT + 2}"


@dataclass(frozen=True)
class Month:
    x: float
    centre_x: float
    initial: str
    year: int | None  # set where a year begins on the axis (and on its first month)


# Each status has its own shape in the text too (the bars have theirs): never colour alone.
STATUS_SYMBOLS = {
    "planned": "○",
    "ongoing": "◐",
    "done": "●",
    "postponed": "↷",
    "cancelled": "✕",
}


@dataclass(frozen=True)
class TimelineStep:
    step: Step
    status: str
    status_label: str
    when: str
    bar: Bar | None

    @property
    def symbol(self) -> str:
        return STATUS_SYMBOLS.get(self.status, "")


@dataclass
class TimelineGroup:
    chantier: Chantier
    steps: list[TimelineStep] = field(default_factory=list)  # drawn on the axis
    undated: list[TimelineStep] = field(default_factory=list)  # listed apart


@dataclass(frozen=True)
class Timeline:
    today: datetime.date
    axis: Axis
    groups: list[TimelineGroup]

    @property
    def width(self) -> int:
        return self.axis.width

    @cached_property
    def months(self) -> list[Month]:
        months = []
        initials = _month_initials()
        for offset in range(self.axis.count):
            day = _first_of_month(self.axis.first + offset)
            months.append(
                Month(
                    x=round(offset * self.axis.month_width, 1),
                    centre_x=round((offset + 0.5) * self.axis.month_width, 1),
                    initial=initials[day.month - 1],
                    year=day.year if offset == 0 or day.month == 1 else None,
                )
            )
        return months

    @cached_property
    def year_lines(self) -> list[float]:
        """The x of each January after the first month shown (the ``months`` whose year is
        written, but the first): counted, since every drawing reads them and most of them
        no other month."""
        first_january = -self.axis.first % 12 or 12
        width = self.axis.month_width
        return [round(offset * width, 1) for offset in range(first_january, self.axis.count, 12)]

    @cached_property
    def today_x(self) -> float:
        """The middle of today."""
        return round((self.axis.x(self.today) + self.axis.x_after(self.today)) / 2, 1)

    @property
    def print_axis(self) -> dict[str, float]:
        """The printed axis's geometry, in units that shrink to the page (text stays legible)."""
        unit = max(1.0, self.width / PRINT_TRACK_WIDTH)
        return {
            "height": round(AXIS_HEIGHT * unit, 1),
            "year_y": round(14 * unit, 1),
            "year_size": round(11 * unit, 1),
            "month_y": round(31 * unit, 1),
            "month_size": round(9 * unit, 1),
        }

    @property
    def is_long(self) -> bool:
        return self.axis.count > LONG_AXIS_MONTHS

    @property
    def drawn(self) -> list[TimelineGroup]:
        return [group for group in self.groups if group.steps]

    @property
    def undated(self) -> list[TimelineGroup]:
        return [group for group in self.groups if group.undated]

    @property
    def legend(self) -> list[tuple[str, str, str]]:
        """Each status: its value, its name and its symbol."""
        return [(value, str(label), STATUS_SYMBOLS[value]) for value, label in Step.Status.choices]

    @property
    def step_count(self) -> int:
        return sum(len(group.steps) + len(group.undated) for group in self.groups)


Span = tuple[datetime.date | None, datetime.date | None]


def _span(step: Step) -> Span | None:
    """The first and last days a step covers on the axis (None: open on that side); None for
    a step without a date."""
    if step.is_continuous:
        since = step.continuous_since
        return (since.start if since else None), None
    period = step.period  # worked out from the step's fields (and its event's): once here
    return None if period is None else (period.start, period.end)


def _axis(spans: list[Span], today: datetime.date) -> Axis:
    days = [today] + [day for span in spans for day in span if day is not None]
    lowest = _month_index(today) - MAX_YEARS_FROM_TODAY * 12
    highest = _month_index(today) + MAX_YEARS_FROM_TODAY * 12
    # A month of margin on each side: a milestone on the first or last day is drawn whole.
    first = max(lowest, min(_month_index(day) for day in days) - 1)
    last = min(highest, max(_month_index(day) for day in days) + 1)
    last = max(last, first + MIN_MONTHS - 1)
    count = last - first + 1
    width = min(MAX_MONTH_WIDTH, max(MIN_MONTH_WIDTH, SCREEN_TRACK_WIDTH / count))
    return Axis(first=first, count=count, month_width=round(width, 2))


def _bar(step: Step, span: Span, axis: Axis) -> Bar:
    start, end = span
    x = axis.x(start) if start else 0.0
    open_start = start is None or start < axis.start
    if step.is_continuous:
        return Bar("continuous", x, axis.width - x, open_start=open_start, open_end=True)
    assert start is not None and end is not None
    width = max(axis.x_after(end) - x, 2.0)
    open_end = end > axis.end
    if start == end and not open_start and not open_end:
        return Bar("milestone", x, round(width, 1))
    return Bar("span", x, round(width, 1), open_start=open_start, open_end=open_end)


def build_timeline(steps: Iterable[Step], *, today: datetime.date) -> Timeline:
    """Group the steps by chantier (in the order given) and lay them out on one axis."""
    groups: dict[int, TimelineGroup] = {}
    dated: list[tuple[TimelineGroup, Step, Span, str, str]] = []
    labels: dict[str, str] = {}  # each status's name, translated once
    for step in steps:
        group = groups.get(step.chantier_id)
        if group is None:
            group = groups[step.chantier_id] = TimelineGroup(chantier=step.chantier)
        status = step.current_status
        label = labels.get(status.value)
        if label is None:
            label = labels[status.value] = str(status.label)
        span = _span(step)
        if span is not None:  # Step.is_dated
            dated.append((group, step, span, status.value, label))
        else:
            group.undated.append(TimelineStep(step, status.value, label, step.when(), None))
    axis = _axis([span for _group, _step, span, _s, _l in dated], today)
    for group, step, span, value, label in dated:
        bar = _bar(step, span, axis)
        group.steps.append(TimelineStep(step, value, label, step.when(), bar))
    return Timeline(today=today, axis=axis, groups=list(groups.values()))
