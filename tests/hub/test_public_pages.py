"""The accessibility statement and the legal notice: what they say, from the settings, in
French and English, linked from every page's footer; the checks of their settings."""

from http import HTTPStatus

import pytest
from django.conf import settings
from django.core import checks
from django.urls import reverse
from django.utils import translation

from hub.checks import accessibility_settings, legal_notice_settings
from hub.public_pages import accessibility_statement

pytestmark = pytest.mark.django_db

ACCESSIBILITY = "/accessibilite/"
LEGAL = "/mentions-legales/"


def test_routes():
    assert reverse("accessibility") == ACCESSIBILITY
    assert reverse("legal_notice") == LEGAL


@pytest.mark.parametrize("url", ["/", "/projets/", "/evenements/", "/page-inconnue/"])
def test_every_footer_links_to_both_pages(client, url):
    html = client.get(url).content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    assert f'href="{ACCESSIBILITY}">Déclaration d\'accessibilité</a>' in footer
    assert f'href="{LEGAL}">Mentions légales</a>' in footer


def test_the_statement_by_default(client):
    response = client.get(ACCESSIBILITY)
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "<title>Déclaration d'accessibilité · Chantiers communs</title>" in html
    assert "<strong>partiellement conforme</strong>" in html
    assert "(WCAG) 2.1, niveau AA" in html and "EN 301 549" in html
    assert "Dernière évaluation : 5 décembre 2026" in html
    assert "axe-core (version 4.12)" in html
    assert "un audit complet de chaque critère WCAG par une personne" in html
    # The known limitations name the map, and its accessible equivalent.
    assert "la liste à côté de la carte" in html
    # No address set: reports go through the officers' contact form.
    assert f'href="{reverse("territoires:province_list")}">chargé·es de mission' in html
    assert "Médiateur de la Wallonie et de la Fédération Wallonie-Bruxelles" in html
    assert 'href="https://www.le-mediateur.be/"' in html
    assert "décret wallon du 2 mai 2019" in html


def test_the_statement_follows_its_settings(client, settings):
    settings.ACCESSIBILITY_STATUS = "full"
    settings.ACCESSIBILITY_AUDIT_DATE = "2027-03-01"
    settings.ACCESSIBILITY_AUDIT_NOTE = "Audit manuel par AnySurfer le 1er mars 2027."
    settings.ACCESSIBILITY_CONTACT_EMAIL = "accessibilite@example.org"
    html = client.get(ACCESSIBILITY).content.decode()
    assert "<strong>totalement conforme</strong>" in html
    assert "Les non-conformités" not in html
    assert "Dernière évaluation : 1 mars 2027" in html
    assert "Audit manuel par AnySurfer le 1er mars 2027." in html
    assert '<a href="mailto:accessibilite@example.org">accessibilite@example.org</a>' in html


def test_the_legal_contact_is_the_fallback_for_barriers(settings):
    settings.LEGAL_CONTACT_EMAIL = "cellule@example.org"
    assert accessibility_statement().contact_email == "cellule@example.org"


def test_unreadable_settings_never_break_the_page_and_claim_nothing(client, settings):
    settings.ACCESSIBILITY_STATUS = "presque"
    settings.ACCESSIBILITY_AUDIT_DATE = "hier"
    response = client.get(ACCESSIBILITY)
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "<strong>non conforme</strong>" in html
    assert "La date de la dernière évaluation n'est pas connue." in html
    assert {e.id for e in accessibility_settings()} == {"hub.E001", "hub.E002"}


def test_the_default_settings_pass_their_checks():
    assert accessibility_settings() == []


def test_the_deploy_check_warns_without_a_host(settings):
    settings.LEGAL_HOST = ""
    [warning] = legal_notice_settings()
    assert warning.id == "hub.W001" and warning.level == checks.WARNING
    settings.LEGAL_HOST = "Hébergeur SA, rue de l'Exemple 1, 5000 Namur"
    assert legal_notice_settings() == []


def test_the_legal_notice_by_default(client, settings):
    settings.LEGAL_HOST = ""
    response = client.get(LEGAL)
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Cellule Manger Demain – Service public de Wallonie (SPW)" in html
    assert "L'hébergeur n'est pas renseigné" in html
    assert f'href="{reverse("privacy")}"' in html
    assert '<a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>' in html
    assert f'href="{reverse("opendata:index")}"' in html
    assert f'href="{ACCESSIBILITY}"' in html


def test_the_legal_notice_follows_its_settings(client, settings):
    settings.LEGAL_PUBLISHER = "Cellule Manger Demain"
    settings.LEGAL_PUBLISHER_ADDRESS = "Avenue Prince de Liège 7, 5100 Namur"
    settings.LEGAL_CONTACT_EMAIL = "cellule@example.org"
    settings.LEGAL_HOST = "Hébergeur <SA>, 5000 Namur"
    settings.OPEN_DATA_LICENSE_NAME = "Licence ouverte"
    settings.OPEN_DATA_LICENSE_URL = "https://example.org/licence"
    html = client.get(LEGAL).content.decode()
    assert "Avenue Prince de Liège 7, 5100 Namur" in html
    assert '<a href="mailto:cellule@example.org">cellule@example.org</a>' in html
    assert "Hébergeur &lt;SA&gt;, 5000 Namur" in html  # a setting is text, escaped
    assert '<a href="https://example.org/licence">Licence ouverte</a>' in html


@pytest.fixture
def french_afterwards():
    """LocaleMiddleware leaves an English request's language active in the test's thread:
    the tests after this one (a date written outside a request) must find French again."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.mark.parametrize(
    ("url", "heading", "phrase"),
    [
        (ACCESSIBILITY, "Accessibility statement", "partially conformant"),
        (ACCESSIBILITY, "Accessibility statement", "Report a barrier"),
        (LEGAL, "Legal notice", "Personal data"),
    ],
)
def test_both_pages_in_english(client, french_afterwards, url, heading, phrase):
    client.cookies["django_language"] = "en"
    html = client.get(url).content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert phrase in html
