"""A step's status is the one staff state (five of them), and its dates carry a precision."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("chantiers", "0003_news"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="step", name="step_end_after_start"),
        migrations.RemoveConstraint(model_name="step", name="step_continuous_has_no_dates"),
        # The status staff declared was read only for steps without dates; it becomes the
        # status of every step (0005 gives each row its honest value).
        migrations.RenameField(model_name="step", old_name="declared_status", new_name="status"),
        migrations.AlterField(
            model_name="step",
            name="status",
            field=models.CharField(
                choices=[
                    ("planned", "Prévue"),
                    ("ongoing", "En cours"),
                    ("done", "Réalisée"),
                    ("postponed", "Reportée"),
                    ("cancelled", "Annulée"),
                ],
                default="planned",
                help_text=(
                    "Le statut annoncé. Une date passée ne rend jamais une étape « réalisée » ; "
                    "une étape portée par un événement l'est quand l'événement a eu lieu."
                ),
                max_length=20,
                verbose_name="statut",
            ),
        ),
        migrations.AddField(
            model_name="step",
            name="date_precision",
            field=models.CharField(
                choices=[
                    ("day", "Jour"),
                    ("month", "Mois"),
                    ("quarter", "Trimestre"),
                    ("semester", "Semestre"),
                    ("year", "Année"),
                ],
                default="day",
                help_text="« Semestre » pour « au 2e semestre 2021 » : jamais de jours inventés.",
                max_length=10,
                verbose_name="précision des dates",
            ),
        ),
        migrations.AlterField(
            model_name="step",
            name="end_date",
            field=models.DateField(
                blank=True,
                help_text="Laisser vide pour un seul jour ou une seule période.",
                null=True,
                verbose_name="fin",
            ),
        ),
        migrations.AlterField(
            model_name="step",
            name="is_continuous",
            field=models.BooleanField(
                default=False,
                help_text="Une étape menée en continu : sans fin, avec un début s'il est connu.",
                verbose_name="en continu",
            ),
        ),
        migrations.AlterField(
            model_name="step",
            name="start_date",
            field=models.DateField(
                blank=True,
                help_text="Pour une période (mois, semestre…), n'importe quel jour de la période.",
                null=True,
                verbose_name="début",
            ),
        ),
    ]
