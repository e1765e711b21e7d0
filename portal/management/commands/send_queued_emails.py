"""Send the emails waiting in the outbox now (what the periodic sweep does every minute)."""

from typing import Any

from django.core.management.base import BaseCommand

from portal.mail import email_send_backlog


class Command(BaseCommand):
    help = "Envoie les e-mails en attente dans la file."

    def handle(self, *args: Any, **options: Any) -> None:
        sent, _more = email_send_backlog()
        self.stdout.write(f"E-mails envoyés : {sent}")
