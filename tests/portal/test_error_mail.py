"""Server errors are logged, and reported to ADMINS through the outbox: one message per kind of
error and per hour, none sent from inside the failing request (portal.error_mail)."""

import logging
from http import HTTPStatus

import pytest
from django.test import Client, override_settings

from portal import error_mail
from portal.mail import email_send_queued
from portal.models import OutgoingEmail

pytestmark = pytest.mark.django_db

ADMINS = [("Exploitation", "ops@example.org"), ("Astreinte", "astreinte@example.org")]


@pytest.fixture(autouse=True)
def _fresh_throttle():
    error_mail._recent.clear()
    yield
    error_mail._recent.clear()


@pytest.fixture
def failing_site(settings):
    settings.ADMINS = ADMINS
    settings.ROOT_URLCONF = "tests.portal.urls_boom"
    return Client(raise_request_exception=False)


def test_the_django_logger_reports_through_the_outbox():
    handlers = logging.getLogger("django").handlers

    assert any(isinstance(h, error_mail.OutboxAdminEmailHandler) for h in handlers)
    assert not any(type(h).__name__ == "AdminEmailHandler" for h in handlers)


def test_ten_failing_requests_queue_one_report_per_admin_and_send_none(
    failing_site, mailoutbox, caplog
):
    for _ in range(10):
        response = failing_site.get("/boom/")
        assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR

    assert mailoutbox == []  # nothing was sent while the requests ran
    queued = OutgoingEmail.objects.order_by("to")
    assert [m.to for m in queued] == ["astreinte@example.org", "ops@example.org"]
    assert all(m.status == OutgoingEmail.Status.QUEUED for m in queued)
    assert "RuntimeError" in queued[0].body_text
    assert "boom" in queued[0].subject
    # Every one of them is still logged in full.
    errors = [r for r in caplog.records if r.name == "django.request" and r.levelname == "ERROR"]
    assert len(errors) == 10

    assert email_send_queued() == 2  # the sweep sends the reports
    assert sorted(m.to[0] for m in mailoutbox) == ["astreinte@example.org", "ops@example.org"]


def test_the_throttle_holds_across_processes_through_the_outbox_key(failing_site, mailoutbox):
    failing_site.get("/boom/")
    error_mail._recent.clear()  # another web process, which has not seen the first error

    failing_site.get("/boom/")

    assert OutgoingEmail.objects.count() == len(ADMINS)


def test_another_kind_of_error_gets_its_own_report(failing_site, settings):
    failing_site.get("/boom/")
    failing_site.get("/boom-autre/")

    assert OutgoingEmail.objects.filter(to="ops@example.org").count() == 2


def test_without_admins_nothing_is_queued(failing_site, settings):
    settings.ADMINS = []

    failing_site.get("/boom/")

    assert not OutgoingEmail.objects.exists()


@override_settings(ADMINS=ADMINS)
def test_a_report_that_cannot_be_queued_is_logged_as_such(monkeypatch, caplog):
    """The database may be what failed: the report is given up with a warning, once per admin."""

    def broken(**kwargs):
        from django.db import DatabaseError

        raise DatabaseError("database down")

    monkeypatch.setattr("portal.mail.email_queue", broken)

    logging.getLogger("django.request").error(
        "Internal Server Error: /x/", exc_info=(RuntimeError, RuntimeError("x"), None)
    )

    warnings = [r for r in caplog.records if r.name == "portal.error_mail"]
    assert [r.levelname for r in warnings] == ["WARNING", "WARNING"]
    assert not OutgoingEmail.objects.exists()


def test_the_signature_ignores_the_variable_parts_of_the_message():
    def record(message, path):
        return logging.LogRecord("django.request", logging.ERROR, "f", 1, message, (path,), None)

    assert error_mail.error_signature(record("Not Found: %s", "/a/")) == error_mail.error_signature(
        record("Not Found: %s", "/b/")
    )
