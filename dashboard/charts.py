"""The dashboard's charts, drawn server-side as SVG: no script, no inline style (presentation
attributes only, which the Content-Security-Policy does not govern).

Readable without colour: each series of a bar chart has its own pattern (plain, hatched,
dotted, outlined…) named in a legend, every bar carries its value as text, and a chart over
time draws one small chart per series under its name. The table next to each chart is the
accessible equivalent: the SVG is an image with a short name.
"""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from dashboard.selectors import Figure, Row

WIDTH = 720
FONT = 'font-family="system-ui, sans-serif"'
INK = "#1b1b1b"
MUTED = "#5a5a5a"
# Dark enough to stand out on white (3:1 and more), told apart by pattern as well.
COLOURS = ("#1f4e79", "#a34a00", "#2d6a4f", "#6a3d9a", "#8a1c3b", "#3b3b3b")
LABEL_CHARS = 80
AXIS_TEXT = '<text x="{}" y="{}" font-size="10" text-anchor="middle" fill="{}">{}</text>'


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _pattern(figure_slug: str, index: int) -> str:
    """One fill per series: plain, hatched, dotted, cross-hatched, striped, outlined."""
    colour = COLOURS[index % len(COLOURS)]
    pattern_id = f"{figure_slug}-motif-{index}"
    kind = index % 6
    if kind == 0:
        body = f'<rect width="8" height="8" fill="{colour}"/>'
    elif kind == 1:
        body = (
            f'<rect width="8" height="8" fill="#fff"/>'
            f'<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="{colour}" stroke-width="2.5"/>'
        )
    elif kind == 2:
        body = (
            f'<rect width="8" height="8" fill="#fff"/>'
            f'<circle cx="4" cy="4" r="2.2" fill="{colour}"/>'
        )
    elif kind == 3:
        body = (
            f'<rect width="8" height="8" fill="#fff"/>'
            f'<path d="M0,0 L8,8 M8,0 L0,8" stroke="{colour}" stroke-width="1.6"/>'
        )
    elif kind == 4:
        body = (
            f'<rect width="8" height="8" fill="#fff"/>'
            f'<path d="M0,2 H8 M0,6 H8" stroke="{colour}" stroke-width="2"/>'
        )
    else:
        body = '<rect width="8" height="8" fill="#fff"/>'
    return (
        f'<pattern id="{pattern_id}" width="8" height="8" patternUnits="userSpaceOnUse">'
        f"{body}</pattern>"
    )


def _fill(figure_slug: str, index: int) -> str:
    return f'fill="url(#{figure_slug}-motif-{index})" stroke="{COLOURS[index % len(COLOURS)]}"'


def _svg(figure: Figure, height: int, body: list[str], *, patterns: int) -> SafeString:
    defs = "".join(_pattern(figure.slug, index) for index in range(patterns))
    name = _("%(title)s : graphique, détaillé dans le tableau qui suit.") % {"title": figure.title}
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-label="{escape(name)}" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" {FONT} font-size="13" fill="{INK}">'
        f"<defs>{defs}</defs>{''.join(body)}</svg>"
    )


def _legend(figure: Figure) -> tuple[list[str], int]:
    """Swatch and name of each series, on as many lines as needed; returns the height used."""
    parts: list[str] = []
    x, y = 0, 4
    for index, label in enumerate(figure.series):
        width = 30 + 7 * len(label)
        if x and x + width > WIDTH:
            x, y = 0, y + 22
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="16" height="14" {} stroke-width="1.5"/>'
                '<text x="{}" y="{}">{}</text>',
                x + 1,
                y,
                mark_safe(_fill(figure.slug, index)),
                x + 22,
                y + 12,
                label,
            )
        )
        x += width + 14
    return parts, y + 26


def bar_chart(figure: Figure) -> SafeString:
    """Grouped horizontal bars: each row's name, then one bar per series with its value."""
    series = len(figure.series)
    body, top = _legend(figure) if series > 1 else ([], 0)
    largest = max((max(row.values, default=0) for row in figure.rows), default=0) or 1
    bar, gap, label_height = 14, 3, 20
    scale = (WIDTH - 60) / largest
    y = top
    for row in figure.rows:
        body.append(
            format_html('<text x="0" y="{}" font-weight="600">{}</text>', y + 14, _short(row.label))
        )
        y += label_height
        for index, value in enumerate(row.values):
            width = round(value * scale, 1)
            if width:
                body.append(
                    format_html(
                        '<rect x="0" y="{}" width="{}" height="{}" {} stroke-width="1.5"/>',
                        y,
                        width,
                        bar,
                        mark_safe(_fill(figure.slug, index)),
                    )
                )
            body.append(
                format_html(
                    '<text x="{}" y="{}" font-size="12">{}</text>', width + 6, y + bar - 2, value
                )
            )
            y += bar + gap
        y += 10
    return _svg(figure, max(y, 20), body, patterns=series)


def _month_axis(row: Row) -> tuple[str, str]:
    """The month's short name, and its year under January and the first month."""
    if row.month is None:
        return _short(row.label, 6), ""
    return date_format(row.month, "M"), date_format(row.month, "Y")


def months_chart(figure: Figure) -> SafeString:
    """Small multiples: one panel per series, a bar per month with its value, two panels a
    line; the panel's title names the series, so no colour has to."""
    columns = 2
    gutter = 30
    panel_width = (WIDTH - gutter * (columns - 1)) / columns
    months = len(figure.rows)
    slot = panel_width / max(months, 1)
    bars_height, title_height, axis_height = 70, 26, 34
    panel_height = title_height + 16 + bars_height + axis_height
    body: list[str] = []
    for index, label in enumerate(figure.series):
        column, line = index % columns, index // columns
        left = column * (panel_width + gutter)
        top = line * (panel_height + 12)
        values = [row.values[index] for row in figure.rows]
        largest = max(values, default=0) or 1
        total = sum(values)
        body.append(
            format_html(
                '<text x="{}" y="{}" font-weight="600">{}</text>',
                round(left, 1),
                top + 16,
                _("%(series)s (aujourd'hui : %(count)s)")
                % {"series": _short(label, 40), "count": values[-1] if values else 0}
                if figure.stock
                else _("%(series)s (total : %(total)s)")
                % {"series": _short(label, 40), "total": total},
            )
        )
        base = top + title_height + 16 + bars_height
        body.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}"/>',
                round(left, 1),
                round(left + panel_width, 1),
                base,
                base,
                MUTED,
            )
        )
        for month_index, (row, value) in enumerate(zip(figure.rows, values, strict=True)):
            x = left + month_index * slot
            height = round(value / largest * bars_height, 1)
            if value:
                body.append(
                    format_html(
                        '<rect x="{}" y="{}" width="{}" height="{}" {} stroke-width="1"/>'
                        '<text x="{}" y="{}" font-size="11" text-anchor="middle">{}</text>',
                        round(x + 2, 1),
                        round(base - height, 1),
                        round(slot - 4, 1),
                        height,
                        mark_safe(_fill(figure.slug, 0)),
                        round(x + slot / 2, 1),
                        round(base - height - 4, 1),
                        value,
                    )
                )
            month, year = _month_axis(row)
            body.append(
                format_html(
                    AXIS_TEXT,
                    round(x + slot / 2, 1),
                    base + 13,
                    MUTED,
                    month,
                )
            )
            if year and (month_index == 0 or (row.month and row.month.month == 1)):
                body.append(
                    format_html(
                        AXIS_TEXT,
                        round(x + slot / 2, 1),
                        base + 26,
                        MUTED,
                        year,
                    )
                )
    lines = (len(figure.series) + columns - 1) // columns
    return _svg(figure, max(lines * (panel_height + 12), 20), body, patterns=1)


def chart_svg(figure: Figure) -> SafeString:
    """The figure's chart, as its ``chart`` says."""
    if figure.chart == "months":
        return months_chart(figure)
    return bar_chart(figure)
