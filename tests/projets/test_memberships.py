"""Leaders added and removed by staff (projets.services.memberships): who may, what is refused,
and the one email to a new leader."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portal.models import OutgoingEmail
from projets.models import JoinRequest, Membership, Project
from projets.services import membership_add, membership_remove
from tests.portal.factories import UserFactory
from tests.projets.factories import JoinRequestFactory, MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    return UserFactory(email="porteuse@example.org")


@pytest.fixture
def project():
    return ProjectFactory(name="Halle alimentaire")


def test_staff_add_a_leader_who_is_told_once(staff, person, project):
    membership = membership_add(by=staff, project=project, user=person)

    assert membership is not None and membership.user == person
    assert membership_add(by=staff, project=project, user=person) is None
    assert Membership.objects.filter(project=project, user=person).count() == 1
    [email] = OutgoingEmail.objects.all()
    assert email.to == person.email
    assert "Halle alimentaire" in email.subject


def test_a_pending_request_of_the_new_leader_is_approved(staff, person, project):
    mine = JoinRequestFactory(project=project, user=person)
    elsewhere = JoinRequestFactory(user=person)

    membership_add(by=staff, project=project, user=person)

    mine.refresh_from_db()
    elsewhere.refresh_from_db()
    assert (mine.status, mine.decided_by) == (JoinRequest.Status.APPROVED, staff)
    assert elsewhere.status == JoinRequest.Status.PENDING


@pytest.mark.parametrize("who", ["leader", "officer", "member"])
def test_only_staff_add_or_remove_leaders(who, officer, person, project):
    by = {
        "leader": MembershipFactory(project=project).user,
        "officer": officer,
        "member": UserFactory(),
    }[who]
    with pytest.raises(PermissionDenied):
        membership_add(by=by, project=project, user=person)
    membership = MembershipFactory(project=project, user=person)
    with pytest.raises(PermissionDenied):
        membership_remove(by=by, membership=membership)
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_a_deactivated_account_or_a_withdrawn_project_is_refused(staff, person, project):
    inactive = UserFactory(is_active=False)
    with pytest.raises(ValidationError, match="désactivé"):
        membership_add(by=staff, project=project, user=inactive)
    Project.objects.filter(pk=project.pk).update(status=Project.Status.WITHDRAWN)
    project.refresh_from_db()
    with pytest.raises(ValidationError, match="retiré"):
        membership_add(by=staff, project=project, user=person)
    assert not Membership.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_staff_remove_a_leader(staff, person, project):
    membership = MembershipFactory(project=project, user=person)

    assert membership_remove(by=staff, membership=membership)
    assert not membership_remove(by=staff, membership=membership)
    assert not Membership.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_removed_then_added_again_is_told_again(staff, person, project):
    first = membership_add(by=staff, project=project, user=person)
    membership_remove(by=staff, membership=first)

    membership_add(by=staff, project=project, user=person)

    assert OutgoingEmail.objects.filter(to=person.email).count() == 2
