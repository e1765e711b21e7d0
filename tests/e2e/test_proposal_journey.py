"""A workshop proposal to the end, in a browser: proposed, supported (not by its author),
scheduled as a draft workshop, completed and published — and its author and supporters then
receive the date and the registration link; an accessibility scan of each page."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from events.models import Event
from expertises.models import WorkshopProposal
from portal.dates import when
from portal.roles import staff_group_ensure
from tests.e2e.test_accounts_journeys import isolated_page, sign_in, verified_user  # noqa: F401
from tests.projets.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)

LIST = "/expertises/ateliers-proposes/"


def emails_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


def test_proposal_supported_scheduled_published_and_supporters_emailed(
    page: Page,
    isolated_page: Callable[[], Page],  # noqa: F811
    live_server: Any,
    assert_accessible: Callable[..., None],
    mailoutbox: list,
) -> None:
    base = live_server.url
    anna = verified_user("anna@example.org")
    anna.first_name, anna.last_name = "Anna", "Lemaire"
    anna.save()
    MembershipFactory(user=anna, project=ProjectFactory(name="Fournil de Statte"))
    bert = verified_user("bert@example.org")
    cellule = verified_user("cellule@example.org")
    cellule.is_staff = True
    cellule.save()
    cellule.groups.add(staff_group_ensure())

    # Anna proposes a workshop; she is named with her project, and may not support it.
    sign_in(page, base, anna.email)
    page.goto(base + LIST)
    page.get_by_role("link", name="Proposer un atelier").click()
    assert_accessible(page)
    page.get_by_label("Sujet").fill("Logistique partagée")
    page.get_by_label("Description").fill("Mutualiser un camion frigorifique.")
    page.locator("main form").get_by_role("button").click()
    expect(page.locator(".messages")).to_contain_text("votre proposition d'atelier est publiée")
    card = page.locator(".card", has_text="Logistique partagée")
    expect(card).to_contain_text("Proposé par Anna Lemaire (Fournil de Statte)")
    expect(card).to_contain_text("les soutiens viennent des autres membres")
    expect(card.get_by_role("button", name="Soutenir")).to_have_count(0)
    assert_accessible(page)

    # Bert supports it.
    bert_page = isolated_page()
    sign_in(bert_page, base, bert.email)
    bert_page.goto(base + LIST)
    bert_card = bert_page.locator(".card", has_text="Logistique partagée")
    bert_card.get_by_role("button", name="Soutenir").click()
    expect(bert_page.locator(".messages")).to_contain_text("Votre soutien est enregistré.")
    expect(bert_page.locator(".card", has_text="Logistique partagée")).to_contain_text("1 soutien")

    # The Cellule schedules it: a draft workshop; both hear that it is being prepared.
    staff_page = isolated_page()
    sign_in(staff_page, base, cellule.email)
    staff_page.goto(base + LIST)
    staff_page.locator(".card", has_text="Logistique partagée").get_by_role(
        "link", name="Programmer"
    ).click()
    assert_accessible(staff_page)
    start = timezone.localtime(timezone.now() + datetime.timedelta(days=21)).replace(
        hour=14, minute=0, second=0, microsecond=0
    )
    staff_page.get_by_label("Début").fill(start.strftime("%Y-%m-%dT%H:%M"))
    staff_page.get_by_label("heure à confirmer").uncheck()
    staff_page.get_by_role("button", name="Créer le brouillon d'atelier").click()
    expect(staff_page.locator(".messages")).to_contain_text("ses soutiens sont prévenus")
    assert len(emails_to(anna.email)) == 1
    assert len(emails_to(bert.email)) == 1

    # Completed with a place, then published.
    staff_page.get_by_label("Lieu", exact=True).fill("Hall relais agricole")
    staff_page.get_by_label("Adresse", exact=True).fill("Rue du Marché 3, 4500 Huy")
    staff_page.locator("main form").get_by_role("button", name="Enregistrer").click()
    event = Event.objects.get()
    staff_page.goto(base + event.get_absolute_url())
    staff_page.get_by_role("button", name="Publier").click()
    expect(staff_page.locator(".messages")).to_contain_text("publié")
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED

    # Author and supporter receive the date and the registration link, once each.
    link = f"{base}{event.get_absolute_url()}#inscription"
    with translation.override("fr"):  # as the emails are written, whatever this thread says
        date = when(event)
    for person in (anna, bert):
        scheduled, published = emails_to(person.email)
        assert "Logistique partagée" in scheduled.subject
        assert "est au programme" in published.subject
        assert date in published.body
        assert "14h00" in date
        assert link in published.body
    assert WorkshopProposal.objects.get().status == WorkshopProposal.Status.SCHEDULED

    # The proposal now links to its event, where Bert registers.
    bert_page.goto(base + LIST)
    bert_page.locator(".card", has_text="Logistique partagée").get_by_role(
        "link", name="s'inscrire"
    ).click()
    expect(bert_page.get_by_role("heading", level=1)).to_have_text(event.title)
    assert_accessible(bert_page)
