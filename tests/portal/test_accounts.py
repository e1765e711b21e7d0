"""Accounts through allauth: sign-up, confirmation from the outbox, login, reset, rate limits,
the admin login behind allauth's, and every account page in the site's layout, in French."""

import re
import uuid
from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from portal.models import OutgoingEmail, User
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "une autre phrase de passe solide"


@pytest.fixture(autouse=True)
def own_cache(settings):
    """allauth's rate limits live in the cache: each test starts with its own, empty one (a
    shared cache would carry the attempts of earlier tests; clearing a Redis cache would empty
    the broker's database too)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"accounts-{uuid.uuid4()}",
        }
    }


def verified_user(email="camille@example.org", **kwargs):
    user = UserFactory(email=email, **kwargs)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def link_in(message, path_prefix):
    match = re.search(rf"https?://[^/\s]+({re.escape(path_prefix)}[^\s]+)", message.body)
    assert match, message.body
    return match.group(1)


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


# --- Sign-up, confirmation, login -------------------------------------------------------------


def test_signup_confirm_from_the_outbox_then_login(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {"email": "Dominique@Example.org", "password1": PASSWORD, "password2": PASSWORD},
        )

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="dominique@example.org")
    assert logged_in_user_id(client) is None  # not before the address is confirmed
    # Through the portal's outbox, then sent by the (eager) task after commit.
    queued = OutgoingEmail.objects.get(to__iexact="dominique@example.org")
    assert queued.status == OutgoingEmail.Status.SENT
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == queued.subject
    assert mailoutbox[0].subject.startswith("[Chantiers communs]")
    assert "adresse e-mail" in mailoutbox[0].subject  # allauth's templates, in French

    confirm_url = link_in(mailoutbox[0], "/compte/confirm-email/")
    page = client.get(confirm_url)
    assert page.status_code == HTTPStatus.OK
    assert "Confirmer l'adresse e-mail" in page.text
    assert not EmailAddress.objects.get(user=user).verified  # a GET changes nothing
    confirmed = client.post(confirm_url)

    assert confirmed.status_code == HTTPStatus.FOUND
    assert EmailAddress.objects.get(user=user).verified
    client.logout()
    login = client.post(
        reverse("account_login"), {"login": "dominique@example.org", "password": PASSWORD}
    )
    assert login.status_code == HTTPStatus.FOUND
    assert login["Location"] == reverse("espace:home")
    assert logged_in_user_id(client) == str(user.pk)


def test_account_emails_name_the_site_and_link_to_site_url(client, settings, mailoutbox):
    """Served on 127.0.0.1:18700, allauth greeted "127.0.0.1:18700" and linked to the request's
    host: its emails say "Chantiers communs" and link to SITE_URL, as the portal's own do."""
    settings.SITE_URL = "https://chantiers.example.org"
    verified_user("camille@example.org")
    client.post(
        reverse("account_signup"),
        {"email": "dominique@example.org", "password1": PASSWORD, "password2": PASSWORD},
        HTTP_HOST="127.0.0.1:18700",
    )
    client.post(
        reverse("account_reset_password"),
        {"email": "camille@example.org"},
        HTTP_HOST="127.0.0.1:18700",
    )

    for to in ("dominique@example.org", "camille@example.org"):
        body = OutgoingEmail.objects.get(to=to).body_text
        assert "Chantiers communs" in body
        assert "127.0.0.1:18700" not in body
        assert "https://chantiers.example.org/compte/" in body


def test_login_with_an_unverified_address_is_refused(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(email="claude@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_login"), {"login": user.email, "password": PASSWORD}
        )

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("account_email_verification_sent")
    assert logged_in_user_id(client) is None
    assert [m.to for m in mailoutbox] == [[user.email]]  # a new confirmation link is sent


def test_login_with_a_wrong_password_says_so_in_french(client):
    verified_user()

    response = client.post(
        reverse("account_login"), {"login": "camille@example.org", "password": "mauvais"}
    )

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].non_field_errors() == [
        "L’adresse e-mail ou le mot de passe sont incorrects."
    ]
    assert 'role="alert"' in response.text
    assert 'value="camille@example.org"' in response.text  # what was typed is kept
    assert logged_in_user_id(client) is None


def test_failed_logins_are_rate_limited(client):
    """allauth's limit ("5/5m/key" in settings): after five failures even the right password
    is refused for a while."""
    user = verified_user()
    url = reverse("account_login")
    for _attempt in range(5):
        refused = client.post(url, {"login": user.email, "password": "mauvais"})
        assert refused.status_code == HTTPStatus.OK
        assert "Trop de tentatives" not in refused.text

    blocked = client.post(url, {"login": user.email, "password": PASSWORD})

    assert blocked.status_code == HTTPStatus.OK
    assert "Trop de tentatives de connexion échouées" in blocked.text
    assert logged_in_user_id(client) is None


def test_the_rate_limit_counts_per_address(client):
    verified_user()
    other = verified_user(email="sam@example.org")
    url = reverse("account_login")
    for _attempt in range(5):
        client.post(url, {"login": "camille@example.org", "password": "mauvais"})

    response = client.post(url, {"login": other.email, "password": PASSWORD})

    assert response.status_code == HTTPStatus.FOUND
    assert logged_in_user_id(client) == str(other.pk)


# --- Password reset ---------------------------------------------------------------------------


def test_password_reset_email_arrives_and_its_link_sets_a_new_password(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user = verified_user()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": user.email})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("account_reset_password_done")
    assert OutgoingEmail.objects.filter(to=user.email).count() == 1
    assert len(mailoutbox) == 1
    assert "mot de passe" in mailoutbox[0].subject.lower()

    # allauth moves the key from the URL into the session, then shows the form.
    form_page = client.get(link_in(mailoutbox[0], "/compte/password/reset/key/"), follow=True)
    assert form_page.status_code == HTTPStatus.OK
    [(form_url, _status)] = form_page.redirect_chain
    changed = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert changed.status_code == HTTPStatus.FOUND
    assert changed["Location"] == reverse("account_reset_password_from_key_done")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_reset_for_an_unknown_address_reveals_nothing(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})

    # The same answer as for a known address; allauth tells the unknown address itself.
    assert response["Location"] == reverse("account_reset_password_done")
    assert not User.objects.filter(email="nobody@example.org").exists()


# --- The admin login --------------------------------------------------------------------------


def test_admin_login_redirects_to_allauth_login(client):
    response = client.get(reverse("admin:login") + "?next=/admin/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("account_login") + "?next=%2Fadmin%2F"


def test_admin_pages_send_anonymous_people_to_allauth_login(client):
    response = client.get(reverse("admin:index"), follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert response.status_code == HTTPStatus.OK
    assert "Connexion" in response.text


def test_admin_login_form_cannot_be_posted_to_directly(client):
    """A password guessed on the admin's own form would escape allauth's rate limit."""
    staff = verified_user(is_staff=True, is_superuser=True)

    response = client.post(reverse("admin:login"), {"username": staff.email, "password": PASSWORD})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))
    assert logged_in_user_id(client) is None


def test_staff_reach_the_admin_after_allauth_login(client):
    staff = verified_user(is_staff=True, is_superuser=True)

    response = client.post(
        reverse("account_login") + "?next=/admin/",
        {"login": staff.email, "password": PASSWORD, "next": "/admin/"},
    )

    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == HTTPStatus.OK


def test_signed_in_people_who_are_not_staff_are_refused_the_admin(client):
    client.force_login(verified_user())

    response = client.get(reverse("admin:index"), follow=True)

    assert response.status_code == HTTPStatus.FORBIDDEN


# --- Every page of the flow in French, in the site's layout -----------------------------------


class _Page(HTMLParser):
    """What the layout checks need: landmarks, headings, labels, inputs, scripts."""

    def __init__(self):
        super().__init__()
        self.tags = []
        self.h1 = 0
        self.labels = set()
        self.inputs = []
        self.inline_scripts = 0
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "h1":
            self.h1 += 1
        elif tag == "label" and attrs.get("for"):
            self.labels.add(attrs["for"])
        elif tag in ("input", "select", "textarea"):
            if attrs.get("type") not in ("hidden", "submit"):
                self.inputs.append(attrs)
        elif tag == "script" and not attrs.get("src"):
            self.inline_scripts += 1
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data

    def has(self, tag, **wanted):
        return any(t == tag and all(a.get(k) == v for k, v in wanted.items()) for t, a in self.tags)


def assert_in_site_layout(response):
    assert response.status_code == HTTPStatus.OK, response
    page = _Page()
    page.feed(response.text)
    assert page.has("html", lang="fr")
    assert page.has("header", **{"class": "site-header"})
    assert page.has("nav", **{"class": "breadcrumb wrap"})
    assert page.has("main", id="contenu")
    assert page.has("footer", **{"class": "site-footer"})
    assert page.h1 == 1
    title = " ".join(page.title.split())
    assert title.endswith("· Chantiers communs") and len(title) > len("· Chantiers communs")
    assert page.inline_scripts == 0
    unlabelled = [i.get("name") for i in page.inputs if i.get("id") not in page.labels]
    assert not unlabelled, f"inputs without a label: {unlabelled}"
    # allauth's English would show if its French catalogue were not used.
    for english in ("Sign In", "Sign Up", "Password Reset", "Email Address", "Forgot"):
        assert english not in response.text
    return page


ANONYMOUS_PAGES = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_email_verification_sent",
    "account_reset_password_from_key_done",
    "account_inactive",
    "privacy",
]


@pytest.mark.parametrize("name", ANONYMOUS_PAGES)
def test_pages_before_signing_in_are_in_the_site_layout(client, name):
    assert_in_site_layout(client.get(reverse(name)))


SIGNED_IN_PAGES = [
    "account_logout",
    "account_change_password",
    "account_email",
    "espace:account",
    "espace:account_delete",
]


@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_pages_of_a_signed_in_person_are_in_the_site_layout(client, name):
    client.force_login(verified_user())

    page = assert_in_site_layout(client.get(reverse(name)))

    if name != "account_logout":
        assert page.has("a", href=reverse("espace:account")) or name == "espace:account"


def test_breadcrumbs_place_account_pages_under_my_account(client):
    client.force_login(verified_user())

    response = client.get(reverse("account_change_password"))

    trail = response.text.split('class="breadcrumb wrap"')[1].split("</nav>")[0]
    assert re.findall(r">([^<>]+?)</(?:a|span)>", trail) == [
        "Accueil",
        "Mon espace",
        "Mon compte",
        "Modifier le mot de passe",
    ]


def test_confirmation_pages_are_in_the_site_layout(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {"email": "alix@example.org", "password1": PASSWORD, "password2": PASSWORD},
        )

    assert_in_site_layout(client.get(link_in(mailoutbox[0], "/compte/confirm-email/")))
    invalid = client.get(reverse("account_confirm_email", args=["not-a-key"]))
    assert_in_site_layout(invalid)
    assert "a expiré ou n'est pas valide" in invalid.text


def test_password_reset_from_key_pages_are_in_the_site_layout(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user = verified_user()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email})

    assert_in_site_layout(
        client.get(link_in(mailoutbox[0], "/compte/password/reset/key/"), follow=True)
    )
    bad = client.get(
        reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "bad-key"}),
        follow=True,
    )
    assert_in_site_layout(bad)


def test_signup_errors_are_field_level_in_french_and_keep_what_was_typed(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "alix@example.org", "password1": PASSWORD, "password2": "autre chose"},
    )

    page = assert_in_site_layout(response)
    errors = response.context["form"].errors
    assert errors["password2"] == ["Vous devez saisir deux fois le même mot de passe."]
    assert page.has("input", name="email", value="alix@example.org")
    assert page.has(
        "input",
        name="password2",
        **{"aria-invalid": "true", "aria-describedby": "id_password2_error"},
    )
    assert page.has("ul", id="id_password2_error")
    assert not User.objects.filter(email="alix@example.org").exists()


def test_signup_refuses_a_weak_password_in_french(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "alix@example.org", "password1": "1234", "password2": "1234"},
    )

    assert_in_site_layout(response)
    assert "Ce mot de passe est trop court." in " ".join(
        response.context["form"].errors["password1"]
    )
    assert not User.objects.filter(email="alix@example.org").exists()


def test_signup_with_a_taken_address_does_not_reveal_the_account(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    """allauth prevents enumeration: the same answer, and the owner is told by email."""
    verified_user(email="pris@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {"email": "pris@example.org", "password1": PASSWORD, "password2": PASSWORD},
        )

    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.filter(email="pris@example.org").count() == 1
    assert [m.to for m in mailoutbox] == [["pris@example.org"]]


def test_email_change_sends_a_confirmation_through_the_outbox(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user = verified_user()
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_email"), {"action_add": "", "email": "nouvelle@example.org"}
        )

    assert response.status_code == HTTPStatus.FOUND
    assert EmailAddress.objects.filter(user=user, email="nouvelle@example.org").exists()
    assert OutgoingEmail.objects.filter(to="nouvelle@example.org").exists()
    assert [m.to for m in mailoutbox] == [["nouvelle@example.org"]]
