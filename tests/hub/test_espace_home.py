"""The "Mon espace" dashboard: what each role sees there, and its query count."""

import re
from http import HTTPStatus

import pytest
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hub.views_espace import MY_PROJECTS_SHOWN
from portal import page_cache
from portal.accounts import user_email_change
from portal.models import User
from portal.roles import staff_group_ensure, user_staff_grant
from projets.models import JoinRequest, Project
from projets.services import join_request_approve, join_request_create, membership_add
from territoires.services import province_officer_add
from tests.portal.factories import UserFactory
from tests.projets.factories import JoinRequestFactory, MembershipFactory, ProjectFactory
from tests.querycount import assert_constant_queries
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db

HOME = reverse("espace:home")


def test_login_redirect_url_is_the_dashboard(settings):
    assert reverse(settings.LOGIN_REDIRECT_URL) == HOME == "/espace/"


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(HOME)

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == f"{reverse('account_login')}?next={HOME}"


def test_a_person_without_roles(client):
    client.force_login(UserFactory(email="nouvelle@example.org"))

    response = client.get(HOME)

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "<title>Mon espace · Chantiers communs</title>" in html
    assert html.count("<h1") == 1
    assert 'aria-label="Fil d\'Ariane"' in html
    assert "nouvelle@example.org" in html
    assert "Vous ne portez encore aucun projet." in html
    assert "Aucune demande n'attend votre réponse." in html
    assert "Vous n'avez demandé à rejoindre aucun projet." in html
    assert "Vous n'avez pas encore de rôle." in html
    assert "Mes provinces" not in html
    assert reverse("account_email") in html
    assert reverse("account_change_password") in html


def test_a_leader_sees_their_projects_requests_and_roles(client):
    leader = UserFactory()
    project = ProjectFactory(name="Ceinture alimentaire", slug="ceinture")
    withdrawn = ProjectFactory(name="Ancien projet", slug="ancien", status=Project.Status.WITHDRAWN)
    MembershipFactory(project=project, user=leader)
    MembershipFactory(project=withdrawn, user=leader)
    ProjectFactory(name="Projet d'un·e autre")
    JoinRequestFactory.create_batch(2, project=project)
    JoinRequestFactory(project=project, status=JoinRequest.Status.APPROVED)
    JoinRequestFactory(user=leader, project=ProjectFactory(name="Halle relais"))
    client.force_login(leader)

    response = client.get(HOME)

    html = response.content.decode()
    assert [p.name for p in response.context["projects"]] == [
        "Ancien projet",
        "Ceinture alimentaire",
    ]
    assert 'href="/projets/ceinture/"' in html
    assert 'href="/espace/projets/ceinture/modifier/"' in html
    assert 'href="/projets/ancien/"' not in html  # a withdrawn project has no public page
    assert 'href="/espace/projets/ancien/modifier/"' in html
    assert "Projet d'un·e autre" not in html
    assert response.context["pending_count"] == 2
    assert "2 demandes pour rejoindre vos projets attendent votre réponse." in html
    assert f'href="{reverse("espace_projets:join_requests")}"' in html
    assert "Halle relais" in html and "En attente" in html
    assert "Porteur·euse du projet « Ceinture alimentaire »" in html
    assert "Membre de la Cellule Manger Demain" not in html


def test_an_officer_sees_their_provinces_and_the_events_link(client):
    officer = UserFactory()
    liege = ProvinceFactory(name="Liège", slug="liege")
    liege.officers.add(officer)
    ProvinceFactory(name="Namur", slug="namur")
    client.force_login(officer)

    response = client.get(HOME)

    html = response.content.decode()
    assert "Mes provinces" in html
    assert "Chargé·e de mission territoriale : Liège" in html
    assert "Namur" not in html
    assert 'href="/espace/evenements/"' in html


def test_staff_see_their_role_and_the_admin(client):
    staff = UserFactory(is_staff=True)
    staff.groups.add(staff_group_ensure())
    JoinRequestFactory()  # a project without leaders: staff decide
    client.force_login(staff)

    response = client.get(HOME)

    html = response.content.decode()
    assert "Membre de la Cellule Manger Demain" in html
    assert reverse("admin:projets_project_changelist") in html
    assert response.context["pending_count"] == 1


def test_only_the_latest_requests_are_listed(client):
    person = UserFactory()
    JoinRequestFactory.create_batch(11, user=person)
    client.force_login(person)

    response = client.get(HOME)

    assert len(response.context["my_requests"]) == 10
    assert response.context["has_more_requests"] is True
    assert f"{reverse('espace_projets:join_requests')}#mes-demandes" in response.content.decode()


def test_dashboard_query_count(client):
    person = UserFactory()
    person.is_staff = True
    person.save()
    person.groups.add(staff_group_ensure())
    client.force_login(person)

    def grow(n):
        for _ in range(n):
            project = ProjectFactory()
            MembershipFactory(project=project, user=person)
            JoinRequestFactory(project=project)
            JoinRequestFactory(user=person)
            ProvinceFactory().officers.add(person)

    assert_constant_queries(client, HOME, grow)


def test_the_dashboard_stays_bounded_for_a_leader_of_many_projects(client, committed):
    leader = UserFactory()
    MembershipFactory(project=ProjectFactory(name="Projet numéro 0"), user=leader)
    client.force_login(leader)
    one = client.get(HOME).content
    with committed():
        for number in range(1, 100):
            MembershipFactory(project=ProjectFactory(name=f"Projet numéro {number}"), user=leader)

    many = client.get(HOME).content.decode()

    assert len(many) <= 1.5 * len(one)
    assert many.count('class="card__title"') == MY_PROJECTS_SHOWN
    assert f"Page 1 sur {100 // MY_PROJECTS_SHOWN}" in many
    last = client.get(HOME, {"projets": 100 // MY_PROJECTS_SHOWN}).content.decode()
    assert "Projet numéro 99" in last


# --- The body kept for its person (portal.personal_fragments) ------------------------------------


def test_a_return_to_the_dashboard_costs_only_the_session_with_the_user(client):
    leader = UserFactory()
    MembershipFactory(project=ProjectFactory(), user=leader)
    client.force_login(leader)
    client.get(HOME)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(HOME)

    assert response.status_code == HTTPStatus.OK
    # The session and the user, in one statement (portal.sessions).
    assert len(queries.captured_queries) == 1


def test_each_person_gets_their_own_dashboard():
    alice, bob = UserFactory(email="alice@example.org"), UserFactory(email="bob@example.org")
    MembershipFactory(project=ProjectFactory(name="Projet Alice"), user=alice)
    first, second = Client(), Client()
    first.force_login(alice)
    second.force_login(bob)

    first.get(HOME)
    html = second.get(HOME).content.decode()
    again = first.get(HOME).content.decode()

    assert "bob@example.org" in html
    assert "alice@example.org" not in html
    assert "Projet Alice" not in html
    assert "alice@example.org" in again
    assert "Projet Alice" in again


def test_every_write_shows_on_the_next_visit(client, committed):
    person = UserFactory(email="personne@example.org")
    boss = UserFactory(is_superuser=True, is_staff=True)
    project = ProjectFactory(name="Ceinture alimentaire", slug="ceinture")
    theirs = ProjectFactory(name="Potager partagé")
    province = ProvinceFactory(name="Luxembourg")
    client.force_login(person)

    def page() -> str:
        return client.get(HOME).content.decode()

    assert "Vous ne portez encore aucun projet." in page()
    with committed():
        membership_add(by=boss, project=project, user=person)
    assert "Porteur·euse du projet « Ceinture alimentaire »" in page()

    with committed():
        join_request_create(user=UserFactory(), project=project, message="Bonjour")
    assert "1 demande pour rejoindre un de vos projets attend votre réponse." in page()

    with committed():
        mine = join_request_create(user=person, project=theirs, message="Bonjour")
    assert "Potager partagé" in page()
    with committed():
        MembershipFactory(project=theirs, user=boss)
        join_request_approve(by=boss, join_request=mine)
    assert 'badge--done">Acceptée' in page()

    with committed():
        province_officer_add(by=boss, province=province, user=person)
    assert "Chargé·e de mission territoriale : Luxembourg" in page()

    with committed():
        project.name = "Ceinture alimentaire liégeoise"
        project.save()
    assert "Porteur·euse du projet « Ceinture alimentaire liégeoise »" in page()

    with committed():
        user_email_change(by=boss, user=person, email="nouvelle@example.org")
    client.force_login(User.objects.get(pk=person.pk))
    assert "nouvelle@example.org" in page()

    with committed():
        user_staff_grant(by=boss, user=person)
    html = page()
    assert "Membre de la Cellule Manger Demain" in html
    assert reverse("espace_news:news_list") in html


def test_a_staff_member_s_permissions_change_the_kept_body(client):
    person = UserFactory()
    person.is_staff = True
    person.save()
    client.force_login(person)
    assert reverse("espace_dashboard:home") not in client.get(HOME).content.decode()

    person.groups.add(staff_group_ensure())  # no content version bump: auth's own tables

    assert reverse("espace_dashboard:home") in client.get(HOME).content.decode()


def test_messages_are_shown_once_and_never_kept(client):
    person = UserFactory()
    client.force_login(person)
    client.get(HOME)
    request = client.get(HOME).wsgi_request
    storage = CookieStorage(request)
    storage.add(messages.SUCCESS, "Votre fiche est enregistrée.")
    response = HttpResponse()
    storage.update(response)
    client.cookies.update(response.cookies)

    assert "Votre fiche est enregistrée." in client.get(HOME).content.decode()
    assert "Votre fiche est enregistrée." not in client.get(HOME).content.decode()


def test_an_unknown_page_number_is_answered_and_not_kept(client):
    leader = UserFactory()
    for number in range(6):
        MembershipFactory(project=ProjectFactory(name=f"Projet {number}"), user=leader)
    client.force_login(leader)

    far = client.get(HOME, {"projets": 999}).content.decode()
    garbage = client.get(HOME, {"projets": "x" * 300}).content.decode()

    assert "Page 2 sur 2" in far
    assert "Page 1 sur 2" in garbage
    with CaptureQueriesContext(connection) as queries:
        client.get(HOME, {"projets": 999})
    assert len(queries.captured_queries) > 2  # built again: nothing kept under 999


def test_nothing_is_kept_while_redis_is_down(client, monkeypatch):
    leader = UserFactory()
    client.force_login(leader)
    client.get(HOME)
    # Redis unreachable (portal.cache.shared_call): the cache would answer from this process's
    # memory, which the shared calls never read.
    monkeypatch.setattr(
        cache, "shared", lambda method, *args, **kwargs: (False, None), raising=False
    )

    with CaptureQueriesContext(connection) as queries:
        client.get(HOME)

    assert len(queries.captured_queries) > 2  # built again, not read from the cache


# --- The whole page kept, served with the person's header -----------------------------------

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


def kept_and_built(client: Client, url: str):
    """The page served from what was kept (after one building, and one rendering of the
    header by this process if it never did), then the page built afresh (a new version)."""
    client.get(url)
    kept = client.get(url)
    if kept.get(page_cache.HEADER) != "hit":
        kept = client.get(url)
    assert kept.status_code == HTTPStatus.OK and kept[page_cache.HEADER] == "hit", url
    page_cache.version_bump()
    built = client.get(url)
    assert built.status_code == HTTPStatus.OK and page_cache.HEADER not in built, url
    return kept, built


def same_but_tokens(one, other) -> bool:
    headers = [{k: v for k, v in r.headers.items() if k != page_cache.HEADER} for r in (one, other)]
    return (
        TOKEN.sub(b"TOKEN", one.content) == TOKEN.sub(b"TOKEN", other.content)
        and headers[0] == headers[1]
    )


def test_the_page_kept_is_the_page_built_for_each_kind_of_person(client, staff, officer):
    leader = UserFactory()
    for number in range(MY_PROJECTS_SHOWN + 1):
        MembershipFactory(project=ProjectFactory(name=f"Projet {number}"), user=leader)
    superuser = UserFactory(is_staff=True, is_superuser=True)
    visits = [
        (person, query)
        for person in (leader, staff, officer, superuser)
        for query in ("", "?projets=1")
    ]
    for person, query in [*visits, (leader, "?projets=2")]:
        client.force_login(person)
        kept, built = kept_and_built(client, HOME + query)
        assert same_but_tokens(kept, built), (person, query)
        assert f'name="next" value="{HOME + query}"'.encode() in kept.content


def test_the_token_served_is_drawn_for_the_response_and_signs_out(client):
    from portal.personal_fragments import _key

    person = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    first = client.get(HOME)
    stored = cache.get(_key(person.pk, "espace:home:page", [HOME, "1", person.email, False]))
    assert stored is not None and b"csrfmiddlewaretoken" not in stored[1]  # kept headerless
    kept = client.get(HOME)
    if kept.get(page_cache.HEADER) != "hit":
        kept = client.get(HOME)
    assert kept[page_cache.HEADER] == "hit"
    [token] = TOKEN.findall(kept.content)
    assert TOKEN.findall(first.content) != [token]  # not the one the page was kept with
    response = client.post(reverse("account_logout"), {"csrfmiddlewaretoken": token.decode()})
    assert response.status_code == HTTPStatus.FOUND
    assert "_auth_user_id" not in client.session


def test_a_page_kept_for_one_person_is_never_another_s(client):
    first, second = UserFactory(email="une@example.org"), UserFactory(email="autre@example.org")
    client.force_login(first)
    kept_and_built(client, HOME)
    other = Client()
    other.force_login(second)
    html = other.get(HOME).content.decode()
    assert "autre@example.org" in html and "une@example.org" not in html


def test_messages_waiting_are_shown_on_a_page_built_and_not_kept(client):
    person = UserFactory()
    client.force_login(person)
    kept_and_built(client, HOME)
    client.get(HOME)  # kept again under the new version
    storage = CookieStorage(HttpRequest())
    response = HttpResponse()
    storage.add(messages.SUCCESS, "Votre adresse est changée.")
    storage.update(response)
    client.cookies[CookieStorage.cookie_name] = response.cookies[CookieStorage.cookie_name].value
    page = client.get(HOME)
    assert page_cache.HEADER not in page
    assert "Votre adresse est changée." in page.content.decode()
    again = client.get(HOME)
    assert "Votre adresse est changée." not in again.content.decode()
