"""Services of the subscription: double opt-in, duplicates, keys and tokens misused,
unsubscription and resubscription, interests, and members subscribing from their space."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.utils import timezone

from newsletter.models import CONFIRMATION_DAYS, Subscriber
from newsletter.services import (
    subscriber_confirm,
    subscriber_of_member,
    subscriber_request,
    subscriber_resubscribe,
    subscriber_subscribe_member,
    subscriber_unsubscribe,
    subscriber_unsubscribe_member,
    subscriber_update_interests,
)
from portal.models import OutgoingEmail
from tests.chantiers.factories import ChantierFactory
from tests.newsletter.factories import SubscriberFactory
from tests.portal.factories import UserFactory
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db

SOURCE = "Pied de page – /projets/"


def emails_to(address):
    return list(OutgoingEmail.objects.filter(to=address).order_by("pk"))


def snapshot(subscriber):
    """Everything a misused link must leave as it was."""
    subscriber.refresh_from_db()
    return (
        subscriber.status,
        subscriber.confirmation_key,
        subscriber.confirmation_sent_at,
        subscriber.consent_at,
        subscriber.consent_source,
        subscriber.unsubscribed_at,
        sorted(subscriber.provinces.values_list("pk", flat=True)),
        sorted(subscriber.chantiers.values_list("pk", flat=True)),
    )


def verified_member(email="membre@example.org"):
    user = UserFactory(email=email)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


# --- Double opt-in ---------------------------------------------------------------------------


def test_a_new_address_is_pending_and_receives_a_confirmation_link():
    province = ProvinceFactory()
    chantier = ChantierFactory()

    result = subscriber_request(
        email="  Camille@Example.ORG ", provinces=[province], chantiers=[chantier], source=SOURCE
    )

    assert result is None
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "camille@example.org"
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.confirmation_key
    assert subscriber.confirmation_sent_at is not None
    assert subscriber.consent_at is None  # no consent until confirmed
    assert subscriber.consent_source == SOURCE
    assert list(subscriber.provinces.all()) == [province]
    assert list(subscriber.chantiers.all()) == [chantier]
    [email] = emails_to("camille@example.org")
    assert f"/lettre/confirmer/{subscriber.confirmation_key}/" in email.body_text
    assert f"/lettre/confirmer/{subscriber.confirmation_key}/" in email.body_html
    assert "Confirmez votre inscription" in email.subject


def test_a_pending_address_receives_no_issue():
    subscriber_request(email="camille@example.org", source=SOURCE)

    assert not Subscriber.objects.confirmed().exists()


def test_confirmation_records_when_and_from_where_consent_was_given():
    subscriber_request(email="camille@example.org", source=SOURCE)
    key = Subscriber.objects.get().confirmation_key

    before = timezone.now()
    subscriber = subscriber_confirm(key=key)

    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.consent_at >= before
    assert subscriber.consent_source == SOURCE
    assert subscriber.confirmation_key is None
    assert list(Subscriber.objects.confirmed()) == [subscriber]


@pytest.mark.parametrize("email", ["", "   ", "camille", "camille@", "@example.org", "a b@c.be"])
def test_a_malformed_address_is_refused_clearly_and_nothing_is_stored(email):
    with pytest.raises(ValidationError) as error:
        subscriber_request(email=email, source=SOURCE)

    assert "n'est pas valide" in error.value.message_dict["email"][0]
    assert not Subscriber.objects.exists()
    assert not OutgoingEmail.objects.exists()


# --- Duplicates ------------------------------------------------------------------------------


def test_a_pending_address_asking_again_gets_a_new_key_and_new_interests():
    first_province, second_province = ProvinceFactory(), ProvinceFactory()
    subscriber_request(email="camille@example.org", provinces=[first_province], source=SOURCE)
    old_key = Subscriber.objects.get().confirmation_key

    subscriber_request(
        email="CAMILLE@example.org", provinces=[second_province], source="Page d'inscription"
    )

    subscriber = Subscriber.objects.get()  # still one row
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.confirmation_key != old_key
    assert list(subscriber.provinces.all()) == [second_province]
    assert subscriber.consent_source == "Page d'inscription"
    assert len(emails_to("camille@example.org")) == 2
    with pytest.raises(ValidationError) as error:
        subscriber_confirm(key=old_key)
    assert error.value.code == "unknown"
    assert subscriber_confirm(key=subscriber.confirmation_key).status == "confirmed"


def test_a_confirmed_address_is_told_it_is_subscribed_and_keeps_its_interests():
    province = ProvinceFactory()
    subscriber = SubscriberFactory(email="camille@example.org", provinces=[province])
    before = snapshot(subscriber)

    subscriber_request(
        email="camille@example.org", provinces=[ProvinceFactory()], source="Autre page"
    )

    assert Subscriber.objects.count() == 1
    assert snapshot(subscriber) == before
    [email] = emails_to("camille@example.org")
    assert "déjà inscrit" in email.subject
    assert subscriber.get_preferences_url() in email.body_text
    assert subscriber.get_unsubscribe_url() in email.body_text
    assert "/lettre/confirmer/" not in email.body_text


def test_an_unsubscribed_address_must_opt_in_again():
    subscriber = SubscriberFactory(email="camille@example.org", unsubscribed=True)

    subscriber_request(email="camille@example.org", source=SOURCE)

    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.confirmation_key
    assert subscriber.consent_at is None
    assert subscriber.consent_source == SOURCE
    assert not Subscriber.objects.confirmed().exists()
    [email] = emails_to("camille@example.org")
    assert subscriber.confirmation_key in email.body_text


# --- Confirmation keys misused ---------------------------------------------------------------


def test_a_wrong_key_is_refused_and_changes_nothing():
    subscriber = SubscriberFactory(pending=True)
    before = snapshot(subscriber)

    with pytest.raises(ValidationError) as error:
        subscriber_confirm(key="pas-la-bonne-cle")

    assert error.value.code == "unknown"
    assert snapshot(subscriber) == before


def test_an_expired_key_is_refused_with_its_own_message_and_changes_nothing():
    sent = timezone.now() - datetime.timedelta(days=CONFIRMATION_DAYS, minutes=1)
    subscriber = SubscriberFactory(pending=True, confirmation_sent_at=sent)
    before = snapshot(subscriber)

    with pytest.raises(ValidationError) as error:
        subscriber_confirm(key=subscriber.confirmation_key)

    assert error.value.code == "expired"
    assert "expiré" in error.value.messages[0]
    assert f"{CONFIRMATION_DAYS} jours" in error.value.messages[0]
    assert snapshot(subscriber) == before


def test_a_key_just_within_its_days_still_confirms():
    sent = timezone.now() - datetime.timedelta(days=CONFIRMATION_DAYS, minutes=-1)
    subscriber = SubscriberFactory(pending=True, confirmation_sent_at=sent)

    assert subscriber_confirm(key=subscriber.confirmation_key).status == "confirmed"


def test_a_used_key_is_refused_the_second_time_and_changes_nothing():
    subscriber = SubscriberFactory(pending=True)
    key = subscriber.confirmation_key
    subscriber_confirm(key=key)
    before = snapshot(subscriber)

    with pytest.raises(ValidationError) as error:
        subscriber_confirm(key=key)

    assert error.value.code == "unknown"
    assert snapshot(subscriber) == before


def test_unsubscribing_a_pending_address_cancels_its_key():
    subscriber = SubscriberFactory(pending=True)

    subscriber_unsubscribe(token=subscriber.token)

    with pytest.raises(ValidationError):
        subscriber_confirm(key=subscriber.confirmation_key)
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


# --- Unsubscribe, resubscribe ----------------------------------------------------------------


def test_unsubscribe_stops_the_issues_and_records_when():
    subscriber = SubscriberFactory()
    consent_at = subscriber.consent_at

    subscriber_unsubscribe(token=subscriber.token)

    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert subscriber.unsubscribed_at is not None
    assert subscriber.consent_at == consent_at  # the record of the consent given stays
    assert not Subscriber.objects.confirmed().exists()


def test_unsubscribing_twice_changes_nothing_the_second_time():
    subscriber = SubscriberFactory(unsubscribed=True)
    subscriber.unsubscribed_at = timezone.now() - datetime.timedelta(days=30)
    subscriber.save()
    before = snapshot(subscriber)

    subscriber_unsubscribe(token=subscriber.token)

    assert snapshot(subscriber) == before


def test_an_unknown_token_is_refused_and_changes_nothing():
    subscriber = SubscriberFactory()
    before = snapshot(subscriber)

    for service in (subscriber_unsubscribe, subscriber_resubscribe):
        with pytest.raises(ValidationError) as error:
            service(token="inconnu")
        assert error.value.code == "unknown"

    assert snapshot(subscriber) == before


def test_resubscribe_confirms_at_once_and_records_the_new_consent():
    subscriber = SubscriberFactory(unsubscribed=True)

    before = timezone.now()
    subscriber_resubscribe(token=subscriber.token)

    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.consent_at >= before
    assert subscriber.consent_source == "Réinscription depuis la page de désinscription"
    assert subscriber.unsubscribed_at is None
    assert not OutgoingEmail.objects.exists()  # the token proves the mailbox


def test_resubscribing_a_confirmed_address_keeps_its_first_consent():
    subscriber = SubscriberFactory()
    before = snapshot(subscriber)

    subscriber_resubscribe(token=subscriber.token)

    assert snapshot(subscriber) == before


def test_interests_are_replaced_and_may_be_emptied():
    old, new = ProvinceFactory(), ProvinceFactory()
    chantier = ChantierFactory()
    subscriber = SubscriberFactory(provinces=[old])

    subscriber_update_interests(subscriber=subscriber, provinces=[new], chantiers=[chantier])
    assert list(subscriber.provinces.all()) == [new]
    assert list(subscriber.chantiers.all()) == [chantier]

    subscriber_update_interests(subscriber=subscriber, provinces=[], chantiers=[])
    assert not subscriber.provinces.exists()
    assert not subscriber.chantiers.exists()


# --- Members ---------------------------------------------------------------------------------


def test_a_verified_member_is_subscribed_at_once_and_linked():
    user = verified_member()

    subscriber = subscriber_subscribe_member(user=user)

    subscriber.refresh_from_db()
    assert subscriber.email == "membre@example.org"
    assert subscriber.user == user
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.consent_at is not None
    assert subscriber.consent_source == "Mon espace"
    assert not OutgoingEmail.objects.exists()
    assert subscriber_of_member(user=user) == subscriber


def test_a_member_whose_address_is_not_verified_is_told_why():
    user = UserFactory(email="membre@example.org")
    EmailAddress.objects.create(user=user, email="membre@example.org", verified=False)

    with pytest.raises(ValidationError) as error:
        subscriber_subscribe_member(user=user)

    assert error.value.code == "unverified"
    assert "n'est pas encore vérifiée" in error.value.messages[0]
    assert not Subscriber.objects.exists()


def test_a_member_reuses_the_subscription_of_their_address():
    user = verified_member()
    existing = SubscriberFactory(email="membre@example.org", pending=True)

    subscriber = subscriber_subscribe_member(user=user)

    assert subscriber.pk == existing.pk
    assert Subscriber.objects.count() == 1
    existing.refresh_from_db()
    assert existing.user == user
    assert existing.status == Subscriber.Status.CONFIRMED
    assert existing.confirmation_key is None


def test_a_member_already_subscribed_keeps_their_first_consent():
    user = verified_member()
    existing = SubscriberFactory(email="membre@example.org", consent_source="Page d'inscription")
    consent_at = existing.consent_at

    subscriber_subscribe_member(user=user)

    existing.refresh_from_db()
    assert existing.user == user
    assert existing.consent_at == consent_at
    assert existing.consent_source == "Page d'inscription"


def test_a_member_who_changed_address_subscribes_the_new_one():
    user = verified_member("nouvelle@example.org")
    linked = SubscriberFactory(email="ancienne@example.org", user=user, unsubscribed=True)

    subscriber = subscriber_subscribe_member(user=user)

    assert subscriber.pk == linked.pk
    assert subscriber.email == "nouvelle@example.org"
    assert Subscriber.objects.count() == 1


def test_a_member_leaves_in_one_click():
    user = verified_member()
    subscriber_subscribe_member(user=user)

    subscriber = subscriber_unsubscribe_member(user=user)

    assert subscriber is not None
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


def test_the_subscription_of_an_unverified_address_is_not_shown_to_the_account():
    user = UserFactory(email="membre@example.org")
    SubscriberFactory(email="membre@example.org")

    assert subscriber_of_member(user=user) is None
    assert subscriber_unsubscribe_member(user=user) is None
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED


def test_an_address_stored_with_capitals_is_still_the_same_address():
    subscriber = SubscriberFactory(email="Camille@Example.org")

    subscriber_request(email="camille@example.org", source=SOURCE)

    assert Subscriber.objects.get() == subscriber
    assert "déjà inscrit" in OutgoingEmail.objects.get().subject


def test_an_address_too_long_for_the_column_is_refused():
    email = "a" * 250 + "@example.org"

    with pytest.raises(ValidationError) as error:
        subscriber_request(email=email, source=SOURCE)

    assert "n'est pas valide" in error.value.message_dict["email"][0]
    assert not Subscriber.objects.exists()
