"""Load the seed content (create-only: a re-run changes nothing, staff edits and deletions are
kept; with --initial, only into a database never seeded)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hub.seed.loader import seed_load


class Command(BaseCommand):
    help = (
        "Crée ce qui n'a jamais été chargé du contenu initial (provinces, organisations, "
        "chantiers, événements, projets), sans jamais modifier une ligne existante ni recréer "
        "une ligne supprimée."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--initial",
            action="store_true",
            help="Ne rien faire si le contenu initial a déjà été chargé une fois (démarrage).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = seed_load(
            stdout=self.stdout if options["verbosity"] >= 2 else None,
            initial=options["initial"],
        )
        for line in report.lines():
            self.stdout.write(line)
