"""A visitor reads the échéancier: with the keyboard alone, through its table as a screen reader
does, filtered, and printed on A4 landscape. An accessibility scan runs on each page."""

import datetime
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.chantiers.factories import ChantierFactory, StepFactory
from tests.events.factories import EventFactory

TABLE_NAME = "Les étapes datées, avec leur période, leur statut et leur événement"
# A4 landscape (297 mm) less 2 × 10 mm of margin, at 96 CSS pixels per inch.
A4_LANDSCAPE_WIDTH = round((297 - 20) / 25.4 * 96)

BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.fixture
def steps(transactional_db: None) -> dict[str, Any]:
    territoire = ChantierFactory(title="Approche territoriale", slug="approche", order=1)
    communication = ChantierFactory(title="Communication", slug="communication", order=2)
    meeting = EventFactory(
        title="Rencontre territoriale – Liège",
        slug="rencontre-liege",
        start=datetime.datetime(2021, 6, 1, 14, tzinfo=BRUSSELS),
        end=None,
    )
    return {
        "meeting": StepFactory(
            chantier=territoire, order=1, title="Rencontre pour Liège", event=meeting
        ),
        "continuous": StepFactory(
            chantier=territoire,
            order=2,
            title="Recueillir les demandes",
            is_continuous=True,
            status="ongoing",
        ),
        "semester": StepFactory(
            chantier=communication,
            order=1,
            title="Recueillir les demandes au 2e semestre",
            start_date=datetime.date(2021, 7, 1),
            date_precision="semester",
        ),
        "postponed": StepFactory(
            chantier=communication,
            order=2,
            title="Un grand événement fédérateur",
            start_date=datetime.date(2027, 9, 1),
            date_precision="quarter",
            status="postponed",
        ),
        "undated": StepFactory(chantier=communication, order=3, title="Un atelier à définir"),
    }


def test_the_echeancier_by_keyboard_and_through_its_table(
    steps: dict[str, Any], page: Page, live_server: Any, assert_accessible: Callable[..., None]
) -> None:
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Échéancier"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Échéancier des chantiers")
    assert_accessible(page)

    # The keyboard reaches the drawing (it scrolls with the arrows), then each step's link.
    chart = page.get_by_role("region", name="Échéancier sur un axe du temps")
    chart.focus()
    expect(chart).to_be_focused()
    assert chart.evaluate("el => el.scrollWidth > el.clientWidth")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(chart).not_to_have_js_property("scrollLeft", 0)
    page.keyboard.press("Tab")
    expect(chart.get_by_role("link", name="Approche territoriale")).to_be_focused()
    page.keyboard.press("Tab")
    meeting_link = chart.get_by_role("link", name="Rencontre pour Liège")
    expect(meeting_link).to_be_focused()
    # Every status is said in words beside its shape.
    expect(chart.get_by_role("listitem").filter(has_text="Rencontre pour Liège")).to_contain_text(
        "Réalisée"
    )
    expect(chart).to_contain_text("Reportée · 3e trimestre 2027")
    expect(chart).to_contain_text("En cours · En continu")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rencontre territoriale – Liège")
    page.go_back()

    # A screen reader jumps to the table and reads it by headers.
    page.get_by_role("link", name="Aller au tableau de l'échéancier").click()
    table = page.get_by_role("table", name=TABLE_NAME)
    expect(table).to_be_in_viewport()
    expect(table.get_by_role("columnheader")).to_have_text(
        ["Chantier", "Étape", "Quand", "Statut", "Événement"]
    )
    expect(table.get_by_role("rowheader")).to_have_text(
        [
            "Rencontre pour Liège",
            "Recueillir les demandes",
            "Recueillir les demandes au 2e semestre",
            "Un grand événement fédérateur",
        ]
    )
    row = table.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="Recueillir les demandes au 2e semestre")
    )
    expect(row.get_by_role("cell")).to_have_text(
        ["Communication", "2e semestre 2021", "○ Prévue", "—"]
    )
    # The undated step is listed apart, once.
    undated = page.get_by_role("region", name="Étapes sans date")
    expect(undated).to_contain_text("Un atelier à définir")
    expect(undated).to_contain_text("Date à définir")
    expect(page.get_by_text("Un atelier à définir")).to_have_count(1)


def test_the_echeancier_filtered_and_printed(
    steps: dict[str, Any], page: Page, live_server: Any, assert_accessible: Callable[..., None]
) -> None:
    page.goto(live_server.url + "/chantiers/echeancier/")
    page.get_by_label("Statut").select_option(label="Réalisée")
    page.get_by_role("button", name="Filtrer").click()
    table = page.get_by_role("table", name=TABLE_NAME)
    expect(table.get_by_role("rowheader")).to_have_text(["Rencontre pour Liège"])
    expect(page.get_by_role("heading", level=2, name="1 étape")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Statut").select_option(label="Tous les statuts")
    page.get_by_label("Chantier").select_option(label="Communication")
    page.get_by_role("button", name="Filtrer").click()
    expect(table.get_by_role("rowheader")).to_have_count(2)

    # Printed on A4 landscape: the whole axis fits the page, the site's header does not print.
    page.get_by_role("link", name="Réinitialiser").click()
    page.set_viewport_size({"width": A4_LANDSCAPE_WIDTH, "height": 700})
    page.emulate_media(media="print")
    chart = page.locator(".gantt")
    assert chart.evaluate("el => el.scrollWidth <= el.clientWidth")
    assert chart.evaluate("el => el.getBoundingClientRect().right") <= A4_LANDSCAPE_WIDTH
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".gantt__axis--print")).to_be_visible()
    expect(page.locator(".gantt__axis--screen")).to_be_hidden()


def test_a_chantier_page_shows_its_own_steps_the_same_way(
    steps: dict[str, Any], page: Page, live_server: Any, assert_accessible: Callable[..., None]
) -> None:
    chantier = steps["meeting"].chantier
    page.goto(live_server.url + chantier.get_absolute_url())
    expect(page.get_by_role("region", name="Échéancier sur un axe du temps")).to_contain_text(
        "Rencontre pour Liège"
    )
    expect(page.get_by_role("table", name=TABLE_NAME).get_by_role("rowheader")).to_have_text(
        ["Rencontre pour Liège", "Recueillir les demandes"]
    )
    assert_accessible(page)

    # The event page's link to its step lands on the step's row.
    page.goto(live_server.url + steps["meeting"].event.get_absolute_url())
    page.get_by_role("link", name="Approche territoriale – étape 1").click()
    expect(page.locator("#etape-1")).to_be_in_viewport()
    expect(page.locator("#etape-1")).to_contain_text("Rencontre pour Liège")
