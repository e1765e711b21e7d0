"""A person's sign-in address changed by someone else (portal.accounts): superusers only, the
address unique across accounts and allauth's addresses, the old address told."""

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError

from portal.accounts import user_email_change
from portal.models import OutgoingEmail
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    user = UserFactory(email="camille@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def superuser():
    return UserFactory(is_staff=True, is_superuser=True)


def test_only_a_superuser_changes_someone_elses_address(staff, person):
    with pytest.raises(PermissionDenied):
        user_email_change(by=staff, user=person, email="pirate@example.net")
    person.refresh_from_db()
    assert person.email == "camille@example.org"
    assert not OutgoingEmail.objects.exists()


def test_the_new_address_replaces_the_old_one_unverified(superuser, person):
    assert user_email_change(by=superuser, user=person, email=" Camille@Nouveau.example ")

    person.refresh_from_db()
    assert person.email == "camille@nouveau.example"
    assert list(EmailAddress.objects.filter(user=person).values_list("email", "verified")) == [
        ("camille@nouveau.example", False)
    ]
    [notice] = OutgoingEmail.objects.all()
    assert notice.to == "camille@example.org"


def test_the_same_address_changes_nothing(superuser, person):
    assert not user_email_change(by=superuser, user=person, email="CAMILLE@example.org")
    assert EmailAddress.objects.get(user=person).verified
    assert not OutgoingEmail.objects.exists()


@pytest.mark.parametrize("kind", ["account", "alias"])
def test_an_address_of_another_account_is_refused(superuser, person, kind):
    other = UserFactory(email="autre@example.org")
    EmailAddress.objects.create(user=other, email="alias@example.org")
    taken = {"account": "AUTRE@example.org", "alias": "alias@example.org"}[kind]

    with pytest.raises(ValidationError) as refused:
        user_email_change(by=superuser, user=person, email=taken)

    assert "email" in refused.value.error_dict
    person.refresh_from_db()
    assert person.email == "camille@example.org"
