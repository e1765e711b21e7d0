"""A figure's table as CSV: what Excel opens as is in Belgium, and no cell it would run."""

from __future__ import annotations

import csv
import io

from dashboard.selectors import Figure
from events.attendees import cell_safe


def figure_csv(figure: Figure) -> bytes:
    """UTF-8 with a BOM, « ; » between cells (as the attendee lists), text cells made safe
    against formula injection (a title starting with « = » stays text)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([cell_safe(cell) for cell in figure.header()])
    for line in figure.table():
        writer.writerow([cell_safe(cell) for cell in line])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
