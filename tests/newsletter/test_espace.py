"""The newsletter in "Mon espace": status and interests, subscribe and leave in one click."""

from html import unescape
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from newsletter.models import Subscriber
from portal.models import OutgoingEmail
from tests.chantiers.factories import ChantierFactory
from tests.newsletter.factories import SubscriberFactory
from tests.portal.factories import UserFactory
from tests.querycount import assert_constant_queries
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("espace_newsletter:home")
SUBSCRIBE = reverse("espace_newsletter:subscribe")
UNSUBSCRIBE = reverse("espace_newsletter:unsubscribe")


def member(email="membre@example.org", *, verified=True):
    user = UserFactory(email=email)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


def html(response):
    return unescape(response.content.decode())


@pytest.mark.parametrize("url", [PAGE, SUBSCRIBE, UNSUBSCRIBE])
def test_anonymous_is_sent_to_sign_in(client, url):
    response = client.get(url) if url == PAGE else client.post(url)

    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("account_login"))
    assert not Subscriber.objects.exists()


def test_the_dashboard_links_to_the_page(client):
    client.force_login(member())

    assert f'href="{PAGE}"' in html(client.get(reverse("espace:home")))


def test_a_member_not_subscribed_sees_the_button(client):
    client.force_login(member())

    response = client.get(PAGE)

    assert response.status_code == HTTPStatus.OK
    page = html(response)
    assert "<title>Ma lettre d'information · Chantiers communs</title>" in page
    assert "Vous n'êtes pas inscrit·e" in page
    assert f'action="{SUBSCRIBE}"' in page
    assert "M'inscrire</button>" in page


def test_one_click_subscribes_the_member_with_their_verified_address(client):
    user = member()
    client.force_login(user)

    response = client.post(SUBSCRIBE, follow=True)

    subscriber = Subscriber.objects.get()
    assert subscriber.user == user
    assert subscriber.email == "membre@example.org"
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.consent_source == "Mon espace"
    assert not OutgoingEmail.objects.exists()
    page = html(response)
    assert "Vous êtes inscrit·e à la lettre d'information" in page
    assert f'action="{UNSUBSCRIBE}"' in page
    assert f'href="{subscriber.get_preferences_url()}"' in page


def test_a_member_with_an_unverified_address_is_told_why(client):
    client.force_login(member(verified=False))

    page = html(client.get(PAGE))
    assert "n'est pas encore vérifiée" in page
    assert f'action="{SUBSCRIBE}"' not in page

    response = client.post(SUBSCRIBE, follow=True)  # a forged POST
    assert "n'est pas encore vérifiée" in html(response)
    assert not Subscriber.objects.exists()


def test_the_page_shows_status_and_interests_of_the_address(client):
    province = ProvinceFactory(name="Luxembourg")
    chantier = ChantierFactory(title="Légumerie")
    SubscriberFactory(email="membre@example.org", provinces=[province], chantiers=[chantier])
    client.force_login(member())

    page = html(client.get(PAGE))

    assert "Inscrit·e" in page
    assert "Luxembourg" in page
    assert "Légumerie" in page
    assert f'action="{UNSUBSCRIBE}"' in page


def test_a_member_with_a_pending_subscription_confirms_it_in_one_click(client):
    existing = SubscriberFactory(email="membre@example.org", pending=True)
    user = member()
    client.force_login(user)

    client.post(SUBSCRIBE)

    assert Subscriber.objects.count() == 1
    existing.refresh_from_db()
    assert existing.status == Subscriber.Status.CONFIRMED
    assert existing.user == user


def test_one_click_unsubscribes_the_member(client):
    user = member()
    subscriber = SubscriberFactory(email="membre@example.org", user=user)
    client.force_login(user)

    response = client.post(UNSUBSCRIBE, follow=True)

    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert "Vous ne recevrez plus la lettre" in html(response)


def test_a_member_never_touches_another_address(client):
    other = SubscriberFactory(email="autre@example.org")
    client.force_login(member())

    client.post(UNSUBSCRIBE)

    other.refresh_from_db()
    assert other.status == Subscriber.Status.CONFIRMED
    assert other.user is None


def test_the_forms_need_a_csrf_token():
    client = Client(enforce_csrf_checks=True)
    client.force_login(member())

    assert client.post(SUBSCRIBE).status_code == HTTPStatus.FORBIDDEN
    assert not Subscriber.objects.exists()


def test_the_page_costs_the_same_with_more_interests(client):
    user = member()
    subscriber = SubscriberFactory(email="membre@example.org", user=user)
    client.force_login(user)

    def grow(n):
        subscriber.provinces.add(*[ProvinceFactory() for _ in range(n)])
        subscriber.chantiers.add(*[ChantierFactory() for _ in range(n)])

    assert_constant_queries(client, PAGE, grow)
