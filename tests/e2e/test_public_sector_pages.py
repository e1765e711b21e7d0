"""The accessibility statement and the legal notice, reached from the footer with the keyboard
alone: the skip link comes first, the focus is visible, each page passes its axe scan, in
French and in English."""

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect


def outline_width(page: Page) -> float:
    """The width of the focused element's outline, in CSS pixels."""
    return float(
        page.evaluate("parseFloat(getComputedStyle(document.activeElement).outlineWidth) || 0")
    )


def test_from_the_home_page_to_both_pages_by_keyboard(
    transactional_db: None,
    page: Page,
    live_server: Any,
    assert_accessible: Callable[..., None],
) -> None:
    page.goto(live_server.url + "/")
    # The first Tab reaches the skip link, visibly; Enter moves to the content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    expect(skip).to_be_focused()
    assert outline_width(page) >= 2

    # The footer's links are reached by tabbing, and each has a visible focus.
    statement = page.locator("footer").get_by_role("link", name="Déclaration d'accessibilité")
    for _ in range(200):
        page.keyboard.press("Tab")
        if statement.evaluate("el => el === document.activeElement"):
            break
    expect(statement).to_be_focused()
    assert outline_width(page) >= 2
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Déclaration d'accessibilité")
    main = page.locator("main")
    expect(main).to_contain_text("partiellement conforme")
    expect(main).to_contain_text("WCAG) 2.1, niveau AA")
    expect(main).to_contain_text("EN 301 549")
    expect(main).to_contain_text("Médiateur de la Wallonie et de la Fédération Wallonie-Bruxelles")
    assert_accessible(page)

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
    notice = page.locator("footer").get_by_role("link", name="Mentions légales")
    notice.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mentions légales")
    expect(page.locator("main")).to_contain_text("Cellule Manger Demain")
    assert_accessible(page)

    # In English, through the footer's language switcher.
    page.locator("footer").get_by_label("Langue").select_option("en")
    page.locator("footer").get_by_role("button", name="Changer de langue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Legal notice")
    page.locator("footer").get_by_role("link", name="Accessibility statement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accessibility statement")
    expect(page.locator("main")).to_contain_text("partially conformant")
    assert_accessible(page)
