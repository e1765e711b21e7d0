"""The error pages: French 404, 500, 403 and 429."""

from http import HTTPStatus
from pathlib import Path

import pytest
from allauth.core.ratelimit import respond_429
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.test import Client, override_settings
from django.urls import reverse

from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_unknown_page_is_a_french_404(client):
    response = client.get("/nulle-part/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Page introuvable" in response.content.decode()


@override_settings(ROOT_URLCONF="tests.portal.urls_boom")
def test_server_error_page_is_french():
    client = Client(raise_request_exception=False)

    response = client.get("/boom/")

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert "Une erreur est survenue" in response.content.decode()


def test_signed_in_non_staff_gets_a_french_403_from_the_admin(client):
    client.force_login(UserFactory())

    response = client.get(reverse("admin:login"), follow=True)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Accès refusé" in response.content.decode()


def test_rate_limited_requests_get_a_french_429(rf):
    request = rf.get("/compte/login/")
    request.user = AnonymousUser()

    response = respond_429(request)

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Trop de tentatives" in response.content.decode()


def test_every_page_links_its_favicon(client):
    html = client.get(reverse("home")).content.decode()

    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html


def test_favicon_ico_leads_to_the_icon_for_pages_that_link_none(client):
    response = client.get("/favicon.ico")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/static/favicon.svg"
    icon = finders.find("favicon.svg")
    assert icon and Path(icon).read_text().startswith("<svg")
