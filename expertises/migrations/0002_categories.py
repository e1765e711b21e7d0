"""The default categories of expertise, which staff then edit in the admin."""

from django.db import migrations

CATEGORIES = [
    ("financement-micro-credit", "Financement et micro-crédit"),
    ("accompagnement-economique", "Accompagnement économique"),
    ("juridique", "Juridique"),
    ("marches-publics", "Marchés publics"),
    ("logistique", "Logistique"),
    ("formation", "Formation"),
    ("communication", "Communication"),
    ("foncier", "Foncier"),
]


def create_categories(apps, schema_editor):
    Category = apps.get_model("expertises", "Category")
    for order, (slug, name) in enumerate(CATEGORIES, start=1):
        # Only what is missing: a category staff renamed (same slug) or created under the same
        # name is left as it is.
        if Category.objects.filter(name=name).exclude(slug=slug).exists():
            continue
        Category.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("expertises", "0001_initial")]

    operations = [migrations.RunPython(create_categories, migrations.RunPython.noop)]
