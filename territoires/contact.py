"""The message a visitor writes to a province's territorial officers (the service of the form).

The message reaches each active officer through the outbox (portal.mail), with the sender's
address as Reply-To: the officers answer from their own mailbox, and their addresses are never
shown to the sender — not on the page, not in an error, not in the sender's copy.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.mail import email_queue_template
from portal.models import User
from territoires.models import Province


@dataclass(frozen=True)
class OfficerMessage:
    sender_name: str
    sender_email: str
    message: str
    organisation: str = ""


@transaction.atomic
def officer_message_send(
    *, province: Province, message: OfficerMessage, copy_to: User | None = None
) -> int:
    """Queue ``message`` to each active officer of ``province``; ``copy_to`` (a signed-in
    sender's account) gets a copy naming who received it. Returns how many officers it reached.
    """
    officers = sorted(
        province.officers.filter(is_active=True).exclude(email="").order_by("last_name", "pk"),
        key=lambda officer: not officer.get_full_name(),  # as on the page: named ones first
    )
    if not officers:
        raise ValidationError(
            _("Aucun·e chargé·e de mission ne suit encore cette province."),
            code="no_officer",
        )
    context = {"province": province, "message": message}
    for officer in officers:
        email_queue_template(
            to=officer.email,
            template="officer_contact",
            context={**context, "officer": officer},
            headers={"Reply-To": message.sender_email},
        )
    if copy_to is not None and copy_to.is_authenticated and copy_to.email:
        email_queue_template(
            to=copy_to.email,
            template="officer_contact_copy",
            # Their names only, as on the province page.
            context={
                **context,
                "officer_names": [
                    o.get_full_name() or _("un·e chargé·e de mission territoriale")
                    for o in officers
                ],
            },
        )
    return len(officers)
