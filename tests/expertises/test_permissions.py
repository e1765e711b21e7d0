"""Who oversees a need: the one province policy (staff everywhere, officers in their provinces),
next to the leaders of the need's project."""

import pytest

from expertises.permissions import (
    can_see_need_board,
    can_see_need_matches,
    needs_answerable_by,
    needs_overseen_by,
)
from tests.expertises.factories import NeedFactory
from tests.portal.factories import UserFactory
from tests.projets.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def needs(liege, namur):
    leader = UserFactory(email="porteur@example.org")
    project = ProjectFactory(province=liege)
    MembershipFactory(project=project, user=leader)
    return {
        "leader": leader,
        "liege": NeedFactory(project=project, province=liege),
        "namur": NeedFactory(province=namur),
        "wallonia": NeedFactory(province=None),
    }


@pytest.fixture
def people(officer, namur_officer, staff, needs):
    from django.contrib.auth.models import AnonymousUser

    return {
        "anonymous": AnonymousUser(),
        "member": UserFactory(email="membre@example.org"),
        "leader": needs["leader"],
        "officer_liege": officer,
        "officer_namur": namur_officer,
        "staff": staff,
    }


# role → (overseen, answerable: the needs whose matches they see), by the needs' keys.
EXPECTED = {
    "anonymous": (set(), set()),
    "member": (set(), set()),
    "leader": (set(), {"liege"}),
    "officer_liege": ({"liege"}, {"liege"}),
    "officer_namur": ({"namur"}, {"namur"}),
    "staff": ({"liege", "namur", "wallonia"}, {"liege", "namur", "wallonia"}),
}


@pytest.mark.parametrize("role", EXPECTED)
def test_who_oversees_and_answers_which_need(people, needs, role):
    user = people[role]
    overseen, answerable = EXPECTED[role]
    names = {need.pk: name for name, need in needs.items() if name != "leader"}

    assert {names[n.pk] for n in needs_overseen_by(user)} == overseen
    assert {names[n.pk] for n in needs_answerable_by(user)} == answerable
    for name in ("liege", "namur", "wallonia"):
        # The yes/no function answers as the queryset does.
        assert can_see_need_matches(user, needs[name]) is (name in answerable), name


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("member", False),
        ("leader", False),
        ("officer_liege", True),
        ("officer_namur", True),
        ("staff", True),
    ],
)
def test_who_sees_the_board(people, role, allowed):
    assert can_see_need_board(people[role]) is allowed


def test_staff_without_the_needs_permission_oversees_nothing(needs):
    clerk = UserFactory(is_staff=True)

    assert not needs_overseen_by(clerk).exists()
    assert not can_see_need_board(clerk)
