"""A project leader reads a piste's page, proposes a new piste (empty first: a clear refusal),
staff accept it in the admin, and the leader is told by email; the new piste lists the project
as interested. An accessibility scan runs on each public page."""

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from chantiers.models import Chantier
from portal.models import OutgoingEmail
from projets.models import PisteProposal
from projets.services import piste_proposal_accept
from tests.chantiers.factories import ChantierFactory
from tests.e2e.test_accounts_journeys import sign_in, verified_user
from tests.projets.factories import MembershipFactory, ProjectFactory


def test_a_leader_proposes_a_piste_that_staff_accept(
    transactional_db: None,
    page: Page,
    live_server: Any,
    assert_accessible: Callable[..., None],
) -> None:
    from portal.roles import staff_group_ensure
    from tests.portal.factories import UserFactory

    base = live_server.url
    piste = ChantierFactory(
        title="Chantier légumeries", slug="legumeries", status=Chantier.Status.CANDIDATE
    )
    leader = verified_user("lea@example.org")
    MembershipFactory(user=leader, project=ProjectFactory(name="Ceinture alimentaire"))
    staff = UserFactory(is_staff=True, email="cellule@example.org")
    staff.groups.add(staff_group_ensure())

    sign_in(page, base, leader.email)
    page.goto(base + piste.get_absolute_url())
    expect(page.locator("main")).to_contain_text("Qu'est-ce qu'une piste ?")
    expect(page.locator("main")).not_to_contain_text("Échéancier")
    assert_accessible(page)

    page.get_by_role("link", name="Proposer une nouvelle piste").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Proposer une piste de chantier")
    assert_accessible(page)
    page.get_by_role("button", name="Proposer la piste").click()
    expect(page.locator("main")).to_contain_text("Donnez un titre à la piste")
    assert_accessible(page)
    assert not PisteProposal.objects.exists()

    page.get_by_label("Titre de la piste").fill("chantier LEGUMERIES")
    page.get_by_role("button", name="Proposer la piste").click()
    expect(page.locator("main")).to_contain_text("existe déjà")

    page.get_by_label("Titre de la piste").fill("Chantier semences paysannes")
    page.get_by_role("button", name="Proposer la piste").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pistes de futurs chantiers")
    expect(page.locator("main")).to_contain_text("est transmise à la Cellule Manger Demain")
    proposal = PisteProposal.objects.get()
    assert OutgoingEmail.objects.filter(to=staff.email).count() == 1

    piste_proposal_accept(by=staff, proposal=proposal)  # the admin's action (tests/projets)

    [told] = OutgoingEmail.objects.filter(to=leader.email)
    assert "Chantier semences paysannes" in told.subject
    page.goto(base + "/chantiers/pistes/")
    page.get_by_role("link", name="Chantier semences paysannes").click()
    expect(page.locator("main")).to_contain_text("Ceinture alimentaire")
    assert_accessible(page)
