"""Load the seed content (create-only: a re-run changes nothing, staff edits are kept)."""

from typing import Any

from django.core.management.base import BaseCommand

from hub.seed.loader import seed_load


class Command(BaseCommand):
    help = (
        "Crée ce qui manque du contenu initial (provinces, organisations, chantiers, "
        "événements, projets) sans jamais modifier une ligne existante."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = seed_load(stdout=self.stdout if options["verbosity"] >= 2 else None)
        for line in report.lines():
            self.stdout.write(line)
