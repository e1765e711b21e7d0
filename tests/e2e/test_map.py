"""The map in a browser: layers toggled with their list, the phone's list-first view, markers
large enough to touch and usable from the keyboard, the event's place; no CSP violation and an
accessibility scan of each page. Tiles are off (MAP_TILES_URL is empty in tests) and any other
host is refused."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.chantiers.factories import ChantierFactory, ParticipationFactory
from tests.events.factories import EventFactory
from tests.expertises.factories import FacilitatorFactory
from tests.projets.factories import ProjectFactory
from tests.territoires.factories import ProvinceFactory

PHONE = {"width": 390, "height": 844}
# Runs before the page's own scripts: collects what the Content-Security-Policy blocks.
CSP_LISTENER = """
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (e) =>
    window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI));
"""


@pytest.fixture
def world(transactional_db: None) -> dict[str, Any]:
    liege = ProvinceFactory(name="Liège", slug="liege")
    namur = ProvinceFactory(name="Namur", slug="namur")
    cpa = ChantierFactory(title="Conseils de politiques alimentaires", slug="cpa")
    ProjectFactory(
        name="Pain durable", province=liege, latitude=Decimal("50.6"), longitude=Decimal("5.5")
    )
    conseil = ProjectFactory(
        name="Conseil namurois",
        province=namur,
        latitude=Decimal("50.46"),
        longitude=Decimal("4.87"),
    )
    ParticipationFactory(project=conseil, chantier=cpa)
    event = EventFactory(
        title="Rencontre territoriale de Namur",
        province=namur,
        chantier=cpa,
        start=timezone.now() + datetime.timedelta(days=9),
        venue="Maison de la culture",
        latitude=Decimal("50.2"),
        longitude=Decimal("4.6"),
    )
    FacilitatorFactory(name="Conseil en financement", provinces=[liege])
    return {"event": event}


def ready(page: Page, map_id: str) -> None:
    expect(page.locator(f"#{map_id}")).to_have_attribute("data-ready", "true")


def no_csp_violation(page: Page) -> None:
    assert page.evaluate("() => window.__cspViolations") == []


def test_layers_toggle_on_the_map_and_in_the_list(
    world: dict, page: Page, live_server: Any, assert_accessible: Callable[..., None]
) -> None:
    page.add_init_script(CSP_LISTENER)
    page.goto(live_server.url + "/carte/")
    ready(page, "carte")

    carte = page.locator("#carte")
    expect(carte).to_have_attribute("data-count-projets", "2")
    expect(carte).to_have_attribute("data-count-evenements", "1")
    expect(carte).to_have_attribute("data-count-facilitateurs", "1")
    event_marker = carte.get_by_role("button", name="Rencontre territoriale de Namur")
    expect(event_marker).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Rencontres et ateliers à venir").uncheck()
    expect(event_marker).to_have_count(0)
    expect(page.locator('[data-layer-section="evenements"]')).to_be_hidden()
    page.get_by_label("Rencontres et ateliers à venir").check()
    expect(event_marker).to_be_visible()
    expect(page.locator('[data-layer-section="evenements"]')).to_be_visible()
    no_csp_violation(page)


def test_markers_are_large_enough_to_touch_and_open_from_the_keyboard(
    world: dict, page: Page, live_server: Any
) -> None:
    page.goto(live_server.url + "/carte/?province=&chantier=&couches=&couches=evenements")
    ready(page, "carte")

    marker = page.locator("#carte").get_by_role("button", name="Rencontre territoriale de Namur")
    box = marker.bounding_box()
    assert box is not None and box["width"] >= 48 and box["height"] >= 48, box
    marker.focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    expect(popup.get_by_role("link", name="Rencontre territoriale de Namur")).to_be_visible()
    expect(popup).to_contain_text("Rencontre territoriale")


def test_filters_narrow_the_list_and_the_map(
    world: dict, page: Page, live_server: Any, assert_accessible: Callable[..., None]
) -> None:
    page.goto(live_server.url + "/carte/")
    page.get_by_label("Province", exact=True).select_option(label="Namur")
    page.get_by_label("Chantier", exact=True).select_option(
        label="Conseils de politiques alimentaires"
    )
    page.get_by_role("button", name="Filtrer").click()
    ready(page, "carte")

    expect(page.locator("#carte")).to_have_attribute("data-count-projets", "1")
    expect(page.locator("#liste-projets")).to_have_text("1 projet")
    expect(page.get_by_role("link", name="Conseil namurois")).to_be_visible()
    assert_accessible(page)


def test_a_phone_shows_the_list_first_and_the_map_on_demand(
    world: dict, page: Page, live_server: Any, assert_accessible: Callable[..., None]
) -> None:
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/carte/")

    expect(page.get_by_role("link", name="Pain durable")).to_be_visible()
    expect(page.locator("#carte")).to_be_hidden()
    assert_accessible(page)

    page.get_by_role("navigation", name="Affichage").get_by_role("link", name="Carte").click()
    expect(page.locator("#carte")).to_be_visible()
    ready(page, "carte")
    expect(page.get_by_role("link", name="Pain durable")).to_be_hidden()
    assert page.url.endswith("vue=carte#carte")
    assert_accessible(page)

    page.get_by_role("navigation", name="Affichage").get_by_role("link", name="Liste").click()
    expect(page.get_by_role("link", name="Pain durable")).to_be_visible()


def test_the_event_page_shows_its_place(
    world: dict, page: Page, live_server: Any, assert_accessible: Callable[..., None]
) -> None:
    page.add_init_script(CSP_LISTENER)
    page.goto(live_server.url + world["event"].get_absolute_url())
    ready(page, "event-map")

    marker = page.locator("#event-map").get_by_role(
        "button", name="Rencontre territoriale de Namur"
    )
    expect(marker).to_be_visible()
    marker.click()
    expect(page.locator(".leaflet-popup-content")).to_contain_text("Maison de la culture")
    assert_accessible(page)
    no_csp_violation(page)


def test_the_province_page_shows_its_meetings_on_its_map(
    world: dict, page: Page, live_server: Any
) -> None:
    page.add_init_script(CSP_LISTENER)
    page.goto(live_server.url + "/territoires/namur/")
    ready(page, "province-map")

    province_map = page.locator("#province-map")
    expect(province_map).to_have_attribute("data-count-projets", "1")
    expect(province_map).to_have_attribute("data-count-evenements", "1")
    expect(
        province_map.get_by_role("button", name="Rencontre territoriale de Namur")
    ).to_be_visible()
    legend = page.get_by_role("group", name="Couches affichées")
    expect(legend).to_be_visible()
    legend.get_by_label("Projets").uncheck()
    expect(province_map.get_by_role("button", name="Conseil namurois")).to_have_count(0)
    no_csp_violation(page)
