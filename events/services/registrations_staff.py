"""What staff do to someone's registration (the admin's door): move its status, or delete it.

Each goes through the services of ``events.services.registrations``, so that whoever acts, a
seat freed goes to the first in line, who is emailed with the invitation, and the seat count
stays true. Permission checks are the caller's (the admin's permissions).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from events.models import Registration
from events.services.registrations import registration_cancel, registration_create

User = Any  # portal.models.User


@transaction.atomic
def registration_status_change(
    *, by: User, registration: Registration, status: str
) -> Registration:
    """Cancel (the seat goes to the next in line), or register again a cancelled person (a
    seat if one is free, else the end of the waiting list, as if they registered themselves).

    The waiting list moves only in its order, through free seats: raising the capacity
    confirms the first in line; a confirmed seat is given back by cancelling.
    """
    current = Registration.objects.select_related("user", "project").get(pk=registration.pk)
    if status == current.status:
        return current
    if status == Registration.Status.CANCELLED:
        registration_cancel(registration=current, by=by)
        return current
    if current.status == Registration.Status.CANCELLED:
        return registration_create(
            user=current.user,
            event=current.event,
            project=current.project,
            organisation=current.organisation,
            remarks=current.remarks,
        )
    if status == Registration.Status.CONFIRMED:
        raise ValidationError(
            {
                "status": _(
                    "La liste d'attente avance dans son ordre : augmentez le nombre de places "
                    "de l'événement, les premières personnes en attente seront confirmées."
                )
            },
            code="waiting_list_order",
        )
    raise ValidationError(
        {"status": _("Une place confirmée ne repasse pas en attente : annulez l'inscription.")},
        code="confirmed_to_waiting",
    )


@transaction.atomic
def registration_delete(*, by: User, registration: Registration) -> Registration | None:
    """Delete a registration; a confirmed one first frees its seat for the next in line.

    Returns the registration promoted, if any.
    """
    current = Registration.objects.get(pk=registration.pk)
    promoted = None
    if current.status != Registration.Status.CANCELLED:
        promoted = registration_cancel(registration=current, by=by)
    # Cancelled now: the deletion receivers of events.signals have no seat left to free.
    current.delete()
    return promoted
