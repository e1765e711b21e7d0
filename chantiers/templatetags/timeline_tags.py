"""``{% timeline_html timeline prefix=… hl=… grouped=… anchors=… %}``: the échéancier drawn on
one axis by month (server-side SVG, no script), the steps without a date listed apart, then the
same steps as a table.

Written in Python rather than as a template: a timeline is a few hundred small pieces (a track
per step, a label per month, twice), and the template engine spent several milliseconds on
them on every page that shows one. What it writes is what the template wrote: every value
escaped, numbers unlocalised (SVG coordinates), the same translations.

Parameters: ``timeline`` (chantiers.timeline.Timeline), ``prefix`` (ids), ``hl`` (level of the
sub-headings), ``grouped`` (one group per chantier, as on the overview), ``anchors`` (each step
carries the id « etape-N » its address points to, as on the chantier page).
"""

from __future__ import annotations

import datetime
import functools
import html
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from chantiers.timeline import Axis, Bar, Timeline, TimelineGroup, TimelineStep
from portal.dates import long_date

register = template.Library()


def escape(value: Any) -> str:
    """Django's ``escape`` (always escapes, as ``{{ value|force_escape }}``), without its lazy
    wrapper: a timeline escapes a hundred values and more."""
    return html.escape(str(value))


# The hatching of what is under way, defined once for every drawing of the page.
_DEFS = (
    '<svg class="gantt-defs" width="0" height="0" aria-hidden="true" focusable="false">\n'
    "  <defs>\n"
    '    <pattern id="gantt-hatch" width="6" height="6" patternUnits="userSpaceOnUse"'
    ' patternTransform="rotate(45)">\n'
    '      <rect class="gantt-hatch__ground" width="6" height="6"/>\n'
    '      <line class="gantt-hatch__line" x1="1" y1="0" x2="1" y2="6"/>\n'
    "    </pattern>\n"
    "  </defs>\n"
    "</svg>\n"
)
_HATCH = ' fill="url(#gantt-hatch)"'
_NON_SCALING = ' vector-effect="non-scaling-stroke"'


def _status(item: TimelineStep) -> str:
    """A step's status in words, with its symbol (never colour alone)."""
    return (
        f'<span class="status status--{escape(item.status)}"><span aria-hidden="true">'
        f"{escape(item.symbol)}</span> {escape(item.status_label)}</span>"
    )


class _Links:
    """The addresses the timeline links to, each reversed once per rendering."""

    def __init__(self) -> None:
        self.chantiers: dict[int, str] = {}

    def chantier(self, group: TimelineGroup) -> str:
        url = self.chantiers.get(group.chantier.pk)
        if url is None:
            url = self.chantiers[group.chantier.pk] = escape(group.chantier.get_absolute_url())
        return url

    def step(self, group: TimelineGroup, item: TimelineStep) -> str:
        # Step.get_absolute_url: its chantier's page, at the step's anchor.
        return f"{self.chantier(group)}#etape-{item.step.order}"


def _title(item: TimelineStep, group: TimelineGroup, links: _Links, grouped: bool) -> str:
    """The step's title: a link to its event if anyone may open it, else (on the overview) to
    the step on its chantier's page."""
    title = escape(item.step.title)
    event = item.step.public_event
    if event is not None:
        return f'<a href="{escape(event.get_absolute_url())}">{title}</a>'
    if grouped:
        return f'<a href="{links.step(group, item)}">{title}</a>'
    return ""


def _track(timeline: Timeline, year_lines: str, bar: Bar | None, status: str) -> str:
    """One row's drawing: the year lines, today, and the step's bar (aria-hidden: the label
    beside it and the table say it all)."""
    width = timeline.width
    parts = [
        (
            f'<svg class="gantt__track" width="{width}" height="28" viewBox="0 0 {width} 28"'
            ' preserveAspectRatio="none" aria-hidden="true" focusable="false">\n'
        ),
        f"  {year_lines}\n",
        (
            f'  <line class="gantt__today" x1="{timeline.today_x}" y1="0" x2="{timeline.today_x}"'
            f' y2="28"{_NON_SCALING}/>\n'
        ),
    ]
    if bar is not None:
        status = escape(status)
        hatch = _HATCH if status == "ongoing" else ""
        if bar.kind == "milestone":
            parts.append(
                f'  <polygon class="gantt__shape gantt__shape--{status}" points="{bar.diamond}"'
                f"{_NON_SCALING}{hatch}/>\n"
            )
            if status == "cancelled":
                x1, y1, x2, y2 = bar.diamond_strike
                parts.append(
                    f'  <line class="gantt__strike" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}"'
                    f"{_NON_SCALING}/>\n"
                )
        else:
            parts.append(
                f'  <rect class="gantt__fill gantt__fill--{status}" x="{bar.x}" y="7"'
                f' width="{bar.width}" height="14"{hatch}/>\n'
                f'  <path class="gantt__outline gantt__outline--{status}" d="{bar.outline}"'
                f"{_NON_SCALING}/>\n"
            )
            if bar.open_end:
                parts.append(
                    f'  <polyline class="gantt__chevron gantt__outline--{status}"'
                    f' points="{bar.chevron}"{_NON_SCALING}/>\n'
                )
            if status == "cancelled":
                parts.append(
                    f'  <line class="gantt__strike" x1="{bar.x}" y1="14" x2="{bar.end_x}"'
                    f' y2="14"{_NON_SCALING}/>\n'
                )
    parts.append("</svg>\n")
    return "".join(parts)


def _legend(timeline: Timeline, prefix: str) -> str:
    keys = []
    for status, label, symbol in timeline.legend:
        status = escape(status)
        hatch = _HATCH if status == "ongoing" else ""
        strike = (
            '<line class="gantt__strike" x1="1" y1="8" x2="33" y2="8"/>'
            if status == "cancelled"
            else ""
        )
        keys.append(
            '    <li><svg class="gantt-legend__key" width="34" height="16" viewBox="0 0 34 16"'
            ' aria-hidden="true" focusable="false">'
            f'<rect class="gantt__fill gantt__fill--{status}" x="1" y="2" width="32"'
            f' height="12"{hatch}/><rect class="gantt__outline gantt__outline--{status}" x="1"'
            f' y="2" width="32" height="12"/>{strike}</svg>\n'
            f'      <span class="status status--{status}"><span aria-hidden="true">'
            f"{escape(symbol)}</span> {escape(label)}</span></li>\n"
        )
    today = gettext("aujourd'hui, %(day)s") % {"day": escape(long_date(timeline.today))}
    skip = gettext("Aller au tableau de l'échéancier")
    # (Never a gettext call inside an f-string: makemessages would not see it.)
    title = gettext("Légende")
    one_day = gettext("un jour (un événement)")
    ongoing = gettext("en continu (barre ouverte)")
    return (
        '<div class="gantt-legend">\n'
        f'  <p class="gantt-legend__title">{title}</p>\n'
        '  <ul class="inline-list">\n'
        + "".join(keys)
        + '    <li><svg class="gantt-legend__key" width="20" height="20" viewBox="0 0 20 20"'
        ' aria-hidden="true" focusable="false"><polygon class="gantt__shape gantt__shape--done"'
        ' points="10,1 19,10 10,19 1,10"/></svg> '
        f"{one_day}</li>\n"
        '    <li><svg class="gantt-legend__key" width="40" height="16" viewBox="0 0 40 16"'
        ' aria-hidden="true" focusable="false"><rect class="gantt__fill gantt__fill--ongoing"'
        ' x="1" y="2" width="30" height="12" fill="url(#gantt-hatch)"/><path'
        ' class="gantt__outline gantt__outline--ongoing" d="M1,2 H31 M31,14 H1 V2"/><polyline'
        ' class="gantt__chevron gantt__outline--ongoing" points="32,0 38,8 32,16"/></svg> '
        f"{ongoing}</li>\n"
        '    <li><svg class="gantt-legend__key" width="12" height="20" viewBox="0 0 12 20"'
        ' aria-hidden="true" focusable="false"><line class="gantt__today" x1="6" y1="0" x2="6"'
        f' y2="20"/></svg> {today}</li>\n'
        "  </ul>\n"
        "</div>\n"
        f'<p class="gantt-skip"><a href="#{prefix}-tableau">'
        f"{skip}</a></p>\n"
    )


@functools.lru_cache(maxsize=64)
def _axes(axis: Axis, today: datetime.date, language: str | None) -> str:
    """The month axis, on screen and in print: the same for every timeline of this axis, day
    and language (``language``: the active one, part of the key), so written once."""
    timeline = Timeline(today=today, axis=axis, groups=[])
    width, today_x = timeline.width, timeline.today_x
    screen, printed = [], []
    p = timeline.print_axis
    for month in timeline.months:
        initial = escape(month.initial)
        if month.year:
            screen.append(
                f'<text class="gantt__year-label" x="{month.x}" dx="3" y="14">{month.year}</text>'
            )
            printed.append(
                f'<text class="gantt__year-label" x="{month.x}" dx="3" y="{p["year_y"]}"'
                f' font-size="{p["year_size"]}">{month.year}</text>'
            )
        screen.append(
            f'<text class="gantt__month-label" x="{month.centre_x}" y="31"'
            f' text-anchor="middle">{initial}</text>'
        )
        printed.append(
            f'<text class="gantt__month-label" x="{month.centre_x}" y="{p["month_y"]}"'
            f' font-size="{p["month_size"]}" text-anchor="middle">{initial}</text>'
        )
    screen_lines = "".join(
        f'<line class="gantt__year-line" x1="{x}" y1="0" x2="{x}" y2="36"/>'
        for x in timeline.year_lines
    )
    print_lines = "".join(
        f'<line class="gantt__year-line" x1="{x}" y1="0" x2="{x}" y2="{p["height"]}"'
        f"{_NON_SCALING}/>"
        for x in timeline.year_lines
    )
    return (
        '  <div class="gantt__row gantt__row--axis" aria-hidden="true">\n'
        '    <div class="gantt__label"></div>\n'
        f'    <svg class="gantt__axis gantt__axis--screen" width="{width}" height="36"'
        f' viewBox="0 0 {width} 36" focusable="false">\n'
        f"      {''.join(screen)}\n"
        f"      {screen_lines}\n"
        f'      <line class="gantt__today" x1="{today_x}" y1="0" x2="{today_x}" y2="36"/>\n'
        "    </svg>\n"
        f'    <svg class="gantt__axis gantt__axis--print" width="{width}" height="{p["height"]}"'
        f' viewBox="0 0 {width} {p["height"]}" focusable="false">\n'
        f"      {''.join(printed)}\n"
        f"      {print_lines}\n"
        f'      <line class="gantt__today" x1="{today_x}" y1="0" x2="{today_x}"'
        f' y2="{p["height"]}"{_NON_SCALING}/>\n'
        "    </svg>\n"
        "  </div>\n"
    )


def _drawing(timeline: Timeline, drawn: list[TimelineGroup], links: _Links, grouped: bool) -> str:
    year_lines = "".join(
        f'<line class="gantt__year-line" x1="{x}" y1="0" x2="{x}" y2="28"{_NON_SCALING}/>'
        for x in timeline.year_lines
    )
    long = " gantt--long" if timeline.is_long else ""
    label = gettext("Échéancier sur un axe du temps, par mois (défilement horizontal)")
    parts = [
        f'<div class="gantt{long}" role="region" tabindex="0" aria-label="{label}">\n',
        _axes(timeline.axis, timeline.today, get_language()),
    ]
    for group in drawn:
        if grouped:
            parts.append(
                '  <div class="gantt__row gantt__row--group">\n'
                '    <h3 class="gantt__label gantt__group-title">'
                f'<a href="{links.chantier(group)}">{escape(group.chantier.title)}</a></h3>\n'
                f"    {_track(timeline, year_lines, None, '')}"
                "  </div>\n"
            )
        parts.append('  <ol class="gantt__steps">\n')
        for item in group.steps:
            title = _title(item, group, links, grouped) or escape(item.step.title)
            parts.append(
                '    <li class="gantt__row">\n'
                '      <div class="gantt__label">\n'
                f'        <span class="gantt__title">{title}</span>\n'
                f'        <span class="gantt__meta">{_status(item)} · {escape(item.when)}</span>\n'
                "      </div>\n"
                f"      {_track(timeline, year_lines, item.bar, item.status)}"
                "    </li>\n"
            )
        parts.append("  </ol>\n")
    parts.append("</div>\n")
    return "".join(parts)


def _undated(
    undated: list[TimelineGroup], links: _Links, prefix: str, hl: int, grouped: bool, anchors: bool
) -> str:
    heading = gettext("Étapes sans date")
    parts = [
        (
            f'<section class="timeline-undated" aria-labelledby="{prefix}-sans-date">\n'
            f'  <h{hl} id="{prefix}-sans-date">{heading}</h{hl}>\n'
        )
    ]
    for group in undated:
        if grouped:
            parts.append(
                f'  <h{hl + 1} class="timeline-undated__chantier"><a href="'
                f'{links.chantier(group)}">{escape(group.chantier.title)}</a></h{hl + 1}>\n'
            )
        parts.append('  <ul class="plain-list timeline-undated__list">\n')
        for item in group.undated:
            step = item.step
            anchor = f' id="etape-{step.order}"' if anchors else ""
            title = _title(item, group, links, grouped)
            if not title:
                title = f'<span class="gantt__title">{escape(step.title)}</span>'
            note = (
                f'      <p class="card__meta">{escape(step.description)}</p>\n'
                if anchors and step.description
                else ""
            )
            parts.append(
                f"    <li{anchor}>\n"
                f"      {title}\n"
                f'      <span class="gantt__meta">{_status(item)} · {escape(item.when)}</span>\n'
                f"{note}"
                "    </li>\n"
            )
        parts.append("  </ul>\n")
    parts.append("</section>\n")
    return "".join(parts)


def _table(
    drawn: list[TimelineGroup], links: _Links, prefix: str, hl: int, grouped: bool, anchors: bool
) -> str:
    columns = [gettext("Étape"), gettext("Quand"), gettext("Statut"), gettext("Événement")]
    if grouped:
        columns.insert(0, gettext("Chantier"))
    head = "".join(f'          <th scope="col">{column}</th>\n' for column in columns)
    heading = gettext("L'échéancier en tableau")
    caption = gettext("Les étapes datées, avec leur période, leur statut et leur événement")
    parts = [
        (
            f'<section class="timeline-table" aria-labelledby="{prefix}-tableau-titre">\n'
            f'  <h{hl} id="{prefix}-tableau-titre">{heading}</h{hl}>\n'
            '  <div class="table-scroll">\n'
            f'    <table id="{prefix}-tableau">\n'
            '      <caption class="visually-hidden">'
            f"{caption}"
            "</caption>\n"
            "      <thead>\n"
            "        <tr>\n"
            f"{head}"
            "        </tr>\n"
            "      </thead>\n"
            "      <tbody>\n"
        )
    ]
    annule = gettext("annulé")
    cancelled = f" ({annule})"
    for group in drawn:
        for item in group.steps:
            step = item.step
            anchor = f' id="etape-{step.order}"' if anchors else ""
            chantier = (
                f'<td><a href="{links.chantier(group)}">{escape(group.chantier.title)}</a></td>'
                if grouped
                else ""
            )
            note = (
                f'<span class="table-note">{escape(step.description)}</span>'
                if anchors and step.description
                else ""
            )
            event = step.public_event
            if event is not None:
                carried = (
                    f'<a href="{escape(event.get_absolute_url())}">{escape(event.title)}</a>'
                    + (cancelled if event.status == "cancelled" else "")
                )
            else:
                carried = "—"
            parts.append(
                f"        <tr{anchor}>\n"
                f"          {chantier}\n"
                f'          <th scope="row">{escape(step.title)}{note}</th>\n'
                f"          <td>{escape(item.when)}</td>\n"
                f"          <td>{_status(item)}</td>\n"
                f"          <td>{carried}</td>\n"
                "        </tr>\n"
            )
    parts.append("      </tbody>\n    </table>\n  </div>\n</section>\n")
    return "".join(parts)


def render_timeline(
    timeline: Timeline, *, prefix: str, hl: int, grouped: bool = False, anchors: bool = False
) -> SafeString:
    prefix = escape(prefix)
    links = _Links()
    drawn, undated = timeline.drawn, timeline.undated
    parts = [_DEFS]
    if drawn:
        parts.append(_legend(timeline, prefix))
        parts.append(_drawing(timeline, drawn, links, grouped))
    if undated:
        parts.append(_undated(undated, links, prefix, hl, grouped, anchors))
    if drawn:
        parts.append(_table(drawn, links, prefix, hl, grouped, anchors))
    # Every value above is escaped; the translations are the catalogue's, as in a template.
    return mark_safe("".join(parts))


@register.simple_tag
def timeline_html(
    timeline: Timeline, *, prefix: str, hl: int, grouped: bool = False, anchors: bool = False
) -> SafeString:
    return render_timeline(timeline, prefix=prefix, hl=hl, grouped=grouped, anchors=anchors)
