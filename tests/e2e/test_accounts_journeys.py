"""The journeys of the accounts issue, in a browser, with an accessibility scan of each page.

1. Sign up → confirm the address from the email → ask to join a project → a leader approves
   → edit the project's page → the change is public.
2. A territorial officer creates and publishes a meeting of their province, sees it listed,
   and cannot reach another province's draft.
"""

import datetime
import re
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from events.models import Event
from projets.models import Membership
from tests.e2e.conftest import LOCALE
from tests.events.factories import EventFactory
from tests.portal.factories import UserFactory
from tests.projets.factories import MembershipFactory, ProjectFactory
from tests.territoires.factories import ProvinceFactory

PASSWORD = "un mot de passe solide 2026"


def verified_user(email: str) -> Any:
    user = UserFactory(email=email, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def sign_in(page: Page, base_url: str, email: str) -> None:
    page.goto(base_url + "/compte/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Connexion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon espace")


@pytest.fixture
def isolated_page(browser: Browser, live_server: Any) -> Callable[[], Page]:
    """A second person in the same test: a fresh browser context, limited to the live server."""
    contexts = []

    def make() -> Page:
        context = browser.new_context(base_url=live_server.url, locale=LOCALE)
        contexts.append(context)
        page = context.new_page()
        host = live_server.url
        page.route(
            "**/*",
            lambda route: route.fallback() if route.request.url.startswith(host) else route.abort(),
        )
        return page

    yield make
    for context in contexts:
        context.close()


def test_sign_up_join_a_project_get_approved_and_edit_its_page(
    transactional_db: None,
    page: Page,
    live_server: Any,
    isolated_page: Callable[[], Page],
    assert_accessible: Callable[..., None],
    mailoutbox: list,
) -> None:
    project = ProjectFactory(name="Atelier de pain durable", slug="atelier-pain", summary="Avant")
    leader = verified_user("porteuse@example.org")
    MembershipFactory(project=project, user=leader)
    base = live_server.url

    # Sign up, then confirm the address from the email.
    page.goto(base + "/compte/signup/")
    assert_accessible(page)
    page.locator("#id_email").fill("nouvelle@example.org")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Création de compte").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vérifiez")
    assert_accessible(page)

    [confirmation] = [m for m in mail.outbox if "nouvelle@example.org" in m.to]
    link = re.search(r"https?://\S+/compte/confirm-email/\S+/", confirmation.body).group(0)
    page.goto(link)
    assert_accessible(page)
    page.locator("main").get_by_role("button", name="Confirmer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon espace")
    assert_accessible(page)

    # Ask to join the project from its page.
    page.goto(base + project.get_absolute_url())
    page.get_by_role("button", name="Demander à rejoindre ce projet").click()
    assert_accessible(page)
    page.get_by_label("Message").fill("Je coordonne le fournil.")
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.locator(".messages")).to_contain_text("demande")

    # The leader approves.
    leader_page = isolated_page()
    sign_in(leader_page, base, leader.email)
    leader_page.goto(base + "/espace/projets/demandes/")
    assert_accessible(leader_page)
    leader_page.get_by_role("button", name=re.compile("^Accepter")).click()
    expect(leader_page.locator(".messages")).to_contain_text("nouvelle@example.org")
    assert Membership.objects.filter(project=project, user__email="nouvelle@example.org").exists()
    assert any("nouvelle@example.org" in m.to and m is not confirmation for m in mail.outbox)

    # The new leader edits the page; the change is public at once.
    page.goto(base + "/espace/")
    page.get_by_role("link", name=re.compile("Modifier")).first.click()
    assert_accessible(page)
    page.get_by_label("Résumé").fill("Un fournil coopératif pour le pain local.")
    page.get_by_role("button", name="Enregistrer la fiche").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Atelier de pain durable")
    expect(page.locator("main")).to_contain_text("Un fournil coopératif pour le pain local.")
    assert_accessible(page)


def test_officer_publishes_a_meeting_and_cannot_reach_another_provinces_draft(
    transactional_db: None, page: Page, live_server: Any, assert_accessible: Callable[..., None]
) -> None:
    liege = ProvinceFactory(name="Liège", slug="liege")
    namur = ProvinceFactory(name="Namur", slug="namur")
    officer = verified_user("officer@example.org")
    liege.officers.add(officer)
    namur_draft = EventFactory(
        title="Brouillon namurois", province=namur, status=Event.Status.DRAFT
    )
    base = live_server.url
    start = timezone.localtime(timezone.now() + datetime.timedelta(days=30)).replace(
        hour=14, minute=0
    )

    sign_in(page, base, officer.email)
    page.goto(base + "/espace/evenements/")
    assert_accessible(page)
    page.get_by_role("link", name="Créer un événement").click()
    assert_accessible(page)
    page.get_by_label("Titre").fill("Rencontre territoriale de Liège – automne")
    page.get_by_label("Type").select_option(label="Rencontre territoriale")
    page.get_by_label("Province").select_option(label="Liège")
    page.get_by_label("Début").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Lieu", exact=True).fill("Espace Wallonie de Liège")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.locator("main")).to_contain_text("Brouillon")
    assert_accessible(page)

    page.get_by_role("button", name=re.compile("^Publier")).click()
    expect(page.locator(".messages")).to_contain_text("publié")
    event = Event.objects.get(title="Rencontre territoriale de Liège – automne")
    assert event.status == Event.Status.PUBLISHED and event.created_by == officer

    page.goto(base + "/evenements/")
    expect(
        page.get_by_role("link", name="Rencontre territoriale de Liège – automne")
    ).to_be_visible()
    page.goto(base + "/espace/evenements/")
    expect(page.locator("main")).to_contain_text("Rencontre territoriale de Liège – automne")

    for url in (namur_draft.get_absolute_url(), f"/espace/evenements/{namur_draft.slug}/modifier/"):
        response = page.goto(base + url)
        assert response is not None and response.status == HTTPStatus.NOT_FOUND, url
