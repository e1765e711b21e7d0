"""The reads of every signed-in request: the session (portal/sessions.py) and the person
(``User.objects.get(pk=…)``), each a prepared statement, both in one once the process knows
whose the session is."""

import datetime
from http import HTTPStatus

import pytest
from django.conf import settings
from django.contrib import auth
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal import sessions
from portal.models import User
from portal.sessions import SessionStore
from tests.portal.factories import UserFactory
from tests.sql import captured_sql

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


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    return response, captured_sql(context)


def test_once_seen_the_session_and_its_person_are_one_query(client):
    person = UserFactory(first_name="Jointe")
    client.force_login(person)
    first, first_queries = _queries(client, reverse("espace:home"))
    again, again_queries = _queries(client, reverse("espace:home"))

    def reads(queries, table):
        return [sql for sql in queries if sql.rsplit(" FROM ", 1)[-1].startswith(f'"{table}"')]

    assert first.status_code == again.status_code == HTTPStatus.OK
    assert again.wsgi_request.user == person
    assert len(reads(first_queries, "django_session")) == 1
    assert len(reads(first_queries, "portal_user")) == 1
    assert reads(again_queries, "django_session") == []
    (joined,) = reads(again_queries, "portal_user")
    assert '"django_session"' in joined


def test_a_wrong_guess_of_the_sessions_person_is_read_again(client):
    person, other = UserFactory(), UserFactory()
    client.force_login(person)
    client.get(reverse("espace:home"))
    sessions._owners[client.session.session_key] = other.pk

    response = client.get(reverse("espace:home"))

    assert response.status_code == HTTPStatus.OK
    assert response.wsgi_request.user == person
    assert sessions._owners[client.session.session_key] == person.pk


def test_a_password_changed_elsewhere_signs_the_joined_session_out(client):
    person = UserFactory()
    client.force_login(person)
    assert client.get(reverse("espace:home")).status_code == HTTPStatus.OK
    person.set_password("un-autre-mot-de-passe")
    person.save()

    assert client.get(reverse("espace:home")).status_code == HTTPStatus.FOUND


def test_a_signed_out_session_is_no_session_with_its_person_remembered(client):
    person = UserFactory()
    client.force_login(person)
    assert client.get(reverse("espace:home")).status_code == HTTPStatus.OK
    key = client.session.session_key
    Session.objects.filter(session_key=key).delete()  # as a sign-out elsewhere

    store = SessionStore(key)
    assert auth.SESSION_KEY not in store
    assert store.session_key is None
    assert store.joined_user is None
    assert client.get(reverse("espace:home")).status_code == HTTPStatus.FOUND


def test_a_deleted_person_leaves_the_session_read_alone():
    person = UserFactory()
    store = SessionStore()
    store[auth.SESSION_KEY] = str(person.pk)
    store.create()
    pk = person.pk
    sessions._owners[store.session_key] = pk
    person.delete()

    again = SessionStore(store.session_key)
    assert again[auth.SESSION_KEY] == str(pk)
    assert again.joined_user is None
