"""The newsletter in a browser: subscribe from the footer and from the subscription page →
confirm from the outbox → staff compose, fill, preview and send an issue in the admin → its
web version and the archive → unsubscribe with the button of the email link's page,
resubscribe, and the mail provider's one-click POST (RFC 8058). An accessibility scan runs on
each of our own pages.

The emails' links are absolute (``settings.SITE_URL``): the test points it at the live server.
"""

import re
import urllib.request
from collections.abc import Callable
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import Page, expect

from newsletter.models import Issue, Subscriber
from newsletter.services import SOURCE_FOOTER, SOURCE_PAGE, SOURCE_RESUBSCRIBE
from portal.models import OutgoingEmail
from portal.roles import staff_group_ensure
from tests.chantiers.factories import NewsFactory
from tests.e2e.test_accounts_journeys import sign_in, verified_user
from tests.events.factories import EventFactory
from tests.newsletter.factories import SubscriberFactory
from tests.territoires.factories import ProvinceFactory

ADDRESS = "claire@example.org"
SUBJECT = "La lettre du printemps"


@pytest.fixture
def site_url(settings: Any, live_server: Any) -> str:
    """Links in the emails lead to the live server; the rate limits start from zero."""
    settings.SITE_URL = live_server.url
    cache.clear()
    return live_server.url


def link_in(text: str, base: str, path: str) -> str:
    """The one absolute link of ``text`` under ``base + path``."""
    [link] = re.findall(rf"{re.escape(base + path)}[^\s<>\"]*", text)
    return link


def confirmations_to(address: str) -> list[OutgoingEmail]:
    return list(
        OutgoingEmail.objects.filter(to=address, newsletter_delivery__isnull=True).order_by(
            "created_at", "pk"
        )
    )


def test_subscribe_confirm_receive_an_issue_unsubscribe_and_come_back(
    transactional_db: None,
    page: Page,
    site_url: str,
    assert_accessible: Callable[..., None],
    mailoutbox: list,
) -> None:
    base = site_url
    liege = ProvinceFactory(name="Liège", slug="liege")
    ProvinceFactory(name="Namur", slug="namur")
    event = EventFactory(title="Marché fermier de Ciney", venue="Halle de Ciney")
    news = NewsFactory(title="Le fournil de Statte ouvre ses portes", summary="Visite libre.")
    other = SubscriberFactory(email="autre@example.org")
    pending = SubscriberFactory(email="en-attente@example.org", pending=True)
    staff = verified_user("cellule@example.org")
    staff.is_staff = True
    staff.save()
    staff.groups.add(staff_group_ensure())

    # 1. A visitor subscribes from the footer of the home page.
    page.goto(base + "/")
    footer = page.locator("section.newsletter-footer")
    expect(footer.get_by_role("heading", level=2)).to_have_text("La lettre d'information")
    assert_accessible(page)
    footer.get_by_label("Votre adresse e-mail").fill(ADDRESS)
    footer.get_by_role("button", name="M'inscrire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre boîte e-mail")
    assert_accessible(page)
    subscriber = Subscriber.objects.get(email=ADDRESS)
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.consent_source == str(SOURCE_FOOTER % {"path": "/"})
    assert subscriber.consent_at is None
    [first_confirmation] = confirmations_to(ADDRESS)

    # Then from the subscription page, with a province: a new key replaces the first one.
    page.goto(base + "/lettre/inscription/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "S'inscrire à la lettre d'information"
    )
    assert_accessible(page)
    page.locator("#id_email").fill(ADDRESS)
    page.locator("fieldset", has_text="Provinces").get_by_label("Liège").check()
    page.locator("main").get_by_role("button", name="M'inscrire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre boîte e-mail")
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.consent_source == str(SOURCE_PAGE)
    assert list(subscriber.provinces.all()) == [liege]

    # 2. The first link no longer works; the latest one's page confirms with its button.
    old_key_link = link_in(first_confirmation.body_text, base, "/lettre/confirmer/")
    [_first, confirmation] = confirmations_to(ADDRESS)
    assert confirmation.subject == first_confirmation.subject
    response = page.goto(old_key_link)
    assert response is not None and response.status == HTTPStatus.NOT_FOUND
    expect(page.get_by_role("heading", level=1)).to_have_text("Ce lien ne fonctionne pas")
    assert_accessible(page)
    page.goto(link_in(confirmation.body_text, base, "/lettre/confirmer/"))
    confirm_button = page.locator("main").get_by_role("button", name="Confirmer mon inscription")
    expect(confirm_button).to_be_visible()
    assert_accessible(page)
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING  # opening the link is not consent
    confirm_button.click()
    expect(page.locator(".messages")).to_contain_text("Votre inscription est confirmée")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes préférences pour la lettre")
    assert_accessible(page)
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.consent_at is not None
    assert subscriber.consent_source == str(SOURCE_PAGE)
    assert subscriber.confirmation_key is None

    # 3. Staff compose an issue in the admin: subject, introduction, one section.
    page.context.clear_cookies()
    sign_in(page, base, staff.email)
    page.goto(base + "/admin/newsletter/issue/add/")
    page.locator("#id_subject").fill(SUBJECT)
    page.locator("#id_introduction").focus()
    expect(page.locator("#id_slug")).to_have_value("la-lettre-du-printemps")  # admin's script
    page.locator("#id_introduction").fill("Bonjour à **toutes et à tous**.")
    page.locator("#sections-group .add-row a").click()
    page.locator("#id_sections-0-title").fill("Édito")
    page.locator("#id_sections-0-body").fill("Le printemps des chantiers communs.")
    page.locator("input[name='_continue']").click()
    fill = page.get_by_role("button", name="Remplir avec l'agenda et les actualités")
    expect(fill).to_be_visible()
    issue = Issue.objects.get(subject=SUBJECT)
    assert issue.created_by == staff
    assert [s.title for s in issue.sections.all()] == ["Édito"]

    # The agenda and the news fill two more sections.
    fill.click()
    expect(page.locator(".messagelist")).to_contain_text("Agenda")
    expect(page.locator("#id_sections-2-title")).to_have_value("Actualités")
    sections = {s.title: s.body for s in issue.sections.all()}
    assert list(sections) == ["Édito", "Agenda", "Actualités"]
    assert event.title in sections["Agenda"]
    assert news.title in sections["Actualités"]

    # The preview shows the email as subscribers will see it.
    preview_href = page.get_by_role("link", name="Aperçu").get_attribute("href")
    assert preview_href is not None
    page.goto(base + preview_href)
    expect(page.get_by_text(SUBJECT).first).to_be_visible()
    expect(page.get_by_role("link", name=event.title)).to_be_visible()
    expect(page.get_by_role("link", name=news.title)).to_be_visible()
    assert_accessible(page)
    page.go_back()

    # "Envoyer…" asks for confirmation, with the number of confirmed subscribers.
    page.get_by_role("link", name="Envoyer…").click()
    expect(page.locator("#content-main")).to_contain_text(
        "Ce numéro partira à 2 abonné·es confirmé·es."
    )
    page.get_by_role("button", name="Oui, envoyer").click()
    expect(page.locator(".messagelist")).to_contain_text("Envoi commencé pour 2 abonné·es")
    expect(page.locator("#newsletter-progress")).to_contain_text("2 envoyés sur 2")
    page.context.clear_cookies()

    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT
    assert issue.number == 1
    [outgoing] = OutgoingEmail.objects.filter(to=ADDRESS, newsletter_delivery__issue=issue)
    assert OutgoingEmail.objects.filter(newsletter_delivery__issue=issue).count() == 2
    assert OutgoingEmail.objects.filter(to=other.email, newsletter_delivery__issue=issue).exists()
    assert not OutgoingEmail.objects.filter(to=pending.email).exists()
    assert outgoing.subject == SUBJECT
    assert outgoing.status == OutgoingEmail.Status.SENT  # Celery runs eagerly in tests
    unsubscribe_url = link_in(outgoing.body_text, base, "/lettre/desinscription/")
    assert unsubscribe_url == base + subscriber.get_unsubscribe_url()
    headers = {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert outgoing.headers == headers
    [sent] = [m for m in mail.outbox if m.to == [ADDRESS] and m.subject == SUBJECT]
    assert {name: sent.extra_headers.get(name) for name in headers} == headers
    assert {name: sent.message()[name] for name in headers} == headers
    assert unsubscribe_url in sent.alternatives[0][0]

    # 4. The web version from the email is the archive page; the archive lists it.
    web_url = link_in(outgoing.body_text, base, "/lettre/la-lettre-du-printemps/")
    assert web_url == base + issue.get_absolute_url()
    page.goto(web_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(SUBJECT)
    expect(page.locator("article")).to_contain_text("Le printemps des chantiers communs.")
    expect(page.locator("article").get_by_role("link", name=event.title)).to_be_visible()
    assert_accessible(page)
    page.goto(base + "/lettre/")
    expect(page.locator(".card-list").get_by_role("link", name=SUBJECT)).to_have_attribute(
        "href", issue.get_absolute_url()
    )
    assert_accessible(page)

    # 5. The email's link shows a button (opening it changes nothing: mail scanners open every
    # link); the button unsubscribes; "Me réinscrire" undoes it.
    page.goto(unsubscribe_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Se désinscrire de la lettre d'information"
    )
    assert_accessible(page)
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    page.get_by_role("button", name="Me désinscrire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vous êtes désinscrit·e")
    expect(page.locator("main")).to_contain_text(ADDRESS)
    assert_accessible(page)
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert subscriber.unsubscribed_at is not None
    page.get_by_role("button", name="Me réinscrire").click()
    expect(page.locator(".messages")).to_contain_text("Vous êtes à nouveau inscrit·e")
    assert_accessible(page)
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.consent_source == str(SOURCE_RESUBSCRIBE)

    # The mail provider's one-click POST to the header's address: no cookie, no CSRF token.
    request = urllib.request.Request(
        unsubscribe_url,
        data=urlencode({"List-Unsubscribe": "One-Click"}).encode(),
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == HTTPStatus.OK
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    other.refresh_from_db()
    assert other.status == Subscriber.Status.CONFIRMED
