"""Registering for a meeting in a browser: confirmation with its invitation, cancellation, and
the first on the waiting list promoted and told; an accessibility scan of each page."""

import datetime
from collections.abc import Callable
from typing import Any

import icalendar
import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from events.models import Registration
from tests.e2e.conftest import LOCALE
from tests.e2e.test_accounts_journeys import sign_in, verified_user
from tests.events.factories import EventFactory
from tests.projets.factories import MembershipFactory, ProjectFactory
from tests.territoires.factories import ProvinceFactory


@pytest.fixture
def second_page(browser: Browser, live_server: Any) -> Page:
    context = browser.new_context(locale=LOCALE)
    page = context.new_page()
    page.route(
        "**/*",
        lambda route: (
            route.fallback() if route.request.url.startswith(live_server.url) else route.abort()
        ),
    )
    yield page
    context.close()


def emails_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


def test_register_cancel_and_the_first_in_line_is_promoted(
    transactional_db: None,
    page: Page,
    second_page: Page,
    live_server: Any,
    assert_accessible: Callable[..., None],
    mailoutbox: list,
) -> None:
    liege = ProvinceFactory(name="Liège", slug="liege")
    event = EventFactory(
        title="Rencontre territoriale de Liège",
        province=liege,
        capacity=1,
        start=timezone.now() + datetime.timedelta(days=12),
    )
    anna = verified_user("anna@example.org")
    MembershipFactory(user=anna, project=ProjectFactory(name="Fournil de Statte"))
    bert = verified_user("bert@example.org")
    base = live_server.url

    # Anna takes the only seat, for her project.
    sign_in(page, base, anna.email)
    page.goto(base + event.get_absolute_url())
    assert_accessible(page)
    page.get_by_label("Je viens pour le projet").select_option(label="Fournil de Statte")
    page.get_by_label("Besoins / remarques").fill("Accès PMR")
    page.locator("main").get_by_role("button", name="M'inscrire").click()
    expect(page.locator(".messages")).to_contain_text("Votre inscription est confirmée.")
    assert_accessible(page)
    [confirmation] = emails_to(anna.email)
    [(filename, content, _)] = confirmation.attachments
    [vevent] = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert filename == "invitation.ics"
    assert str(vevent["SUMMARY"]) == "Rencontre territoriale de Liège"

    # Bert joins the waiting list.
    sign_in(second_page, base, bert.email)
    second_page.goto(base + event.get_absolute_url())
    second_page.get_by_label("Une autre organisation").fill("Asbl Terre et Pain")
    second_page.get_by_role("button", name="Rejoindre la liste d'attente").click()
    expect(second_page.locator("main")).to_contain_text("liste d'attente")
    assert_accessible(second_page)

    # Anna cancels from the event page; Bert is promoted and told.
    page.goto(base + event.get_absolute_url())
    page.get_by_role("link", name="Me désinscrire").click()
    assert_accessible(page)
    page.get_by_role("button", name="Confirmer ma désinscription").click()
    expect(page.locator(".messages")).to_contain_text("Votre inscription est annulée.")

    bert_registration = Registration.objects.get(user=bert, event=event)
    assert bert_registration.status == Registration.Status.CONFIRMED
    promotion = emails_to(bert.email)[-1]
    assert "invitation.ics" in [a[0] for a in promotion.attachments]

    # Anna receives the confirmation of her cancellation, whose invitation takes the event out
    # of her calendar: METHOD:CANCEL, the same UID, a higher SEQUENCE, her as ATTENDEE.
    confirmation_ics, cancellation = confirmation, emails_to(anna.email)[-1]
    assert cancellation.subject == "Inscription annulée : Rencontre territoriale de Liège"
    [(filename, content, mimetype)] = cancellation.attachments
    assert filename == "invitation.ics" and mimetype.endswith("method=CANCEL")
    cancel = icalendar.Calendar.from_ical(content)
    [cancelled] = cancel.walk("VEVENT")
    [requested] = icalendar.Calendar.from_ical(confirmation_ics.attachments[0][1]).walk("VEVENT")
    assert cancel["METHOD"] == "CANCEL"
    assert cancelled["UID"] == requested["UID"]
    assert cancelled["SEQUENCE"] > requested["SEQUENCE"]
    assert str(cancelled["ATTENDEE"]) == f"mailto:{anna.email}"
    assert "ORGANIZER" in cancelled

    # The page tells anyone, signed in or not, that the only seat is taken.
    anonymous = page.context.browser.new_context(locale=LOCALE).new_page()
    anonymous.route(
        "**/*",
        lambda route: (
            route.fallback() if route.request.url.startswith(live_server.url) else route.abort()
        ),
    )
    anonymous.goto(base + event.get_absolute_url())
    expect(anonymous.locator("main")).to_contain_text("complet — liste d'attente ouverte")
    assert_accessible(anonymous)
    anonymous.context.close()

    second_page.goto(base + "/espace/inscriptions/")
    expect(second_page.locator("main")).to_contain_text("Rencontre territoriale de Liège")
    expect(second_page.locator("main")).to_contain_text("Confirmée")
    assert_accessible(second_page)
