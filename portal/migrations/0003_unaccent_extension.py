"""PostgreSQL's unaccent, through which every search folds accents (portal.search)."""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_outgoingemail")]

    operations = [UnaccentExtension()]
