"""Every message of the account pages comes in French and in English, allauth's included: its
lockouts and rate limits, its form errors, its messages after an action.

allauth ships a French catalogue; a message of its own showing in English on a French page
means a catalogue was shadowed or a string was rendered outside the request's language. Each
scenario below is played in French then in English, and the page must hold none of allauth's
English messages (French) or of their French translations (English).
"""

import gettext
import uuid
from pathlib import Path

import allauth
import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.urls import reverse

from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
ALLAUTH_FR = Path(allauth.__file__).parent / "locale" / "fr" / "LC_MESSAGES" / "django.mo"


def _catalogue() -> dict[str, str]:
    """allauth's messages (English msgid → French), those long enough to be recognised."""
    with ALLAUTH_FR.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    pairs = {}
    for key, value in catalogue.items():
        msgid = key[0] if isinstance(key, tuple) else key
        if isinstance(msgid, str) and len(msgid) > 24 and "%" not in msgid and msgid != value:
            pairs[msgid] = value
    return pairs


CATALOGUE = _catalogue()


@pytest.fixture(autouse=True)
def own_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"accounts-i18n-{uuid.uuid4()}",
        }
    }


def verified_user(email="camille@example.org"):
    user = UserFactory(email=email, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def failed_logins(client, times=6):
    user = verified_user()
    response = None
    for _attempt in range(times):
        response = client.post(
            reverse("account_login"), {"login": user.email, "password": "mauvais"}
        )
    return response


def many_logins_from_one_address(client):
    response = None
    for attempt in range(31):
        response = client.post(
            reverse("account_login"), {"login": f"x{attempt}@example.org", "password": "x"}
        )
    return response


def many_password_resets(client):
    verified_user()
    response = None
    for _attempt in range(6):
        response = client.post(reverse("account_reset_password"), {"email": "camille@example.org"})
    return response


def signup_errors(client):
    verified_user()
    return client.post(
        reverse("account_signup"),
        {"email": "camille@example.org", "password1": "123", "password2": "456"},
    )


def wrong_current_password(client):
    client.force_login(verified_user())
    return client.post(
        reverse("account_change_password"),
        {"oldpassword": "mauvais", "password1": "x", "password2": "y"},
    )


def email_added_twice(client):
    client.force_login(verified_user())
    client.post(reverse("account_email"), {"action_add": "", "email": "autre@example.org"})
    return client.post(
        reverse("account_email"), {"action_add": "", "email": "encore@example.org"}, follow=True
    )


def resend_confirmation_twice(client):
    user = verified_user()
    EmailAddress.objects.create(user=user, email="autre@example.org", verified=False)
    client.force_login(user)
    for _attempt in range(2):
        response = client.post(
            reverse("account_email"),
            {"action_send": "", "email": "autre@example.org"},
            follow=True,
        )
    return response


SCENARIOS = [
    failed_logins,
    many_logins_from_one_address,
    many_password_resets,
    signup_errors,
    wrong_current_password,
    email_added_twice,
    resend_confirmation_twice,
]


def test_the_catalogue_holds_the_lockout_message():
    assert CATALOGUE["Too many failed login attempts. Try again later."].startswith("Trop de")


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
def test_french_pages_show_no_english_message_of_allauth(client, scenario):
    response = scenario(client)

    text = response.content.decode()
    assert '<html lang="fr">' in text
    english = [msgid for msgid in CATALOGUE if msgid in text]
    assert not english, f"English on a French page: {english}"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
def test_english_pages_show_no_french_message_of_allauth(client, scenario):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = scenario(client)

    text = response.content.decode()
    assert '<html lang="en">' in text
    french = [french for french in CATALOGUE.values() if french in text]
    assert not french, f"French on an English page: {french}"


def test_the_lockout_reads_in_french_then_in_english(client):
    french = failed_logins(client).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.post(
        reverse("account_login"), {"login": "camille@example.org", "password": "mauvais"}
    ).content.decode()

    assert "Trop de tentatives de connexion échouées" in french
    assert "Too many failed login attempts. Try again later." in english
