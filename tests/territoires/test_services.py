"""Officers added and removed by staff (territoires.services): who may, what is refused, and
the one email to a new officer."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portal.models import OutgoingEmail
from territoires.services import (
    province_officer_add,
    province_officer_remove,
    province_officers_set,
)
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_staff_add_an_officer_who_is_told_once(staff, liege):
    person = UserFactory(email="nouvelle@example.org")

    assert province_officer_add(by=staff, province=liege, user=person)
    assert not province_officer_add(by=staff, province=liege, user=person)

    assert list(liege.officers.all()) == [person]
    [email] = OutgoingEmail.objects.all()
    assert email.to == person.email
    assert "Liège" in email.subject


def test_removed_then_added_again_is_told_again(staff, liege):
    person = UserFactory()
    province_officer_add(by=staff, province=liege, user=person)
    assert province_officer_remove(by=staff, province=liege, user=person)
    assert not province_officer_remove(by=staff, province=liege, user=person)

    province_officer_add(by=staff, province=liege, user=person)

    assert OutgoingEmail.objects.filter(to=person.email).count() == 2


def test_officers_set_adds_and_removes_only_the_difference(staff, liege, officer):
    staying = UserFactory(email="reste@example.org")
    liege.officers.add(staying)
    newcomer = UserFactory(email="arrive@example.org")

    province_officers_set(by=staff, province=liege, users=[staying, newcomer])

    assert set(liege.officers.all()) == {staying, newcomer}
    assert [e.to for e in OutgoingEmail.objects.all()] == [newcomer.email]


def test_only_staff_designate_officers(officer, namur):
    person = UserFactory()
    with pytest.raises(PermissionDenied):
        province_officer_add(by=officer, province=namur, user=person)
    with pytest.raises(PermissionDenied):
        province_officer_remove(by=UserFactory(), province=namur, user=officer)
    assert not namur.officers.exists()


def test_a_deactivated_account_is_refused(staff, liege):
    with pytest.raises(ValidationError, match="désactivé"):
        province_officer_add(by=staff, province=liege, user=UserFactory(is_active=False))
    assert not liege.officers.exists()
