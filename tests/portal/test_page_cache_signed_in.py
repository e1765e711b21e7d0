"""A signed-in visitor served the anonymous visitors' page with their own header
(``anonymous_page(..., signed_in=True)``): for every view so declared, and for each kind of
person, the page served equals the page built for them; a page that says it is personal
(a piste's) is built for them; a signed-in visitor never stores an entry."""

import re
from http import HTTPStatus

import pytest
from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve, reverse

from chantiers.models import Chantier
from portal import page_cache
from tests.chantiers.factories import (
    ChantierFactory,
    NewsFactory,
    ParticipationFactory,
    PartnershipFactory,
    ResourceFactory,
    StepFactory,
)
from tests.events.factories import EventFactory
from tests.expertises.factories import FacilitatorFactory
from tests.newsletter.factories import IssueFactory
from tests.portal.factories import UserFactory
from tests.projets.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db

HEADER = page_cache.HEADER
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[A-Za-z0-9]{64}"')


def declared(patterns=None, namespace=""):
    """The names of the URL patterns whose view is declared the same for signed-in visitors."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from declared(pattern.url_patterns, inner)
        elif getattr(pattern.callback, "page_cache_signed_in", False):
            yield f"{namespace}{pattern.name}"


@pytest.fixture
def pages(liege):
    """A page of every declared view, with rows in each of its lists."""
    chantier = ChantierFactory(title="Marchés publics", slug="marches-publics")
    StepFactory(chantier=chantier)
    ResourceFactory(chantier=chantier)
    PartnershipFactory(chantier=chantier)
    project = ProjectFactory(province=liege)
    ParticipationFactory(chantier=chantier, project=project)
    ChantierFactory(status=Chantier.Status.CANDIDATE)
    EventFactory(province=liege, chantier=chantier)
    news = NewsFactory(chantier=chantier)
    facilitator = FacilitatorFactory(provinces=[liege])
    issue = IssueFactory(sent=True)
    return {
        "home": "/",
        "chantiers:chantier_list": reverse("chantiers:chantier_list"),
        "chantiers:candidate_list": reverse("chantiers:candidate_list"),
        "chantiers:timeline": reverse("chantiers:timeline"),
        "chantiers:chantier_detail": chantier.get_absolute_url(),
        "projets:project_list": reverse("projets:project_list"),
        "territoires:province_list": reverse("territoires:province_list"),
        "events:event_list": reverse("events:event_list"),
        "news:news_list": reverse("news:news_list"),
        "news:news_detail": news.get_absolute_url(),
        "expertises:facilitator_list": reverse("expertises:facilitator_list"),
        "expertises:facilitator_detail": facilitator.get_absolute_url(),
        "maps:map": reverse("maps:map"),
        "newsletter:issue_list": reverse("newsletter:issue_list"),
        "newsletter:issue_detail": reverse("newsletter:issue_detail", args=[issue.slug]),
    }


@pytest.fixture
def people(liege, officer, staff):
    leader = UserFactory(first_name="Léa", last_name="Porteuse")
    MembershipFactory(user=leader, project=ProjectFactory(province=liege))
    return {
        "a person": UserFactory(),
        "a project leader": leader,
        "an officer": officer,
        "staff": staff,
        "a superuser": UserFactory(is_staff=True, is_superuser=True),
    }


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def stored(url: str, **extra) -> None:
    """A new content version, and the page stored by an anonymous visitor."""
    page_cache.version_bump()
    response = Client().get(url, **extra)
    assert response.status_code == HTTPStatus.OK, url
    assert response[HEADER] == "miss", url


def served(client: Client, url: str, **extra):
    """The signed-in visitor's page from the entry: their header rendered once by this process
    first, if it never was (a page is then built for them)."""
    response = client.get(url, **extra)
    if response.get(HEADER) != "hit":
        response = client.get(url, **extra)
    assert response.status_code == HTTPStatus.OK, url
    return response


def built(client: Client, url: str, **extra):
    """The page built for the signed-in visitor: the entry is stale after a new version."""
    page_cache.version_bump()
    response = client.get(url, **extra)
    assert response.status_code == HTTPStatus.OK, url
    assert HEADER not in response, url
    return response


def same(one, other) -> bool:
    """The same bytes but for the masked CSRF tokens (drawn afresh at each response), and the
    same headers but for ``X-Page-Cache``."""
    headers = [
        {name: value for name, value in r.headers.items() if name != HEADER} for r in (one, other)
    ]
    tokens = [TOKEN.sub(b"TOKEN", r.content) for r in (one, other)]
    return tokens[0] == tokens[1] and headers[0] == headers[1]


def test_every_declared_view_is_checked_here(pages):
    assert set(declared()) == set(pages)


def test_each_declared_page_is_the_one_built_for_each_kind_of_person(pages, people):
    for who, person in people.items():
        client = signed_in(person)
        for name, url in pages.items():
            stored(url)
            hit = served(client, url)
            assert hit[HEADER] == "hit", (who, name)
            assert b"Se d\xc3\xa9connecter" in hit.content, (who, name)
            assert same(hit, built(client, url)), (who, name)


def test_in_english_too(pages, people):
    client = signed_in(people["a project leader"])
    client.cookies["django_language"] = "en"
    for name in ("home", "chantiers:chantier_detail", "projets:project_list"):
        url = pages[name]
        stored(url, HTTP_COOKIE="django_language=en")
        hit = served(client, url)
        assert hit[HEADER] == "hit" and hit["Content-Language"] == "en", name
        assert b"Sign out" in hit.content or b"Se d" not in hit.content, name
        assert same(hit, built(client, url)), name


def test_the_sign_out_form_holds_this_visitors_token(pages, people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["a person"])
    client.get(pages["home"])  # the CSRF cookie, as the sign-in page sets it
    stored(pages["home"])
    hit = served(client, pages["home"])
    [token] = re.findall(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"', hit.content)
    response = client.post(reverse("account_logout"), {"csrfmiddlewaretoken": token.decode()})
    assert response.status_code == HTTPStatus.FOUND
    assert "_auth_user_id" not in client.session


def test_a_piste_says_it_is_personal_and_is_built_for_each_visitor(pages, people):
    piste = Chantier.objects.get(status=Chantier.Status.CANDIDATE)
    url = piste.get_absolute_url()
    stored(url)
    assert b"Connectez-vous pour d\xc3\xa9clarer" in Client().get(url).content
    client = signed_in(people["a person"])
    for _ in range(2):
        response = client.get(url)
        assert HEADER not in response
        assert "Trouver mon projet" in response.content.decode()


def test_a_signed_in_visitor_never_stores_an_entry(pages, people):
    client = signed_in(people["staff"])
    for url in pages.values():
        page_cache.version_bump()
        assert HEADER not in client.get(url)
        assert Client().get(url)[HEADER] == "miss", url


def test_messages_waiting_make_the_page_built_for_the_visitor(pages, people, rf):
    stored(pages["home"])
    served(signed_in(people["a person"]), pages["home"])
    request = rf.get(pages["home"])
    request.user = people["a person"]
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    messages.success(request, "Votre inscription est confirmée.")
    response = resolve(pages["home"]).func(request)
    response.render()
    assert HEADER not in response
    assert "Votre inscription est confirmée." in response.content.decode()


def test_without_the_shared_store_the_page_is_built(pages, people, monkeypatch):
    client = signed_in(people["a person"])
    stored(pages["home"])
    served(client, pages["home"])
    # Redis unreachable (portal.cache.shared_call answers for the shared store alone).
    monkeypatch.setattr(cache, "shared", lambda *args, **kwargs: (False, None), raising=False)
    response = client.get(pages["home"])
    assert response.status_code == HTTPStatus.OK
    assert HEADER not in response
    assert "Se déconnecter" in response.content.decode()
