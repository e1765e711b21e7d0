"""Existing steps get honest values: no step is "done" because of a date, periods are periods.

Until now a step with past dates showed "Réalisée", and the seed gave the Communication step
"au 2e semestre" invented days (1 July – 31 December 2021). Here:
- a continuous step is "ongoing" (as it showed); every other step keeps the status staff had
  declared ("planned" unless they said otherwise): a date alone never made anything done, and
  a step carried by an event shows "done" by itself once the event took place;
- dates that cover exactly one month, quarter, semester or year become that period (the
  Communication step: « 2e semestre 2021 »), and whole months from one to another a range of
  months;
- an end without a start becomes the start;
- the description « Date à définir. » of a step without any date goes: the page says it already.

The helpers are copied here so that this migration does not change when the app's code does.
"""

import calendar
import datetime

from django.db import migrations

MONTHS_IN = {"year": 12, "semester": 6, "quarter": 3, "month": 1}
TO_BE_DEFINED = "date à définir"


def _period_start(day, months):
    return datetime.date(day.year, (day.month - 1) // months * months + 1, 1)


def _period_end(day, months):
    start = _period_start(day, months)
    last_month = start.month + months - 1
    return datetime.date(start.year, last_month, calendar.monthrange(start.year, last_month)[1])


def _precision(start, end):
    """(precision, end to keep) for the days ``start``–``end`` (both included)."""
    for precision, months in MONTHS_IN.items():
        if _period_start(start, months) == start and _period_end(start, months) == end:
            return precision, None
    if start.day == 1 and end == _period_end(end, 1):
        return "month", end
    return "day", None if end == start else end


def forwards(apps, schema_editor):
    Step = apps.get_model("chantiers", "Step")
    for step in Step.objects.all():
        changed = []
        if step.end_date and not step.start_date:
            step.start_date = step.end_date
            changed.append("start_date")
        if step.is_continuous:
            if step.status != "ongoing":
                step.status = "ongoing"
                changed.append("status")
            if step.end_date:
                step.end_date = None
                changed.append("end_date")
        elif step.start_date:
            precision, end = _precision(step.start_date, step.end_date or step.start_date)
            if (precision, end) != (step.date_precision, step.end_date):
                step.date_precision, step.end_date = precision, end
                changed += ["date_precision", "end_date"]
        undated = not step.is_continuous and not step.start_date and step.event_id is None
        if undated and step.description.strip().rstrip(".").strip().lower() == TO_BE_DEFINED:
            step.description = ""
            changed.append("description")
        if changed:
            step.save(update_fields=changed)


class Migration(migrations.Migration):
    dependencies = [
        ("chantiers", "0004_step_status_and_periods"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
