"""The session engine (portal/sessions.py): Django's database sessions, read prepared."""

import datetime
from http import HTTPStatus

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

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
