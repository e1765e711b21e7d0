"""Who follows a province for the Cellule (territorial officers): staff add and remove them,
from the province's page or the person's; a new officer is told by email once.

Each change goes through the relation's manager (``province.officers.add``/``remove``), whose
signal writes the province's history entry: who acted, why (``reason``, optional), and the
officers before and after."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.history import history_note
from portal.mail import email_queue_template
from territoires.models import Province

if TYPE_CHECKING:
    from portal.models import User

STAFF_PERMISSION = "territoires.change_province"


def _check_staff(by: User) -> None:
    if not (by.is_active and by.is_staff and by.has_perm(STAFF_PERMISSION)):
        raise PermissionDenied(
            _("Seule la Cellule Manger Demain désigne les chargé·es de mission.")
        )


@transaction.atomic
def province_officer_add(*, by: User, province: Province, user: User, reason: str = "") -> bool:
    """``user`` follows ``province`` from now on, and is told; False when they already did."""
    _check_staff(by)
    if not user.is_active:
        raise ValidationError(
            _("Le compte %(user)s est désactivé : réactivez-le d'abord.") % {"user": user},
            code="inactive",
        )
    through = Province.officers.through
    if through.objects.filter(province=province, user=user).exists():
        return False
    history_note(
        province,
        user=by,
        reason=reason,
        default=_("Chargé·e de mission ajouté·e : %(user)s") % {"user": user},
    )
    try:
        with transaction.atomic():
            province.officers.add(user)
    except IntegrityError:  # the same person added twice at the same moment
        return False
    row = through.objects.get(province=province, user=user)
    email_queue_template(
        to=user.email,
        template="province_officer_added",
        context={
            "province": province,
            "person": user,
            "espace_url": f"{settings.SITE_URL}{reverse('espace:home')}",
        },
        # Told again if removed then added again (a new row), never twice for one addition.
        key=f"province-officer-{row.pk}-added",
    )
    return True


@transaction.atomic
def province_officer_remove(*, by: User, province: Province, user: User, reason: str = "") -> bool:
    """``user`` no longer follows ``province``; False when they did not."""
    _check_staff(by)
    through = Province.officers.through
    if not through.objects.filter(province=province, user=user).exists():
        return False
    history_note(
        province,
        user=by,
        reason=reason,
        default=_("Chargé·e de mission retiré·e : %(user)s") % {"user": user},
    )
    province.officers.remove(user)
    return True


@transaction.atomic
def province_officers_set(
    *, by: User, province: Province, users: Iterable[User], reason: str = ""
) -> None:
    """Make the officers of ``province`` exactly ``users``, each change through the above."""
    wanted = {user.pk: user for user in users}
    current = {user.pk: user for user in province.officers.all()}
    for pk, user in current.items():
        if pk not in wanted:
            province_officer_remove(by=by, province=province, user=user, reason=reason)
    for pk, user in wanted.items():
        if pk not in current:
            province_officer_add(by=by, province=province, user=user, reason=reason)
