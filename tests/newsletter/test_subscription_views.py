"""Pages of the subscription over HTTP: the footer form and the page of its own, identical
answers whatever the address, confirmation behind a button, one-click unsubscription (link and
RFC 8058 POST), resubscription, preferences, misused links, rate limits and query counts."""

import datetime
import re
import uuid
from html import unescape
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from newsletter.models import CONFIRMATION_DAYS, Subscriber
from portal.models import OutgoingEmail
from tests.chantiers.factories import ChantierFactory
from tests.newsletter.factories import SubscriberFactory
from tests.querycount import assert_constant_queries
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/lettre/inscription/"
DONE = "/lettre/inscription/merci/"


@pytest.fixture(autouse=True)
def own_cache(settings):
    """The rate limits count in the cache: each test starts with its own, empty one."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"newsletter-{uuid.uuid4()}",
        }
    }


def snapshot(subscriber):
    subscriber.refresh_from_db()
    return (
        subscriber.status,
        subscriber.confirmation_key,
        subscriber.consent_at,
        subscriber.consent_source,
        subscriber.unsubscribed_at,
        sorted(subscriber.provinces.values_list("pk", flat=True)),
        sorted(subscriber.chantiers.values_list("pk", flat=True)),
    )


def html(response):
    """The page as read (entities decoded: d'intérêt whether escaped or not)."""
    return unescape(response.content.decode())


# --- The footer and the page of its own ------------------------------------------------------


def test_the_footer_of_every_page_has_the_form_with_the_page_it_is_on(client):
    page = html(client.get("/projets/?province=liege"))

    assert 'action="/lettre/inscription/"' in page
    assert 'name="source" value="/projets/"' in page  # the path, not the query string
    assert 'id="newsletter-footer-email"' in page
    assert 'href="/lettre/inscription/">Choisir mes centres d\'intérêt' in page
    assert f'href="{reverse("newsletter:issue_list")}"' in page


def test_error_pages_have_no_footer_form(client):
    first, second = client.get("/nulle-part/"), client.get("/ailleurs/")

    assert "newsletter-footer" not in html(first)
    assert first.content == second.content


def test_the_page_of_its_own_offers_interests_and_no_second_form(client):
    province = ProvinceFactory(name="Namur")
    ChantierFactory(title="Légumerie")
    ChantierFactory(title="Abattoir mobile", status="candidate")

    page = html(client.get(SUBSCRIBE))

    assert "<h1>S'inscrire à la lettre d'information</h1>" in page
    assert f'value="{province.pk}"' in page
    assert "Légumerie" in page
    assert "Abattoir mobile (piste de chantier)" in page
    assert "newsletter-footer" not in page


def test_the_footer_form_subscribes_and_records_its_page(client):
    response = client.post(SUBSCRIBE, {"email": "Camille@Example.org", "source": "/projets/"})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == DONE
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "camille@example.org"
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.consent_source == "Pied de page – /projets/"
    assert OutgoingEmail.objects.filter(to="camille@example.org").count() == 1


def test_the_page_of_its_own_subscribes_with_interests(client):
    province = ProvinceFactory()
    chantier = ChantierFactory()

    client.post(
        SUBSCRIBE,
        {"email": "camille@example.org", "provinces": [province.pk], "chantiers": [chantier.pk]},
    )

    subscriber = Subscriber.objects.get()
    assert subscriber.consent_source == "Page d'inscription"
    assert list(subscriber.provinces.all()) == [province]
    assert list(subscriber.chantiers.all()) == [chantier]


@pytest.mark.parametrize(
    ("source", "recorded"),
    [
        ("/projets/?page=2#haut", "Pied de page – /projets/"),
        ("https://ailleurs.example/", "Page d'inscription"),
        ("//ailleurs.example/projets/", "Page d'inscription"),
        ("/n-existe-pas/", "Page d'inscription"),
        ("/compte/password/reset/key/1-secret-key/", "Pied de page – /compte/…"),
    ],
)
def test_only_a_local_path_without_secrets_is_recorded(client, source, recorded):
    client.post(SUBSCRIBE, {"email": "camille@example.org", "source": source})

    assert Subscriber.objects.get().consent_source == recorded


def test_the_thanks_page_says_the_same_whatever_the_address(client):
    page = html(client.get(DONE))

    assert "Si cette adresse peut recevoir la lettre, un e-mail vient d" in page
    assert f"{CONFIRMATION_DAYS} jours" in page


def test_the_answer_is_identical_for_unknown_pending_confirmed_and_unsubscribed(client):
    SubscriberFactory(email="confirmee@example.org")
    SubscriberFactory(email="attente@example.org", pending=True)
    SubscriberFactory(email="partie@example.org", unsubscribed=True)
    answers = []
    for email in (
        "inconnue@example.org",
        "confirmee@example.org",
        "attente@example.org",
        "partie@example.org",
    ):
        client = Client(REMOTE_ADDR=f"10.0.0.{len(answers) + 1}")
        response = client.post(SUBSCRIBE, {"email": email, "source": "/"})
        page = client.get(response["Location"])
        answers.append(
            (
                response.status_code,
                response["Location"],
                response.content,
                page.status_code,
                # The page's forms carry a CSRF token, different at each rendering.
                re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html(page)),
            )
        )

    assert all(answer == answers[0] for answer in answers)
    assert Subscriber.objects.count() == 4  # no duplicate
    assert OutgoingEmail.objects.count() == 4  # each address got its own message


def test_subscribing_twice_keeps_one_row_and_sends_again(client):
    client.post(SUBSCRIBE, {"email": "camille@example.org"})
    client.post(SUBSCRIBE, {"email": " CAMILLE@example.org "})

    assert Subscriber.objects.count() == 1
    assert OutgoingEmail.objects.filter(to="camille@example.org").count() == 2


@pytest.mark.parametrize("email", ["camille", "camille@", "camille@exemple", "a b@c.be", ""])
def test_a_malformed_address_gets_a_clear_message_and_keeps_what_was_typed(client, email):
    province = ProvinceFactory()

    response = client.post(
        SUBSCRIBE, {"email": email, "provinces": [province.pk], "source": "/projets/"}
    )

    assert response.status_code == HTTPStatus.OK
    page = html(response)
    expected = "n'est pas valide" if email else "Indiquez l'adresse e-mail"
    assert expected in page
    if email:
        assert f'value="{email}"' in page
    assert f'value="{province.pk}" id="id_provinces_0" checked' in page
    assert 'name="source" value="/projets/"' in page
    assert not Subscriber.objects.exists()
    assert not OutgoingEmail.objects.exists()


# --- Rate limits -----------------------------------------------------------------------------


def test_a_flood_from_one_address_is_stopped_with_the_form_kept(client):
    for n in range(5):
        response = client.post(SUBSCRIBE, {"email": f"personne{n}@example.org"})
        assert response.status_code == HTTPStatus.FOUND

    response = client.post(SUBSCRIBE, {"email": "sixieme@example.org", "source": "/projets/"})

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    page = html(response)
    assert "Trop de demandes d'inscription en peu de temps" in page
    assert "Réessayez dans quelques minutes" in page
    assert 'value="sixieme@example.org"' in page
    assert not Subscriber.objects.filter(email="sixieme@example.org").exists()
    assert not OutgoingEmail.objects.filter(to="sixieme@example.org").exists()
    # Another sender is not held back.
    other = Client(REMOTE_ADDR="10.9.9.9")
    assert other.post(SUBSCRIBE, {"email": "autre@example.org"}).status_code == HTTPStatus.FOUND


def test_invalid_attempts_count_in_the_flood_too(client):
    for _ in range(5):
        client.post(SUBSCRIBE, {"email": "pas-une-adresse"})

    response = client.post(SUBSCRIBE, {"email": "camille@example.org"})

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert not Subscriber.objects.exists()


def test_one_mailbox_cannot_be_bombed_from_many_addresses():
    for n in range(3):
        response = Client(REMOTE_ADDR=f"10.0.1.{n}").post(SUBSCRIBE, {"email": "cible@example.org"})
        assert response.status_code == HTTPStatus.FOUND

    response = Client(REMOTE_ADDR="10.0.1.99").post(SUBSCRIBE, {"email": "Cible@example.org"})

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert OutgoingEmail.objects.filter(to="cible@example.org").count() == 3


def test_behind_our_proxy_each_visitor_has_a_counter_of_their_own(settings):
    """With one trusted proxy, the address it appends to X-Forwarded-For is the visitor's;
    what the visitor wrote before it is not trusted."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for n in range(5):
        flooder = Client(**proxy, HTTP_X_FORWARDED_FOR=f"6.6.6.{n}, 203.0.113.7")
        assert (
            flooder.post(SUBSCRIBE, {"email": f"spam{n}@example.org"}).status_code
            == HTTPStatus.FOUND
        )

    flooder = Client(**proxy, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert (
        flooder.post(SUBSCRIBE, {"email": "spam@example.org"}).status_code
        == HTTPStatus.TOO_MANY_REQUESTS
    )
    visitor = Client(**proxy, HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert visitor.post(SUBSCRIBE, {"email": "camille@example.org"}).status_code == HTTPStatus.FOUND


# --- Confirmation ----------------------------------------------------------------------------


def confirm_url(subscriber):
    return reverse("newsletter:confirm", kwargs={"key": subscriber.confirmation_key})


def test_getting_the_confirmation_link_shows_a_button_and_confirms_nothing(client):
    subscriber = SubscriberFactory(pending=True)

    response = client.get(confirm_url(subscriber))

    assert response.status_code == HTTPStatus.OK
    page = html(response)
    assert "Confirmer mon inscription</button>" in page
    assert 'method="post"' in page
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING


def test_the_button_confirms_and_leads_to_the_preferences(client):
    subscriber = SubscriberFactory(pending=True, consent_source="Pied de page – /projets/")

    response = client.post(confirm_url(subscriber), follow=True)

    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.consent_at is not None
    assert subscriber.consent_source == "Pied de page – /projets/"
    assert response.redirect_chain == [(subscriber.get_preferences_url(), HTTPStatus.FOUND)]
    assert "Votre inscription est confirmée" in html(response)


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_wrong_key_shows_a_kind_page_and_changes_nothing(client, method):
    subscriber = SubscriberFactory(pending=True)
    before = snapshot(subscriber)

    response = getattr(client, method)(reverse("newsletter:confirm", kwargs={"key": "faux"}))

    assert response.status_code == HTTPStatus.NOT_FOUND
    page = html(response)
    assert "Ce lien ne fonctionne pas" in page
    assert "Rien n'a été modifié" in page
    assert f'href="{SUBSCRIBE}"' in page
    assert snapshot(subscriber) == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_expired_key_says_so_and_changes_nothing(client, method):
    sent = timezone.now() - datetime.timedelta(days=CONFIRMATION_DAYS + 1)
    subscriber = SubscriberFactory(pending=True, confirmation_sent_at=sent)
    before = snapshot(subscriber)

    response = getattr(client, method)(confirm_url(subscriber))

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "a expiré" in html(response)
    assert snapshot(subscriber) == before


def test_a_used_key_shows_the_kind_page(client):
    subscriber = SubscriberFactory(pending=True)
    url = confirm_url(subscriber)
    client.post(url)
    before = snapshot(subscriber)

    response = client.post(url)

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Ce lien ne fonctionne pas" in html(response)
    assert snapshot(subscriber) == before


# --- Unsubscribe -----------------------------------------------------------------------------


def test_the_link_shows_a_button_and_changes_nothing(client):
    """Mail providers' link scanners open every link of a message: a GET must not unsubscribe."""
    subscriber = SubscriberFactory(email="camille@example.org")
    before = snapshot(subscriber)

    response = client.get(subscriber.get_unsubscribe_url())

    assert response.status_code == HTTPStatus.OK
    assert snapshot(subscriber) == before
    page = html(response)
    assert "<h1>Se désinscrire de la lettre d'information</h1>" in page
    assert "camille@example.org ne recevra plus la lettre" in page
    assert f'<form method="post" action="{subscriber.get_unsubscribe_url()}">' in page
    assert '<input type="hidden" name="confirmer" value="1">' in page
    assert "Me désinscrire</button>" in page
    assert f'href="{subscriber.get_preferences_url()}"' in page
    assert "newsletter-footer" not in page  # no footer form carrying the token in its source


def test_the_button_unsubscribes_and_offers_to_come_back(client):
    subscriber = SubscriberFactory(email="camille@example.org")

    response = client.post(subscriber.get_unsubscribe_url(), {"confirmer": "1"}, follow=True)

    assert response.redirect_chain == [(subscriber.get_unsubscribe_url(), HTTPStatus.FOUND)]
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert subscriber.unsubscribed_at is not None
    page = html(response)
    assert "camille@example.org ne recevra plus la lettre" in page
    resubscribe = reverse("newsletter:resubscribe", kwargs={"token": subscriber.token})
    assert f'action="{resubscribe}"' in page
    assert "Me réinscrire</button>" in page
    assert f'href="{subscriber.get_preferences_url()}"' in page
    assert "newsletter-footer" not in page


def test_the_button_with_an_unknown_token_shows_the_kind_404(client):
    response = client.post(
        reverse("newsletter:unsubscribe", kwargs={"token": "inconnu"}), {"confirmer": "1"}
    )

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Ce lien ne fonctionne pas" in html(response)


def test_the_link_of_an_unsubscribed_address_changes_nothing(client):
    subscriber = SubscriberFactory(unsubscribed=True)
    Subscriber.objects.filter(pk=subscriber.pk).update(
        unsubscribed_at=timezone.now() - datetime.timedelta(days=30)
    )
    before = snapshot(subscriber)

    response = client.get(subscriber.get_unsubscribe_url())

    assert response.status_code == HTTPStatus.OK
    assert "ne recevra plus la lettre" in html(response)
    assert snapshot(subscriber) == before


def test_an_unknown_unsubscribe_token_shows_a_kind_404_and_changes_nothing(client):
    subscriber = SubscriberFactory()
    before = snapshot(subscriber)

    response = client.get(reverse("newsletter:unsubscribe", kwargs={"token": "inconnu"}))

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Ce lien ne fonctionne pas" in html(response)
    assert snapshot(subscriber) == before


def test_one_click_post_from_a_mail_provider_without_csrf_unsubscribes():
    subscriber = SubscriberFactory()
    provider = Client(enforce_csrf_checks=True)

    response = provider.post(subscriber.get_unsubscribe_url(), {"List-Unsubscribe": "One-Click"})

    assert response.status_code == HTTPStatus.OK
    assert response.content.decode() == "Désinscription enregistrée."
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


def test_a_post_without_the_one_click_body_changes_nothing():
    subscriber = SubscriberFactory()
    before = snapshot(subscriber)

    response = Client(enforce_csrf_checks=True).post(subscriber.get_unsubscribe_url(), {})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert snapshot(subscriber) == before


def test_a_one_click_post_with_an_unknown_token_is_a_404():
    subscriber = SubscriberFactory()
    before = snapshot(subscriber)

    response = Client(enforce_csrf_checks=True).post(
        reverse("newsletter:unsubscribe", kwargs={"token": "inconnu"}),
        {"List-Unsubscribe": "One-Click"},
    )

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert snapshot(subscriber) == before


def test_a_link_checker_probing_with_head_unsubscribes_nobody(client):
    subscriber = SubscriberFactory()

    assert client.head(subscriber.get_unsubscribe_url()).status_code == HTTPStatus.OK
    unknown = reverse("newsletter:unsubscribe", kwargs={"token": "inconnu"})
    assert client.head(unknown).status_code == HTTPStatus.NOT_FOUND
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED


# --- Resubscribe -----------------------------------------------------------------------------


def test_the_button_resubscribes_at_once(client):
    subscriber = SubscriberFactory(unsubscribed=True)
    url = reverse("newsletter:resubscribe", kwargs={"token": subscriber.token})

    response = client.post(url, follow=True)

    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.consent_at is not None
    assert subscriber.consent_source == "Réinscription depuis la page de désinscription"
    assert response.redirect_chain == [(subscriber.get_preferences_url(), HTTPStatus.FOUND)]
    assert "Vous êtes à nouveau inscrit·e" in html(response)


def test_resubscribing_from_the_preferences_says_so(client):
    subscriber = SubscriberFactory(unsubscribed=True)
    url = reverse("newsletter:resubscribe", kwargs={"token": subscriber.token})

    client.post(url, {"depuis": "preferences"})

    subscriber.refresh_from_db()
    assert subscriber.consent_source == "Réinscription depuis la page des préférences"


def test_resubscribe_needs_a_post_and_a_known_token(client):
    subscriber = SubscriberFactory(unsubscribed=True)
    before = snapshot(subscriber)
    url = reverse("newsletter:resubscribe", kwargs={"token": subscriber.token})

    assert client.get(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    unknown = reverse("newsletter:resubscribe", kwargs={"token": "inconnu"})
    assert client.post(unknown).status_code == HTTPStatus.NOT_FOUND
    assert snapshot(subscriber) == before


def test_resubscribe_is_protected_from_forged_posts():
    subscriber = SubscriberFactory(unsubscribed=True)
    url = reverse("newsletter:resubscribe", kwargs={"token": subscriber.token})

    response = Client(enforce_csrf_checks=True).post(url)

    assert response.status_code == HTTPStatus.FORBIDDEN
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


# --- Preferences -----------------------------------------------------------------------------


def test_preferences_show_the_status_and_the_interests_checked(client):
    province, other = ProvinceFactory(), ProvinceFactory()
    subscriber = SubscriberFactory(provinces=[province])

    page = html(client.get(subscriber.get_preferences_url()))

    assert "Inscrit·e" in page
    assert f'value="{province.pk}" id="id_provinces_0" checked' in page
    assert f'value="{other.pk}" id="id_provinces_1">' in page
    assert f'href="{subscriber.get_unsubscribe_url()}"' in page
    assert "newsletter-footer" not in page


def test_preferences_of_an_unsubscribed_address_offer_to_come_back(client):
    subscriber = SubscriberFactory(unsubscribed=True)

    page = html(client.get(subscriber.get_preferences_url()))

    resubscribe = reverse("newsletter:resubscribe", kwargs={"token": subscriber.token})
    assert f'action="{resubscribe}"' in page
    assert "Me réinscrire</button>" in page


def test_preferences_are_saved(client):
    province = ProvinceFactory()
    chantier = ChantierFactory()
    subscriber = SubscriberFactory(provinces=[ProvinceFactory()])

    response = client.post(
        subscriber.get_preferences_url(),
        {"provinces": [province.pk], "chantiers": [chantier.pk]},
        follow=True,
    )

    assert "Vos centres d'intérêt sont enregistrés" in html(response)
    assert list(subscriber.provinces.all()) == [province]
    assert list(subscriber.chantiers.all()) == [chantier]
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED


def test_preferences_refuse_a_choice_that_does_not_exist(client):
    subscriber = SubscriberFactory(provinces=[ProvinceFactory()])
    before = snapshot(subscriber)

    response = client.post(subscriber.get_preferences_url(), {"provinces": ["999999"]})

    assert response.status_code == HTTPStatus.OK
    assert "errorlist" in html(response)
    assert snapshot(subscriber) == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_preferences_of_an_unknown_token_are_a_kind_404(client, method):
    response = getattr(client, method)(
        reverse("newsletter:preferences", kwargs={"token": "inconnu"})
    )

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Ce lien ne fonctionne pas" in html(response)


# --- Query counts ----------------------------------------------------------------------------


def grow_choices(n):
    for _ in range(n):
        ProvinceFactory()
        ChantierFactory()
        ChantierFactory(status="candidate")


def test_the_subscription_page_costs_the_same_with_more_choices(client):
    assert_constant_queries(client, SUBSCRIBE, grow_choices)


def test_the_preferences_page_costs_the_same_with_more_interests(client):
    subscriber = SubscriberFactory()

    def grow(n):
        grow_choices(n)
        subscriber.provinces.add(ProvinceFactory())
        subscriber.chantiers.add(*[ChantierFactory() for _ in range(n)])

    assert_constant_queries(client, subscriber.get_preferences_url(), grow)


def test_the_unsubscribe_page_costs_the_same_with_more_interests(client):
    subscriber = SubscriberFactory()

    def grow(n):
        subscriber.provinces.add(*[ProvinceFactory() for _ in range(n)])

    assert_constant_queries(client, subscriber.get_unsubscribe_url(), grow)
