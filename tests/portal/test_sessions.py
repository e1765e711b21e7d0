"""The reads of every signed-in request: the session (portal/sessions.py) and the person
(``User.objects.get(pk=…)``), each a prepared statement."""

import datetime
from http import HTTPStatus

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from portal.models import User
from portal.sessions import SessionStore
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_portal_reads_its_own_session_engine():
    assert settings.SESSION_ENGINE == "portal.sessions"


def test_a_stored_session_is_read_back():
    store = SessionStore()
    store["colour"] = "vert"
    store.create()

    assert SessionStore(store.session_key)["colour"] == "vert"


def test_an_unknown_or_expired_session_is_none():
    store = SessionStore()
    store["colour"] = "vert"
    store.create()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )

    expired = SessionStore(store.session_key)
    assert "colour" not in expired
    assert expired.session_key is None
    assert "colour" not in SessionStore("x" * 32)


def test_signed_in_while_the_session_lasts(client):
    client.force_login(UserFactory())
    assert client.get(reverse("espace:home")).status_code == HTTPStatus.OK

    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))

    assert client.get(reverse("espace:home")).status_code == HTTPStatus.FOUND


def test_the_person_read_by_primary_key_is_the_whole_row():
    person = UserFactory(email="entiere@example.org", first_name="Anne", is_staff=True)

    found = User.objects.get(pk=person.pk)

    assert found == person
    for field in User._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(person, field.attname), field.name
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=person.pk + 1000)
    with pytest.raises(ValueError, match="expected a number"):
        User.objects.get(pk="pas un nombre")


def test_a_deleted_or_deactivated_person_is_signed_out(client):
    person, other = UserFactory(), UserFactory()
    client.force_login(person)
    assert client.get(reverse("espace:home")).status_code == HTTPStatus.OK
    User.objects.filter(pk=person.pk).update(is_active=False)
    assert client.get(reverse("espace:home")).status_code == HTTPStatus.FOUND

    client.force_login(other)
    other.delete()
    assert client.get(reverse("espace:home")).status_code == HTTPStatus.FOUND
