"""The rules of a step's time, held by the database once the rows are honest (0005)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("chantiers", "0005_step_honest_values"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="step",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("end_date__isnull", True),
                    models.Q(
                        ("start_date__isnull", False), ("end_date__gte", models.F("start_date"))
                    ),
                    _connector="OR",
                ),
                name="step_end_after_start",
            ),
        ),
        migrations.AddConstraint(
            model_name="step",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("is_continuous", False), ("end_date__isnull", True), _connector="OR"
                ),
                name="step_continuous_has_no_end",
            ),
        ),
        migrations.AddConstraint(
            model_name="step",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("date_precision__in", ["day", "month", "quarter", "semester", "year"])
                ),
                name="step_precision_known",
            ),
        ),
    ]
