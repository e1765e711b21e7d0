"""The admin fits a 1,366 px screen: a chantier's page, with its resources, steps and projects,
has no horizontal scroll (it was 2,065 px wide with the steps as a ten-column table), and
neither has its history page."""

from typing import Any

from playwright.sync_api import Page, expect

from chantiers.models import Step
from events.models import Event
from portal.roles import staff_group_ensure
from tests.chantiers.factories import ChantierFactory, ResourceFactory, StepFactory
from tests.e2e.test_accounts_journeys import sign_in, verified_user
from tests.events.factories import EventFactory
from tests.projets.factories import OrganisationFactory

WIDTH, HEIGHT = 1366, 768
SCROLL_WIDTH = "document.documentElement.scrollWidth"


def test_a_chantier_page_fits_1366_pixels(
    transactional_db: None, page: Page, live_server: Any
) -> None:
    base = live_server.url
    staff = verified_user("cellule@example.org")
    staff.is_staff = True
    staff.save()
    staff.groups.add(staff_group_ensure())
    chantier = ChantierFactory(title="Logistique et distribution")
    event = EventFactory(
        title="Atelier logistique et distribution à Namur", status=Event.Status.PUBLISHED
    )
    for order in range(1, 6):
        StepFactory(
            chantier=chantier,
            order=order,
            title=f"Étape {order} : un intitulé d'une longueur ordinaire pour un échéancier",
            description="Une description de quelques lignes, comme celles du document source.",
            status=Step.Status.PLANNED,
            event=event if order == 1 else None,
        )
    ResourceFactory(
        chantier=chantier,
        provider=OrganisationFactory(name="Agence wallonne pour la promotion de l'agriculture"),
        url="https://exemple.be/une/adresse/assez/longue/pour/une/ressource/en/ligne",
    )

    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    sign_in(page, base, staff.email)
    page.goto(f"{base}/admin/chantiers/chantier/{chantier.pk}/change/")
    expect(page.locator("#steps-group")).to_be_visible()
    expect(page.locator("#id_steps-4-title")).to_be_visible()

    assert page.evaluate(SCROLL_WIDTH) <= WIDTH, page.evaluate(SCROLL_WIDTH)

    page.goto(f"{base}/admin/chantiers/chantier/{chantier.pk}/history/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Logistique")
    assert page.evaluate(SCROLL_WIDTH) <= WIDTH, page.evaluate(SCROLL_WIDTH)
