"""A visitor walks every public page from the home page; each passes its accessibility scan."""

from collections.abc import Callable
from http import HTTPStatus
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from chantiers.models import Chantier
from events.models import Event
from projets.models import Project
from territoires.models import Province

MAX_PAGES = 120


@pytest.fixture
def seeded(transactional_db: None) -> None:
    call_command("load_seed", verbosity=0)


def internal_links(page: Page, base: str) -> set[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    found = set()
    for href in hrefs:
        url = urljoin(page.url, href)
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != base or parts.path.startswith(
            ("/admin/", "/static/", "/calendrier/", "/compte/", "/espace/", "/api/")
        ):
            continue
        if parts.path.endswith(("/rss/", "/atom/")):
            continue  # news feeds: XML for feed readers, not pages
        if parts.path.endswith((".csv", ".json", ".geojson", ".jsonld")):
            continue  # open data files (tests/opendata), not pages
        found.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def test_every_public_page_is_reachable_from_home_and_accessible(
    seeded: None, page: Page, live_server: Any, assert_accessible: Callable[..., None]
) -> None:
    to_visit, seen = ["/"], {"/"}
    while to_visit:
        path = to_visit.pop(0)
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == HTTPStatus.OK, path
        expect(page.locator("h1")).to_have_count(1)
        assert page.title().endswith("· Chantiers communs"), path
        assert_accessible(page)
        for link in sorted(internal_links(page, live_server.url) - seen):
            seen.add(link)
            to_visit.append(link)
        assert len(seen) <= MAX_PAGES, "the walk found more pages than expected"

    expected = {
        "/chantiers/",
        "/chantiers/pistes/",
        "/projets/",
        "/territoires/",
        "/evenements/",
        "/carte/",
        *(c.get_absolute_url() for c in Chantier.objects.all()),
        *(p.get_absolute_url() for p in Project.objects.all()),
        *(p.get_absolute_url() for p in Province.objects.all()),
        *(e.get_absolute_url() for e in Event.objects.all()),
    }
    assert expected <= seen, sorted(expected - seen)


def test_project_map_shows_markers_and_popups_without_tiles(
    seeded: None, page: Page, live_server: Any
) -> None:
    page.goto(live_server.url + "/projets/")
    projects_map = page.locator("#projects-map")
    expect(projects_map).to_have_attribute("data-ready", "true")
    expect(projects_map).to_have_attribute(
        "data-count-projets", str(Project.objects.located().count())
    )

    page.goto(live_server.url + "/projets/?q=pain")
    page.get_by_role("button", name="Atelier de pain durable").click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup.get_by_role("link", name="Atelier de pain durable")).to_be_visible()
    expect(popup).to_contain_text("Position approximative")


def test_filtering_projects_narrows_the_list_and_the_map(
    seeded: None, page: Page, live_server: Any, assert_accessible: Callable[..., None]
) -> None:
    page.goto(live_server.url + "/projets/")
    page.get_by_label("Province").select_option(label="Hainaut")
    page.get_by_role("button", name="Filtrer").click()

    hainaut = Project.objects.filter(province__slug="hainaut")
    expect(page.locator(".result-count")).to_have_text(f"{hainaut.count()} projets")
    projects_map = page.locator("#projects-map")
    expect(projects_map).to_have_attribute("data-ready", "true")
    expect(projects_map).to_have_attribute("data-count-projets", str(hainaut.located().count()))
    assert_accessible(page)


def test_province_page_frames_its_map(seeded: None, page: Page, live_server: Any) -> None:
    page.goto(live_server.url + "/territoires/liege/")

    located = Project.objects.filter(province__slug="liege").located().count()
    province_map = page.locator("#province-map")
    expect(province_map).to_have_attribute("data-ready", "true")
    expect(province_map).to_have_attribute("data-count-projets", str(located))


def test_unknown_page_is_a_french_accessible_404(
    page: Page, live_server: Any, assert_accessible: Callable[..., None]
) -> None:
    response = page.goto(live_server.url + "/chantiers/inconnu/")

    assert response is not None and response.status == HTTPStatus.NOT_FOUND
    expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
    assert_accessible(page)


@pytest.mark.parametrize("path", ["/", "/admin/login/"])
def test_a_page_loads_without_a_console_error_or_a_missing_file(
    transactional_db: None, page: Page, live_server: Any, path: str
) -> None:
    """The favicon among them: every page logged a 404 for /favicon.ico before it had one."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}") if r.status >= HTTPStatus.BAD_REQUEST else None
        ),
    )

    page.goto(live_server.url + path)
    expect(page.locator("h1").first).to_be_visible()
    icon = page.request.get(live_server.url + "/favicon.ico")
    page.wait_for_load_state("networkidle")

    assert icon.ok and icon.headers["content-type"].startswith("image/svg+xml")
    assert errors == []
