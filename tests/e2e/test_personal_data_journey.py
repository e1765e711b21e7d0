"""A registered person reads the privacy page, downloads their data, then deletes their account:
the export holds the registration and its remarks, the deletion page names it beforehand, and
the seat goes to the waiting list. An accessibility scan runs on each page."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from events.models import Registration
from portal.models import User
from tests.e2e.test_accounts_journeys import PASSWORD, sign_in, verified_user
from tests.events.factories import EventFactory, RegistrationFactory


def test_read_the_privacy_page_download_my_data_and_delete_my_account(
    transactional_db: None,
    page: Page,
    live_server: Any,
    assert_accessible: Callable[..., None],
) -> None:
    base = live_server.url
    person = verified_user("camille@example.org")
    event = EventFactory(title="Atelier circuits courts", capacity=1)
    RegistrationFactory(event=event, user=person, remarks="Repas sans gluten")
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITING)

    page.goto(base + "/confidentialite/")
    expect(page.locator("#inscriptions")).to_have_text("Vos inscriptions aux événements")
    expect(page.locator("main")).to_contain_text("30 jours après la fin de l'événement")
    assert_accessible(page)

    sign_in(page, base, person.email)
    page.goto(base + "/espace/compte/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger mes données (fichier JSON)").click()
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert data["registrations"][0]["event"] == "Atelier circuits courts"
    assert data["registrations"][0]["remarks"] == "Repas sans gluten"

    page.get_by_role("link", name="Supprimer mon compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Supprimer mon compte")
    expect(page.locator("main")).to_contain_text("Votre inscription à 1 événement")
    assert_accessible(page)
    page.get_by_label("Votre mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    expect(page.locator(".messages")).to_contain_text("Votre compte est supprimé")
    assert_accessible(page)

    assert not User.objects.filter(email="camille@example.org").exists()
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
