"""A territorial officer writes, previews and publishes a news item from their space; readers
find it on the news list, its page and its province's page. Invalid input keeps what was typed.
An accessibility scan runs on each page."""

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from chantiers.models import News
from tests.chantiers.factories import ChantierFactory
from tests.e2e.test_accounts_journeys import sign_in, verified_user
from tests.territoires.factories import ProvinceFactory

TITLE = "Un marché de producteurs à Huy"


def test_an_officer_writes_previews_and_publishes_a_news_item(
    transactional_db: None,
    page: Page,
    live_server: Any,
    assert_accessible: Callable[..., None],
) -> None:
    base = live_server.url
    liege = ProvinceFactory(name="Liège", slug="liege", code="LG")
    ChantierFactory(title="Approche territoriale", slug="approche-territoriale")
    officer = verified_user("agent.liege@example.org")
    liege.officers.add(officer)

    sign_in(page, base, officer.email)
    page.get_by_role("link", name="Rédiger et publier les actualités de mes provinces").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes actualités")
    assert_accessible(page)

    page.get_by_role("link", name="Rédiger une actualité").click()
    assert_accessible(page)
    # Without a title: the form comes back with the error and what was typed.
    page.get_by_label("Chapeau").fill("Chaque premier samedi du mois.")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.locator("main")).to_contain_text("Ce champ est obligatoire")
    expect(page.get_by_label("Chapeau")).to_have_value("Chaque premier samedi du mois.")
    assert_accessible(page)
    assert not News.objects.exists()

    page.get_by_label("Titre").fill(TITLE)
    page.get_by_label("Chantier").select_option(label="Approche territoriale")
    page.get_by_label("Texte").fill("Des **producteurs** locaux.\n\n<script>alert(1)</script>")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    assert_accessible(page)
    news = News.objects.get()
    assert news.province == liege and news.published_at is None
    # A draft is not public yet.
    response = page.request.get(base + news.get_absolute_url())
    assert response.status == 404

    page.locator("main").get_by_role("button", name="Publier").click()
    news.refresh_from_db()
    assert news.is_published

    page.goto(base + "/actualites/")
    assert_accessible(page)
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator("main strong")).to_have_text("producteurs")
    assert page.locator("main script").count() == 0
    assert_accessible(page)

    page.goto(base + liege.get_absolute_url())
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
