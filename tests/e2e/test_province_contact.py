"""A visitor finds the territorial officers of their province from the footer and writes to
them; a mistake and a flood both keep what was typed. An accessibility scan runs on each page."""

import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from portal.models import OutgoingEmail
from tests.portal.factories import UserFactory
from tests.territoires.factories import ProvinceFactory

SECRET = "anne.cachee@example.org"


@pytest.fixture(autouse=True)
def own_cache(settings: Any) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"e2e-officers-{uuid.uuid4()}",
        }
    }


@pytest.fixture
def one_rate_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole journey in one window of the rate limits, and one no other test counted in.

    django-ratelimit counts in fixed windows: a journey slow enough to cross a minute's
    boundary (a loaded CI machine, the accessibility scans) had its counter start again
    before the flood, and the limit never showed. The live server runs in this process, so
    the patch reaches it."""
    window = int(time.time()) + 10_000_000
    monkeypatch.setattr("django_ratelimit.core._get_window", lambda value, period: window)


def test_a_visitor_writes_to_the_officers_of_their_province(
    transactional_db: None,
    page: Page,
    live_server: Any,
    assert_accessible: Callable[..., None],
    one_rate_window: None,
) -> None:
    liege = ProvinceFactory(name="Liège", slug="liege", code="LG")
    liege.officers.add(UserFactory(email=SECRET, first_name="Anne", last_name="Lambert"))

    page.goto(live_server.url + "/")
    page.get_by_role("contentinfo").get_by_role(
        "link", name="contactez vos chargé·es de mission territoriale"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Territoires")
    assert_accessible(page)
    page.get_by_role("link", name="Écrire aux chargé·es de mission de la province : Liège").click()

    officers = page.get_by_role("region", name="Vos chargé·es de mission territoriale")
    expect(officers).to_contain_text("Anne Lambert – Chargé·e de mission territoriale")
    expect(officers).to_be_in_viewport()
    assert SECRET not in page.content()
    assert_accessible(page)

    # A mistake: the form comes back (on its own page) with the error and what was typed.
    form = page.get_by_role("form", name="Leur écrire")
    form.get_by_label("Votre nom").fill("Camille Porteur")
    form.get_by_label("Votre adresse e-mail").fill("camille@example")
    form.get_by_label("Votre message").fill("Nous cherchons un atelier de découpe.")
    form.get_by_role("button", name="Envoyer le message").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Écrire aux chargé·es de mission : Liège"
    )
    form = page.get_by_role("form", name="Leur écrire")
    expect(form.get_by_label("Votre adresse e-mail")).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_label("Votre message")).to_have_value(
        "Nous cherchons un atelier de découpe."
    )
    assert_accessible(page)
    assert not OutgoingEmail.objects.exists()

    form.get_by_label("Votre adresse e-mail").fill("camille@example.org")
    form.get_by_role("button", name="Envoyer le message").click()
    expect(page.get_by_role("status").filter(has=page.locator(".messages"))).to_contain_text(
        "Votre message est envoyé aux chargé·es de mission de la province : Liège."
    )
    assert_accessible(page)
    email = OutgoingEmail.objects.get()
    assert email.to == SECRET and email.headers == {"Reply-To": "camille@example.org"}

    # A flood: five attempts a minute (the mistake counted), then the message is not sent, and
    # it is still there to send later.
    for n in range(5):
        form = page.get_by_role("form", name="Leur écrire")
        form.get_by_label("Votre nom").fill("Camille Porteur")
        form.get_by_label("Votre adresse e-mail").fill(f"c{n}@example.org")
        form.get_by_label("Votre message").fill(f"Question {n}")
        form.get_by_role("button", name="Envoyer le message").click()
    expect(page.get_by_role("alert")).to_contain_text("Trop de messages envoyés en peu de temps.")
    expect(
        page.get_by_role("form", name="Leur écrire").get_by_label("Votre message")
    ).to_have_value("Question 4")
    assert_accessible(page)
    assert OutgoingEmail.objects.count() == 4
    assert SECRET not in page.content()
