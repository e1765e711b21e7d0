"""Services of the leaders' side: join requests, their decision, and the edit of a project page."""

from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.core.exceptions import ValidationError

from chantiers.models import Chantier, Participation
from portal.models import OutgoingEmail, in_wallonia
from portal.roles import staff_group_ensure
from projets.models import JoinRequest, Membership, Project
from projets.services import (
    CHANGE_REASON_LEADER,
    CHANGE_REASON_STAFF,
    join_request_approve,
    join_request_create,
    join_request_decline,
    join_requests,
    project_page_update,
)
from tests.chantiers.factories import ChantierFactory, ParticipationFactory
from tests.portal.factories import UserFactory
from tests.projets.factories import (
    JoinRequestFactory,
    MembershipFactory,
    ProjectFactory,
    ProjectTypeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    user = UserFactory(email="cellule@example.org", is_staff=True)
    user.groups.add(staff_group_ensure())
    return user


@pytest.fixture
def project():
    return ProjectFactory(name="Ceinture alimentaire", slug="ceinture")


@pytest.fixture
def leader(project):
    return MembershipFactory(project=project, user=UserFactory(email="porteuse@example.org")).user


@pytest.fixture
def other_leader():
    """The leader of another project."""
    return MembershipFactory(user=UserFactory(email="autre@example.org")).user


@pytest.fixture
def requester():
    return UserFactory(email="demandeur@example.org", first_name="Léa", last_name="Dupont")


def message_of(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(error.value.messages)


# --- join_request_create ----------------------------------------------------------------------


def test_create_emails_every_leader_after_commit(
    project, leader, requester, django_capture_on_commit_callbacks, mailoutbox
):
    second = MembershipFactory(project=project, user=UserFactory(email="second@example.org")).user
    MembershipFactory(project=project, user=UserFactory(email="parti@example.org", is_active=False))

    with django_capture_on_commit_callbacks(execute=True):
        join_request = join_request_create(user=requester, project=project, message="Bonjour !")

    assert join_request.status == JoinRequest.Status.PENDING
    assert join_request.message == "Bonjour !"
    assert sorted(m.to[0] for m in mailoutbox) == sorted([leader.email, second.email])
    message = mailoutbox[0]
    assert message.subject == "Demande pour rejoindre « Ceinture alimentaire »"
    assert "Léa Dupont (demandeur@example.org)" in message.body
    assert "Bonjour !" in message.body
    assert "/espace/projets/demandes/" in message.body
    assert message.alternatives[0][1] == "text/html"
    assert set(OutgoingEmail.objects.values_list("key", flat=True)) == {
        f"join-request-{join_request.pk}-new:{leader.email}",
        f"join-request-{join_request.pk}-new:{second.email}",
    }


def test_create_without_leaders_emails_active_staff_who_may_change_projects(
    project, requester, staff, django_capture_on_commit_callbacks, mailoutbox
):
    superuser = UserFactory(email="super@example.org", is_staff=True, is_superuser=True)
    in_person = UserFactory(email="perso@example.org", is_staff=True)
    in_person.user_permissions.add(Permission.objects.get(codename="change_project"))
    UserFactory(email="sans-droit@example.org", is_staff=True)  # staff, but not for projects
    inactive = UserFactory(email="inactif@example.org", is_staff=True, is_active=False)
    inactive.groups.add(staff_group_ensure())
    UserFactory(email="simple@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        join_request_create(user=requester, project=project, message="")

    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [staff.email, superuser.email, in_person.email]
    )


def test_staff_asking_for_a_project_without_leaders_is_not_told_of_their_own_request(
    project, staff, django_capture_on_commit_callbacks, mailoutbox
):
    colleague = UserFactory(email="collegue@example.org", is_staff=True)
    colleague.groups.add(staff_group_ensure())

    with django_capture_on_commit_callbacks(execute=True):
        join_request_create(user=staff, project=project, message="")

    assert [m.to[0] for m in mailoutbox] == [colleague.email]


def test_create_twice_is_refused(project, leader, requester):
    join_request_create(user=requester, project=project, message="")

    with pytest.raises(ValidationError) as error:
        join_request_create(user=requester, project=project, message="Encore")

    assert "déjà en attente" in message_of(error)
    assert JoinRequest.objects.filter(user=requester).count() == 1


def test_create_when_the_constraint_catches_a_concurrent_request(project, leader, requester):
    JoinRequestFactory(project=project, user=requester)

    # As if the check ran before the other request was committed.
    with (
        mock.patch.object(join_requests, "join_request_refusal", return_value=None),
        pytest.raises(ValidationError) as error,
    ):
        join_request_create(user=requester, project=project, message="")

    assert "déjà en attente" in message_of(error)
    assert JoinRequest.objects.filter(user=requester).count() == 1
    assert not OutgoingEmail.objects.exists()


def test_create_by_a_member_is_refused(project, leader):
    with pytest.raises(ValidationError) as error:
        join_request_create(user=leader, project=project, message="")

    assert message_of(error) == "Vous êtes déjà porteur·euse de ce projet."
    assert not JoinRequest.objects.exists()


def test_create_again_after_a_decline_is_allowed(project, leader, requester):
    JoinRequestFactory(project=project, user=requester, status=JoinRequest.Status.DECLINED)

    join_request_create(user=requester, project=project, message="")

    assert JoinRequest.objects.filter(user=requester).count() == 2


def test_create_for_a_withdrawn_project_is_refused(requester):
    withdrawn = ProjectFactory(status=Project.Status.WITHDRAWN)

    with pytest.raises(ValidationError) as error:
        join_request_create(user=requester, project=withdrawn, message="")

    assert "retiré" in message_of(error)


def test_create_by_anonymous_is_refused(project):
    with pytest.raises(ValidationError) as error:
        join_request_create(user=AnonymousUser(), project=project, message="")

    assert "Connectez-vous" in message_of(error)


def test_create_with_an_oversized_message_is_refused_on_the_field(project, leader, requester):
    with pytest.raises(ValidationError) as error:
        join_request_create(user=requester, project=project, message="x" * 1001)

    assert error.value.message_dict["message"] == [
        "Ce texte dépasse 1000 caractères : raccourcissez-le."
    ]
    assert not JoinRequest.objects.exists()


# --- join_request_approve / join_request_decline ---------------------------------------------


def test_approve_creates_the_membership_and_tells_the_requester(
    project, leader, requester, django_capture_on_commit_callbacks, mailoutbox
):
    join_request = JoinRequestFactory(project=project, user=requester)

    with django_capture_on_commit_callbacks(execute=True):
        decided = join_request_approve(by=leader, join_request=join_request)

    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.APPROVED
    assert join_request.decided_by == leader
    assert join_request.decided_at is not None
    assert decided.pk == join_request.pk
    assert Membership.objects.filter(project=project, user=requester).count() == 1
    [message] = mailoutbox
    assert message.to == [requester.email]
    assert message.subject == "Vous êtes porteur·euse de « Ceinture alimentaire »"
    assert "/espace/projets/ceinture/modifier/" in message.body
    assert OutgoingEmail.objects.get().key == (
        f"join-request-{join_request.pk}-decision:{requester.email}"
    )


def test_approve_is_idempotent_on_the_membership(project, leader, requester):
    join_request = JoinRequestFactory(project=project, user=requester)
    MembershipFactory(project=project, user=requester)  # staff added them in the meantime

    join_request_approve(by=leader, join_request=join_request)

    assert Membership.objects.filter(project=project, user=requester).count() == 1


def test_staff_may_approve_any_request(project, requester, staff):
    join_request = JoinRequestFactory(project=project, user=requester)

    join_request_approve(by=staff, join_request=join_request)

    assert project.members.filter(pk=requester.pk).exists()


def test_decline_tells_the_requester_with_the_reason(
    project, leader, requester, django_capture_on_commit_callbacks, mailoutbox
):
    join_request = JoinRequestFactory(project=project, user=requester)

    with django_capture_on_commit_callbacks(execute=True):
        join_request_decline(by=leader, join_request=join_request, reason="Inconnue au bataillon")

    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.DECLINED
    assert join_request.decided_by == leader
    assert join_request.decided_at is not None
    assert not Membership.objects.filter(user=requester).exists()
    [message] = mailoutbox
    assert message.to == [requester.email]
    assert "n'a pas été acceptée" in message.body
    assert "Inconnue au bataillon" in message.body


def test_decline_with_an_oversized_reason_is_refused(project, leader, requester):
    join_request = JoinRequestFactory(project=project, user=requester)

    with pytest.raises(ValidationError) as error:
        join_request_decline(by=leader, join_request=join_request, reason="x" * 1001)

    assert "reason" in error.value.message_dict
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (join_request_approve, join_request_approve),
        (join_request_approve, join_request_decline),
        (join_request_decline, join_request_approve),
        (join_request_decline, join_request_decline),
    ],
)
def test_deciding_twice_is_refused_and_emails_once(
    project, leader, requester, first, second, django_capture_on_commit_callbacks, mailoutbox
):
    join_request = JoinRequestFactory(project=project, user=requester)
    with django_capture_on_commit_callbacks(execute=True):
        first(by=leader, join_request=join_request)

    with pytest.raises(ValidationError) as error, django_capture_on_commit_callbacks(execute=True):
        second(by=leader, join_request=join_request)

    assert "déjà reçu une réponse" in message_of(error)
    status = JoinRequest.objects.get().status
    assert status == (
        JoinRequest.Status.APPROVED
        if first is join_request_approve
        else JoinRequest.Status.DECLINED
    )
    assert len(mailoutbox) == 1
    assert OutgoingEmail.objects.count() == 1


@pytest.mark.parametrize("decide", [join_request_approve, join_request_decline])
@pytest.mark.parametrize("who", ["other_leader", "requester", "nobody", "anonymous"])
def test_someone_not_allowed_cannot_decide(project, leader, requester, other_leader, decide, who):
    join_request = JoinRequestFactory(project=project, user=requester)
    by = {
        "other_leader": other_leader,
        "requester": requester,
        "nobody": UserFactory(),
        "anonymous": AnonymousUser(),
    }[who]

    with pytest.raises(ValidationError) as error:
        decide(by=by, join_request=join_request)

    assert message_of(error) == "Vous ne pouvez pas répondre à cette demande."
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING
    assert not Membership.objects.filter(user=requester).exists()
    assert not OutgoingEmail.objects.exists()


def test_staff_cannot_decide_their_own_request(project, staff):
    join_request = JoinRequestFactory(project=project, user=staff)

    with pytest.raises(ValidationError):
        join_request_approve(by=staff, join_request=join_request)

    assert not Membership.objects.exists()


# --- project_page_update ----------------------------------------------------------------------


@pytest.fixture
def chantiers():
    return {
        "active": ChantierFactory(title="Logistique", status=Chantier.Status.ACTIVE),
        "other": ChantierFactory(title="Foncier", status=Chantier.Status.ACTIVE),
        "third": ChantierFactory(title="Formation", status=Chantier.Status.ACTIVE),
        "candidate": ChantierFactory(title="Piste", status=Chantier.Status.CANDIDATE),
    }


def page(**overrides):
    data = {
        "summary": "Un résumé neuf",
        "description": "Une description neuve",
        "communes": "Namur, Gembloux",
        "website": "https://exemple.be",
        "contact_name": "Léa",
        "contact_email": "contact@exemple.be",
        "types": [],
        "latitude": Decimal("50.46"),
        "longitude": Decimal("4.87"),
    }
    data.update(overrides)
    return data


def roles(project):
    return dict(
        Participation.objects.filter(project=project).values_list("chantier__title", "role")
    )


def test_page_update_changes_the_page_and_participations(project, leader, chantiers):
    kind = ProjectTypeFactory(name="Logistique")
    ParticipationFactory(project=project, chantier=chantiers["other"], role="interested")
    ParticipationFactory(project=project, chantier=chantiers["third"], role="lead")

    updated = project_page_update(
        user=leader,
        project=project,
        data=page(types=[kind]),
        participations={
            chantiers["active"].pk: "contributor",  # created
            chantiers["other"].pk: "lead",  # changed
            chantiers["third"].pk: None,  # removed
            chantiers["candidate"].pk: "interested",  # created
        },
    )

    project.refresh_from_db()
    assert updated.pk == project.pk
    assert project.summary == "Un résumé neuf"
    assert project.description == "Une description neuve"
    assert project.communes == "Namur, Gembloux"
    assert project.website == "https://exemple.be"
    assert project.contact_email == "contact@exemple.be"
    assert list(project.types.all()) == [kind]
    assert roles(project) == {
        "Logistique": "contributor",
        "Foncier": "lead",
        "Piste": "interested",
    }


def test_page_update_is_recorded_in_the_history_with_who_and_why(project, leader, staff):
    project_page_update(user=leader, project=project, data=page(), participations={})
    project_page_update(
        user=staff, project=project, data=page(summary="Par la Cellule"), participations={}
    )

    staff_record, leader_record = project.history.all()[:2]
    assert leader_record.history_user == leader
    assert leader_record.history_change_reason == CHANGE_REASON_LEADER
    assert leader_record.summary == "Un résumé neuf"
    assert staff_record.history_user == staff
    assert staff_record.history_change_reason == CHANGE_REASON_STAFF


@pytest.mark.parametrize("who", ["other_leader", "nobody", "anonymous"])
def test_page_update_by_someone_not_allowed_is_refused_and_changes_nothing(
    project, leader, other_leader, chantiers, who
):
    by = {"other_leader": other_leader, "nobody": UserFactory(), "anonymous": AnonymousUser()}[who]
    before = project.summary

    with pytest.raises(ValidationError) as error:
        project_page_update(
            user=by,
            project=project,
            data=page(),
            participations={chantiers["active"].pk: "lead"},
        )

    assert "ne pouvez pas modifier" in message_of(error)
    project.refresh_from_db()
    assert project.summary == before
    assert not Participation.objects.exists()


@pytest.mark.parametrize("field", ["name", "slug", "province", "status", "is_confirmed"])
def test_page_update_refuses_what_only_staff_change(project, leader, field):
    with pytest.raises(ValidationError) as error:
        project_page_update(
            user=leader, project=project, data={field: "x", "summary": "y"}, participations={}
        )

    assert "ne se modifient pas ici" in message_of(error)
    project.refresh_from_db()
    assert project.summary != "y"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("description", "x" * 5001),
        ("summary", "x" * 301),
        ("communes", "x" * 301),
        ("contact_name", "x" * 201),
        ("contact_email", "pas-une-adresse"),
        ("website", "pas une adresse"),
    ],
)
def test_page_update_refuses_bad_values_on_their_field(project, leader, field, value):
    with pytest.raises(ValidationError) as error:
        project_page_update(
            user=leader, project=project, data=page(**{field: value}), participations={}
        )

    assert field in error.value.message_dict
    project.refresh_from_db()
    assert project.summary != "Un résumé neuf"


def test_page_update_refuses_a_point_outside_wallonia_for_a_leader(project, leader):
    with pytest.raises(ValidationError) as error:
        project_page_update(
            user=leader,
            project=project,
            data=page(latitude=Decimal("4.87"), longitude=Decimal("50.46")),
            participations={},
        )

    assert "hors de Wallonie" in error.value.message_dict["latitude"][0]
    project.refresh_from_db()
    assert project.latitude == Decimal("50.46")


def test_page_update_lets_staff_place_a_point_outside_wallonia(project, staff):
    paris = page(latitude=Decimal("48.85661"), longitude=Decimal("2.35222"))
    assert not in_wallonia(48.85661, 2.35222)

    project_page_update(user=staff, project=project, data=paris, participations={})

    project.refresh_from_db()
    assert project.latitude == Decimal("48.85661")


def test_page_update_refuses_half_a_point(project, leader):
    with pytest.raises(ValidationError):
        project_page_update(
            user=leader, project=project, data=page(longitude=None), participations={}
        )


def test_a_candidate_chantier_takes_interest_only(project, leader, chantiers):
    with pytest.raises(ValidationError) as error:
        project_page_update(
            user=leader,
            project=project,
            data=page(),
            participations={chantiers["candidate"].pk: "lead"},
        )

    assert "piste de chantier" in message_of(error)
    assert not Participation.objects.exists()
    project.refresh_from_db()
    assert project.summary != "Un résumé neuf"  # all or nothing


def test_interest_in_a_candidate_keeps_the_role_staff_gave(project, leader, chantiers):
    ParticipationFactory(project=project, chantier=chantiers["candidate"], role="contributor")

    project_page_update(
        user=leader,
        project=project,
        data=page(),
        participations={chantiers["candidate"].pk: "interested"},
    )

    assert roles(project) == {"Piste": "contributor"}


def test_page_update_refuses_an_unknown_chantier_or_role(project, leader, chantiers):
    with pytest.raises(ValidationError):
        project_page_update(user=leader, project=project, data=page(), participations={0: "lead"})
    with pytest.raises(ValidationError):
        project_page_update(
            user=leader,
            project=project,
            data=page(),
            participations={chantiers["active"].pk: "chef"},
        )

    assert not Participation.objects.exists()


def test_chantiers_left_out_are_left_alone(project, leader, chantiers):
    ParticipationFactory(project=project, chantier=chantiers["other"], role="lead")

    project_page_update(user=leader, project=project, data=page(), participations={})

    assert roles(project) == {"Foncier": "lead"}


def test_plain_text_emails_are_not_html_escaped(
    leader, requester, django_capture_on_commit_callbacks, mailoutbox
):
    project = ProjectFactory(name="L'Épi d'or & co")
    MembershipFactory(project=project, user=leader)

    with django_capture_on_commit_callbacks(execute=True):
        join_request_create(user=requester, project=project, message="J'arrive <bientôt>")

    [message] = mailoutbox
    assert message.subject == "Demande pour rejoindre « L'Épi d'or & co »"
    assert "J'arrive <bientôt>" in message.body
    assert "J&#x27;arrive &lt;bientôt&gt;" in message.alternatives[0][0]
