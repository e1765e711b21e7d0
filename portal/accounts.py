"""Changing another person's sign-in address: a superuser's act only.

An address is the key to an account: with it, a password reset link goes wherever it points.
People change their own through allauth (the new address counts once verified from it); staff
of the Cellule cannot change anyone's (read only in the admin). A superuser may, for someone who
lost access to their old mailbox: the new address replaces the old in allauth's addresses, as
unverified (the person verifies it at their next sign-in), and the old address is told.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.mail import email_queue_template
from portal.models import User


@transaction.atomic
def user_email_change(*, by: User, user: User, email: str) -> bool:
    """Give ``user`` the sign-in address ``email``; False when it is already theirs."""
    if not by.is_superuser:
        raise PermissionDenied(
            _("Seul·e un·e superutilisateur·rice peut changer l'adresse d'une autre personne.")
        )
    email = User.objects.normalize_email(email).strip().lower()
    locked = User.objects.select_for_update().get(pk=user.pk)
    old = locked.email
    if email == old.lower():
        return False
    if (
        User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists()
        or EmailAddress.objects.filter(email__iexact=email).exclude(user=user).exists()
    ):
        raise ValidationError(
            {"email": _("Cette adresse est déjà celle d'un autre compte.")}, code="taken"
        )
    User.objects.filter(pk=user.pk).update(email=email)
    user.email = email
    EmailAddress.objects.filter(user=user).delete()
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    if old:
        email_queue_template(
            to=old,
            template="account_email_changed",
            context={"person": user, "old_email": old, "new_email": email},
            key=f"account-email-changed-{user.pk}-{email}",
        )
    LogEntry.objects.log_actions(
        user_id=by.pk,
        queryset=[user],
        action_flag=CHANGE,
        change_message=str(
            _("Adresse changée de %(old)s en %(new)s.") % {"old": old, "new": email}
        ),
    )
    return True
