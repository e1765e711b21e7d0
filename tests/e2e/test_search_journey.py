"""A visitor searches from the header box: results by kind, words marked, one kind page by
page; each page passes its accessibility scan."""

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from chantiers.models import Chantier
from projets.models import Project
from territoires.models import Province


@pytest.fixture
def content(transactional_db: None) -> None:
    liege = Province.objects.create(
        name="Liège", slug="liege", code="LG", centre_latitude=50.5, centre_longitude=5.6
    )
    Chantier.objects.create(
        title="Approche territoriale", slug="approche", summary="Rencontres en province de Liège."
    )
    for i in range(22):
        Project.objects.create(
            name=f"Halle paysanne {i:02d}", slug=f"halle-{i}", province=liege, communes="Liège"
        )


def test_search_from_the_header_then_one_kind_page_by_page(
    content: None, page: Page, live_server: Any, assert_accessible: Callable[..., None]
) -> None:
    page.goto(live_server.url + "/")
    box = page.get_by_role("search", name="Recherche sur le site").get_by_label(
        "Rechercher sur le site"
    )
    box.fill("liege")
    box.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Rechercher")
    expect(page.get_by_role("status")).to_have_text("23 résultats pour « liege »")
    expect(page.get_by_role("heading", name="Chantiers (1)")).to_be_visible()
    expect(page.get_by_role("heading", name="Projets (22)")).to_be_visible()
    expect(page.locator("mark").first).to_have_text("Liège")
    assert_accessible(page)

    page.get_by_role("link", name="Voir les 22 résultats « Projets »").click()
    expect(page.get_by_role("link", name="Projets (22)")).to_have_attribute("aria-current", "page")
    results = page.locator(".search-results > li")
    expect(results).to_have_count(20)
    assert_accessible(page)

    page.get_by_role("link", name="Page suivante").click()
    expect(results).to_have_count(2)
    results.first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Halle paysanne")


def test_a_search_that_cannot_be_made_says_why(
    content: None, page: Page, live_server: Any, assert_accessible: Callable[..., None]
) -> None:
    page.goto(live_server.url + "/recherche/?q=" + "x" * 300)

    expect(page.get_by_role("alert")).to_contain_text("au plus 200 caractères")
    expect(page.get_by_role("alert")).to_contain_text("Aucun résultat.")
    assert_accessible(page)
