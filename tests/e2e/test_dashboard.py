"""Staff open the dashboard from the admin index, read its charts and tables and download a
figure's CSV; an officer opens the dashboard of their provinces from "Mon espace". An
accessibility scan runs on each page.

Set DASHBOARD_SCREENSHOT to a path to keep a full-page screenshot of the staff's dashboard.
"""

import os
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from playwright.sync_api import Page, expect

from portal.roles import staff_group_ensure
from tests.dashboard.factories import world_build, world_grow
from tests.e2e.test_accounts_journeys import sign_in, verified_user
from tests.territoires.factories import ProvinceFactory


def test_staff_and_an_officer_read_their_dashboards(
    transactional_db: None,
    page: Page,
    live_server: Any,
    assert_accessible: Callable[..., None],
) -> None:
    liege = ProvinceFactory(name="Liège", slug="liege", code="LG", order=1)
    namur = ProvinceFactory(name="Namur", slug="namur", code="NA", order=2)
    world_build(liege, namur)
    world_grow(liege, namur, 4, now=timezone.now())
    staff = verified_user("cellule@example.org")
    staff.is_staff = True
    staff.save()
    staff.groups.add(staff_group_ensure())
    officer = verified_user("liege@example.org")
    liege.officers.add(officer)
    base = live_server.url

    # Staff: from the admin index to the dashboard.
    sign_in(page, base, staff.email)
    page.goto(base + "/admin/")
    page.get_by_role("link", name="Les figures de la Cellule", exact=False).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")
    events = page.locator("section#inscriptions-par-evenement")
    expect(events.get_by_role("img")).to_have_attribute(
        "aria-label", "Inscriptions par événement : graphique, détaillé dans le tableau qui suit."
    )
    row = events.get_by_role("row", name="Rencontre de Liège", exact=False)
    expect(row.get_by_role("cell").nth(1)).to_have_text("3")
    outbox = page.locator("section#boite-envoi")
    expect(outbox.get_by_role("link", name="Incertains")).to_have_attribute(
        "href", "/admin/portal/outgoingemail/?etat=uncertain"
    )
    assert_accessible(page)
    if os.environ.get("DASHBOARD_SCREENSHOT"):
        page.set_viewport_size({"width": 1366, "height": 900})
        page.screenshot(path=os.environ["DASHBOARD_SCREENSHOT"], full_page=True)
    with page.expect_download() as download:
        page.locator("section#projets-par-province").get_by_role(
            "link", name="Télécharger les données (CSV)", exact=False
        ).click()
    assert download.value.suggested_filename == "projets-par-province.csv"
    outbox.get_by_role("link", name="Incertains").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("e-mail sortant")

    # An officer: from "Mon espace" to the figures of Liège.
    page.context.clear_cookies()
    sign_in(page, base, officer.email)
    page.get_by_role("link", name="Les figures de mes provinces", exact=False).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord de mes provinces")
    expect(page.locator("section#inscriptions-par-evenement")).to_contain_text("Rencontre de Liège")
    expect(page.locator("section#inscriptions-par-evenement")).not_to_contain_text(
        "Rencontre de Namur"
    )
    expect(page.locator("section#boite-envoi")).to_have_count(0)
    assert_accessible(page)
