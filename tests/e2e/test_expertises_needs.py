"""A leader records a need → sees the facilitators that fit it → staff mark it answered.

An accessibility scan runs on each page visited.
"""

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from expertises.models import Need
from portal.roles import staff_group_ensure
from tests.e2e.test_accounts_journeys import sign_in, verified_user
from tests.expertises.factories import CategoryFactory, FacilitatorFactory
from tests.projets.factories import MembershipFactory, ProjectFactory
from tests.territoires.factories import ProvinceFactory


def test_leader_records_a_need_sees_matches_and_staff_mark_it_answered(
    transactional_db: None,
    page: Page,
    live_server: Any,
    assert_accessible: Callable[..., None],
) -> None:
    liege = ProvinceFactory(name="Liège", slug="liege")
    namur = ProvinceFactory(name="Namur", slug="namur")
    project = ProjectFactory(name="Coopérative du Condroz", slug="condroz", province=liege)
    public_tenders = CategoryFactory(name="Marchés publics", slug="marches-publics")
    FacilitatorFactory(name="Cellule marchés Liège", categories=[public_tenders], provinces=[liege])
    FacilitatorFactory(name="Guichet wallon", categories=[public_tenders], covers_all_wallonia=True)
    FacilitatorFactory(name="Cellule Namur", categories=[public_tenders], provinces=[namur])
    leader = verified_user("porteuse@example.org")
    MembershipFactory(project=project, user=leader)
    staff = verified_user("cellule@example.org")
    staff.is_staff = True
    staff.save()
    staff.groups.add(staff_group_ensure())
    base = live_server.url

    # The leader records a need from their space.
    sign_in(page, base, leader.email)
    page.get_by_role("link", name="Besoins et offres de « Coopérative du Condroz »").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Besoins et offres")
    assert_accessible(page)
    page.get_by_role("link", name="Ajouter un besoin").click()
    expect(page.locator("#id_province")).to_have_value(str(liege.pk))
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer le besoin").click()
    expect(page.locator(".form-errors")).to_contain_text("Choisissez une catégorie.")
    assert_accessible(page)
    page.locator("#id_category").select_option(label="Marchés publics")
    page.locator("#id_description").fill("Répondre à l'appel d'offres des cantines scolaires.")
    page.locator("#id_urgency").select_option("high")
    page.get_by_role("button", name="Enregistrer le besoin").click()

    # Its page shows the facilitators that fit (Liège and all Wallonia, not Namur).
    expect(page.get_by_role("heading", level=1)).to_contain_text("Marchés publics")
    matches = page.locator("section[aria-labelledby='facilitateurs']")
    expect(matches).to_contain_text("Cellule marchés Liège")
    expect(matches).to_contain_text("Guichet wallon")
    expect(matches).not_to_contain_text("Cellule Namur")
    assert_accessible(page)
    need = Need.objects.get()

    # Staff see it on their board and mark it answered.
    page.context.clear_cookies()
    sign_in(page, base, staff.email)
    page.get_by_role("link", name="Tableau des besoins et de leurs correspondances").click()
    row = page.get_by_role("row", name="Marchés publics – Coopérative du Condroz")
    expect(row.get_by_role("cell").nth(2)).to_have_text("2")
    assert_accessible(page)
    row.get_by_role("button", name="Marquer comme répondu").click()
    expect(page.get_by_text("Le besoin est marqué comme répondu.")).to_be_visible()
    expect(page.get_by_text("Aucun besoin ouvert.")).to_be_visible()
    assert_accessible(page)
    need.refresh_from_db()
    assert need.status == Need.Status.ANSWERED
    assert need.answered_by == staff
