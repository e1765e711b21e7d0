"""Record the seed rows of a database loaded before seed records existed, so that ``load_seed``
recognises them from now on whatever staff rename (found by the natural keys the loader used
then; a row staff deleted before this migration cannot be recorded)."""

from django.db import migrations


def backfill(apps, schema_editor):
    from hub.seed.identity import Ref, every_identity

    SeedRecord = apps.get_model("hub", "SeedRecord")
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not apps.get_model("territoires", "Province").objects.exists():
        return  # a new database: nothing was loaded yet
    rows = {}
    for piece in every_identity():
        app_label, model_name = piece.model.split(".")
        model = apps.get_model(app_label, model_name)
        found = None
        for lookup in piece.lookups:
            resolved = {}
            for name, value in lookup.items():
                if isinstance(value, Ref):
                    value = rows.get(value.key)
                    if value is None:
                        break
                resolved[name] = value
            else:
                found = model._default_manager.filter(**resolved).first()
                if found is not None:
                    break
        if found is None:
            continue
        rows[piece.key] = found
        content_type, _created = ContentType.objects.get_or_create(
            app_label=app_label, model=model_name.lower()
        )
        SeedRecord.objects.get_or_create(
            key=piece.key, defaults={"content_type": content_type, "object_id": found.pk}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("hub", "0001_seed_records"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("territoires", "0001_initial"),
        ("projets", "0002_historicalproject_membership_project_members_and_more"),
        ("chantiers", "0003_news"),
        ("events", "0005_registration_event_project_cap_and_more"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
