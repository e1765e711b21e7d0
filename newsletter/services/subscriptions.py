"""Subscriptions to the newsletter: double opt-in, one-click unsubscription, interests.

Every write is here. The public form never reveals whether an address is known: whatever the
state of the address, ``subscriber_request`` returns nothing and the caller answers the same.
A subscription counts only once confirmed (``consent_at`` set means consent given); the token
sent in every email proves the mailbox, so it unsubscribes, resubscribes and edits interests.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chantiers.models import Chantier
from newsletter.models import CONFIRMATION_DAYS, Subscriber, token_new
from portal.mail import email_queue_template
from territoires.models import Province

if TYPE_CHECKING:
    from portal.models import User

logger = logging.getLogger(__name__)

SOURCE_MAX_LENGTH = Subscriber._meta.get_field("consent_source").max_length or 300
EMAIL_MAX_LENGTH = Subscriber._meta.get_field("email").max_length or 254
SOURCE_PAGE = _("Page d'inscription")
SOURCE_FOOTER = _("Pied de page – %(path)s")
SOURCE_RESUBSCRIBE = _("Réinscription depuis la page de désinscription")
SOURCE_ESPACE = _("Mon espace")

INVALID_EMAIL = _(
    "Cette adresse e-mail n'est pas valide. Vérifiez-la : elle ressemble à prenom@exemple.be."
)
KEY_UNKNOWN = _(
    "Ce lien de confirmation n'est pas (ou plus) valable : il a peut-être déjà servi, ou un "
    "lien plus récent l'a remplacé."
)
KEY_EXPIRED = _(
    "Ce lien de confirmation a expiré : il n'est valable que %(days)s jours. Inscrivez-vous à "
    "nouveau pour en recevoir un autre."
)
TOKEN_UNKNOWN = _("Ce lien ne correspond à aucune inscription à la lettre d'information.")
UNVERIFIED = _(
    "Votre adresse %(email)s n'est pas encore vérifiée. Confirmez-la depuis la page « Mes "
    "adresses e-mail » avant de vous inscrire à la lettre."
)


def email_normalise(email: str) -> str:
    return email.strip().lower()


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _source(source: Any) -> str:
    return str(source).strip()[:SOURCE_MAX_LENGTH]


def _interests_set(
    subscriber: Subscriber, provinces: Iterable[Province], chantiers: Iterable[Chantier]
) -> None:
    subscriber.provinces.set(list(provinces))
    subscriber.chantiers.set(list(chantiers))


def _send_confirmation(subscriber: Subscriber) -> None:
    email_queue_template(
        to=subscriber.email,
        template="newsletter_confirm",
        context={
            "confirm_url": _absolute(
                reverse("newsletter:confirm", kwargs={"key": subscriber.confirmation_key})
            ),
            "days": CONFIRMATION_DAYS,
        },
    )


def _send_already_subscribed(subscriber: Subscriber) -> None:
    email_queue_template(
        to=subscriber.email,
        template="newsletter_already_subscribed",
        context={
            "preferences_url": _absolute(subscriber.get_preferences_url()),
            "unsubscribe_url": _absolute(subscriber.get_unsubscribe_url()),
        },
    )


# --- Double opt-in ---------------------------------------------------------------------------


@transaction.atomic
def subscriber_request(
    *,
    email: str,
    provinces: Iterable[Province] = (),
    chantiers: Iterable[Chantier] = (),
    source: str,
) -> None:
    """Ask for a subscription; the address confirms it from the email it receives.

    A new, pending or unsubscribed address becomes pending with a new key (an older key stops
    working) and the interests given; a confirmed one keeps its interests and is told it is
    already subscribed, with its preferences link. The caller learns nothing either way.
    """
    email = email_normalise(email)
    try:
        if len(email) > EMAIL_MAX_LENGTH:
            raise ValidationError(INVALID_EMAIL)
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": INVALID_EMAIL}, code="invalid") from None
    # iexact: an address typed in the admin with capitals is still the same address.
    subscriber, _created = Subscriber.objects.select_for_update().get_or_create(
        email__iexact=email, defaults={"email": email}
    )
    if subscriber.status == Subscriber.Status.CONFIRMED:
        _send_already_subscribed(subscriber)
        return
    subscriber.status = Subscriber.Status.PENDING
    subscriber.confirmation_key = token_new()
    subscriber.confirmation_sent_at = timezone.now()
    # Kept while pending; consent_at, set on confirmation, says that consent was given.
    subscriber.consent_source = _source(source)
    subscriber.consent_at = None
    subscriber.unsubscribed_at = None
    subscriber.save()
    _interests_set(subscriber, provinces, chantiers)
    _send_confirmation(subscriber)


def subscriber_for_confirmation(*, key: str, lock: bool = False) -> Subscriber:
    """The pending subscriber this key confirms; ValidationError when it cannot be used."""
    queryset = Subscriber.objects.filter(status=Subscriber.Status.PENDING)
    if lock:
        queryset = queryset.select_for_update()
    subscriber = queryset.filter(confirmation_key=key).first() if key else None
    if subscriber is None:
        raise ValidationError(KEY_UNKNOWN, code="unknown")
    sent_at = subscriber.confirmation_sent_at
    if sent_at is None or sent_at < timezone.now() - datetime.timedelta(days=CONFIRMATION_DAYS):
        raise ValidationError(KEY_EXPIRED, code="expired", params={"days": CONFIRMATION_DAYS})
    return subscriber


@transaction.atomic
def subscriber_confirm(*, key: str) -> Subscriber:
    """Confirm a pending address: consent given now, from the source it was requested from."""
    subscriber = subscriber_for_confirmation(key=key, lock=True)
    subscriber.status = Subscriber.Status.CONFIRMED
    subscriber.consent_at = timezone.now()
    subscriber.confirmation_key = None
    subscriber.save(update_fields=["status", "consent_at", "confirmation_key", "updated_at"])
    return subscriber


# --- The token: unsubscribe, resubscribe, interests ------------------------------------------


def subscriber_for_token(*, token: str, lock: bool = False) -> Subscriber:
    queryset = Subscriber.objects.select_for_update() if lock else Subscriber.objects.all()
    subscriber = queryset.filter(token=token).first() if token else None
    if subscriber is None:
        raise ValidationError(TOKEN_UNKNOWN, code="unknown")
    return subscriber


@transaction.atomic
def subscriber_unsubscribe(*, token: str) -> Subscriber:
    """Stop sending to this address. Already unsubscribed: nothing changes."""
    subscriber = subscriber_for_token(token=token, lock=True)
    if subscriber.status == Subscriber.Status.UNSUBSCRIBED:
        return subscriber
    subscriber.status = Subscriber.Status.UNSUBSCRIBED
    subscriber.unsubscribed_at = timezone.now()
    subscriber.confirmation_key = None  # a pending confirmation must not undo this
    subscriber.save(update_fields=["status", "unsubscribed_at", "confirmation_key", "updated_at"])
    return subscriber


def _confirm_now(subscriber: Subscriber, source: Any) -> None:
    subscriber.status = Subscriber.Status.CONFIRMED
    subscriber.consent_at = timezone.now()
    subscriber.consent_source = _source(source)
    subscriber.confirmation_key = None
    subscriber.unsubscribed_at = None


@transaction.atomic
def subscriber_resubscribe(*, token: str, source: str = "") -> Subscriber:
    """Subscribe again at once: the token was sent to this mailbox, so it proves it.

    Already confirmed: nothing changes (the consent given earlier stands).
    """
    subscriber = subscriber_for_token(token=token, lock=True)
    if subscriber.status == Subscriber.Status.CONFIRMED:
        return subscriber
    _confirm_now(subscriber, source or SOURCE_RESUBSCRIBE)
    subscriber.save()
    return subscriber


@transaction.atomic
def subscriber_update_interests(
    *, subscriber: Subscriber, provinces: Iterable[Province], chantiers: Iterable[Chantier]
) -> Subscriber:
    """Replace the provinces and chantiers followed (none of either: everything)."""
    locked = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    _interests_set(locked, provinces, chantiers)
    Subscriber.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
    return locked


# --- Members, from their space ---------------------------------------------------------------


def member_email_verified(*, user: User) -> bool:
    """Whether the account's address is verified (allauth): only then does it prove the
    mailbox, so that the member may subscribe without a confirmation email."""
    if not user.email:
        return False
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


def subscriber_of_member(*, user: User) -> Subscriber | None:
    """The subscription linked to this account, else the one of its (verified) address."""
    linked = Subscriber.objects.filter(user=user).first()
    if linked is not None:
        return linked
    if not member_email_verified(user=user):
        return None  # an address not proven theirs: its subscription is not shown
    return Subscriber.objects.filter(email__iexact=email_normalise(user.email)).first()


@transaction.atomic
def subscriber_subscribe_member(*, user: User) -> Subscriber:
    """Subscribe a member at once with their verified address (their account proves it),
    linked to their account; an existing subscription of that address is reused."""
    email = email_normalise(user.email or "")
    if not email or not member_email_verified(user=user):
        raise ValidationError(UNVERIFIED, code="unverified", params={"email": user.email})
    by_email = Subscriber.objects.select_for_update().filter(email__iexact=email).first()
    linked = Subscriber.objects.select_for_update().filter(user=user).first()
    if by_email is not None:
        subscriber = by_email
        if linked is not None and linked.pk != by_email.pk:
            # The account's address changed: the old address's row no longer belongs to it.
            linked.user = None
            linked.save(update_fields=["user", "updated_at"])
    elif linked is not None:
        subscriber = linked
        subscriber.email = email
    else:
        subscriber = Subscriber(email=email)
    subscriber.user = user
    if subscriber.status != Subscriber.Status.CONFIRMED:
        _confirm_now(subscriber, SOURCE_ESPACE)
    subscriber.save()
    return subscriber


@transaction.atomic
def subscriber_unsubscribe_member(*, user: User) -> Subscriber | None:
    """Unsubscribe the member's subscription (the one their space shows), if any."""
    subscriber = subscriber_of_member(user=user)
    if subscriber is None:
        return None
    return subscriber_unsubscribe(token=subscriber.token)
