"""Queue the match emails that no hook sent: each (need, match) is told once, whatever the runs."""

from typing import Any

from django.core.management.base import BaseCommand

from expertises.services import needs_notify_all_matches


class Command(BaseCommand):
    help = (
        "Prévient les porteur·euses des besoins ouverts des nouveaux facilitateurs et offres "
        "qui y correspondent (une seule fois par besoin et par correspondance)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        queued = needs_notify_all_matches()
        self.stdout.write(f"{queued} e-mail(s) mis en file.")
