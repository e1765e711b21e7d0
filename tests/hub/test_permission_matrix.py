"""Every role against every action of the accounts issue, with the outcome each pair expects.

Roles: anonymous, leader of project A, leader of project B, officer of Liège, officer of
Namur, staff. "ok" means the action is done (or its page shown); "login" a redirect to the
sign-in page; "404" that the thing does not exist for this person, and nothing changed.
"""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from portal.roles import staff_group_ensure
from projets.models import JoinRequest, Membership
from tests.events.factories import EventFactory
from tests.portal.factories import UserFactory
from tests.projets.factories import JoinRequestFactory, MembershipFactory, ProjectFactory
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "leader_a", "leader_b", "officer_liege", "officer_namur", "staff"]

# action → outcome per role, in the order of ROLES.
MATRIX = {
    "view_project_a": ["ok", "ok", "ok", "ok", "ok", "ok"],
    "edit_project_a": ["login", "ok", "404", "404", "404", "ok"],
    "approve_join_request_a": ["login", "ok", "404", "404", "404", "ok"],
    "view_draft_liege": ["404", "404", "404", "ok", "404", "ok"],
    "edit_event_liege": ["login", "404", "404", "ok", "404", "ok"],
    "publish_event_liege": ["login", "404", "404", "ok", "404", "ok"],
    "cancel_event_liege": ["login", "404", "404", "ok", "404", "ok"],
    "create_event": ["login", "404", "404", "ok", "ok", "ok"],
    "admin": ["login", "login", "login", "login", "login", "ok"],
}


@pytest.fixture
def world():
    liege = ProvinceFactory(name="Liège", slug="liege")
    namur = ProvinceFactory(name="Namur", slug="namur")
    project_a = ProjectFactory(name="Projet A", slug="projet-a", province=liege)
    project_b = ProjectFactory(name="Projet B", slug="projet-b", province=namur)
    users = {
        "anonymous": None,
        "leader_a": MembershipFactory(project=project_a).user,
        "leader_b": MembershipFactory(project=project_b).user,
        "officer_liege": UserFactory(),
        "officer_namur": UserFactory(),
        "staff": UserFactory(is_staff=True),
    }
    liege.officers.add(users["officer_liege"])
    namur.officers.add(users["officer_namur"])
    users["staff"].groups.add(staff_group_ensure())
    soon = timezone.now() + datetime.timedelta(days=20)
    return {
        "users": users,
        "project_a": project_a,
        "join_request": JoinRequestFactory(project=project_a),
        "draft_liege": EventFactory(province=liege, status=Event.Status.DRAFT, start=soon),
        "published_liege": EventFactory(province=liege, start=soon),
    }


def run(action, client, world):
    """Do the action; return the response and whether its effect took place."""
    project, join_request = world["project_a"], world["join_request"]
    draft, published = world["draft_liege"], world["published_liege"]
    if action == "view_project_a":
        return client.get(project.get_absolute_url()), None
    if action == "edit_project_a":
        url = reverse("espace_projets:project_edit", kwargs={"slug": project.slug})
        return client.get(url), None
    if action == "approve_join_request_a":
        url = reverse("espace_projets:join_request_approve", kwargs={"pk": join_request.pk})
        response = client.post(url)
        join_request.refresh_from_db()
        done = join_request.status == JoinRequest.Status.APPROVED
        assert done == Membership.objects.filter(user=join_request.user, project=project).exists()
        return response, done
    if action == "view_draft_liege":
        return client.get(draft.get_absolute_url()), None
    if action == "edit_event_liege":
        return client.get(reverse("espace_events:event_edit", kwargs={"slug": draft.slug})), None
    if action == "publish_event_liege":
        response = client.post(reverse("espace_events:event_publish", kwargs={"slug": draft.slug}))
        draft.refresh_from_db()
        return response, draft.status == Event.Status.PUBLISHED
    if action == "cancel_event_liege":
        url = reverse("espace_events:event_cancel", kwargs={"slug": published.slug})
        response = client.post(url)
        published.refresh_from_db()
        return response, published.status == Event.Status.CANCELLED
    if action == "create_event":
        return client.get(reverse("espace_events:event_create")), None
    if action == "admin":
        return client.get(reverse("admin:index")), None
    raise AssertionError(action)


def outcome(response):
    if response.status_code == HTTPStatus.NOT_FOUND:
        return "404"
    # The admin sends to its own login page, which hands over to the site's sign-in page.
    login_pages = (reverse("account_login"), reverse("admin:login"))
    if response.status_code == HTTPStatus.FOUND and response["Location"].startswith(login_pages):
        return "login"
    if response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND):
        return "ok"
    return str(response.status_code)


@pytest.mark.parametrize("action", MATRIX)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, world, role, action):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)

    response, effect = run(action, client, world)

    expected = MATRIX[action][ROLES.index(role)]
    assert outcome(response) == expected, (role, action, response.status_code)
    if effect is not None:
        assert effect == (expected == "ok"), f"{role} {action}: effect {effect}"
