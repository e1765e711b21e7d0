"""A reuser finds the open data from the footer, reads a schema, downloads a file and opens
the API's documentation, which runs under the site's Content-Security-Policy."""

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from projets.models import Project
from territoires.models import Province


@pytest.fixture
def content(transactional_db: None) -> None:
    liege = Province.objects.create(
        name="Liège", slug="liege", code="LG", centre_latitude=50.5, centre_longitude=5.6
    )
    Project.objects.create(name="Halle paysanne", slug="halle", province=liege)


def test_from_the_footer_to_the_datasets_and_the_api_docs(
    content: None, page: Page, live_server: Any, assert_accessible: Callable[..., None]
) -> None:
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(live_server.url + "/")
    page.get_by_role("contentinfo").get_by_role("link", name="Données ouvertes").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Données ouvertes")
    projects = page.locator("#jeu-projets")
    projects.get_by_text("Les champs de « Projets »").click()
    expect(projects.get_by_role("table")).to_contain_text("location_is_approximate")
    assert_accessible(page)

    with page.expect_download() as download:
        projects.get_by_role("link", name="CSV – Projets").click()
    assert download.value.suggested_filename == "projets.csv"

    page.get_by_role("link", name="La documentation de l'API").click()
    expect(page.locator(".swagger-ui .opblock-tag").first).to_be_visible()
    expect(page.locator(".swagger-ui")).to_contain_text("/api/v1/projets/")
    assert not blocked, blocked
