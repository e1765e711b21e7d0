"""Proposals of new pistes: the service (empty and duplicate refused), the form page, staff's
review in the admin through the services, and the proposer told by email."""

from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from chantiers.models import Chantier, Participation
from portal.models import OutgoingEmail
from projets.models import PisteProposal, Project
from projets.services import piste_proposal_accept, piste_proposal_decline, piste_propose
from tests.chantiers.factories import ChantierFactory
from tests.portal.factories import UserFactory
from tests.projets.factories import MembershipFactory, PisteProposalFactory, ProjectFactory

pytestmark = pytest.mark.django_db

PROPOSE_URL = reverse("espace_projets:piste_propose")


@pytest.fixture
def leader():
    membership = MembershipFactory(
        project=ProjectFactory(name="Ceinture alimentaire"), user__email="lea@example.org"
    )
    return membership.user


@pytest.fixture
def project(leader):
    return leader.memberships.get().project


# --- The service -------------------------------------------------------------------------------


def test_a_leader_proposes_a_piste_and_staff_are_told(leader, project, staff):
    proposal = piste_propose(
        user=leader, project=project, title="  Chantier  semences ", description="Pour tous."
    )

    assert (proposal.title, proposal.status, proposal.proposed_by) == (
        "Chantier semences",
        PisteProposal.Status.PENDING,
        leader,
    )
    [email] = OutgoingEmail.objects.filter(to=staff.email)
    assert "Chantier semences" in email.subject
    assert "Ceinture alimentaire" in email.body_text
    assert f"/admin/projets/pisteproposal/{proposal.pk}/change/" in email.body_text
    assert not Chantier.objects.filter(title="Chantier semences").exists()  # staff decide


@pytest.mark.parametrize("title", ["", "   ", "\n\t"])
def test_an_empty_proposal_is_refused_with_a_clear_message(leader, project, title):
    with pytest.raises(ValidationError) as error:
        piste_propose(user=leader, project=project, title=title)

    assert error.value.message_dict["title"] == [
        "Donnez un titre à la piste : le sujet du futur chantier, en quelques mots."
    ]
    assert not PisteProposal.objects.exists()


def test_a_piste_proposed_twice_is_refused_accents_and_case_aside(leader, project):
    piste_propose(user=leader, project=project, title="Chantier Légumeries bio")
    other = MembershipFactory().user

    with pytest.raises(ValidationError) as error:
        piste_propose(
            user=other, project=other.memberships.get().project, title="chantier legumeries  BIO"
        )

    assert error.value.message_dict["title"] == [
        (
            "La piste « Chantier Légumeries bio » a déjà été proposée et attend la réponse de "
            "la Cellule Manger Demain."
        )
    ]
    assert PisteProposal.objects.count() == 1


def test_a_piste_that_exists_already_is_refused(leader, project):
    ChantierFactory(title="Chantier légumeries", status=Chantier.Status.CANDIDATE)
    ChantierFactory(title="Marchés publics")

    with pytest.raises(ValidationError) as piste:
        piste_propose(user=leader, project=project, title="Chantier legumeries")
    with pytest.raises(ValidationError) as active:
        piste_propose(user=leader, project=project, title="MARCHÉS PUBLICS")

    assert "existe déjà : déclarez-y l'intérêt de votre projet" in piste.value.messages[0]
    assert (
        "Le chantier « Marchés publics » existe déjà : rejoignez-le plutôt."
        in (active.value.messages[0])
    )


def test_a_declined_proposal_can_be_proposed_again(leader, project, staff):
    first = piste_propose(user=leader, project=project, title="Chantier foncier")
    piste_proposal_decline(by=staff, proposal=first)

    again = piste_propose(user=leader, project=project, title="Chantier foncier")

    assert again.pk != first.pk


def test_only_a_leader_of_the_project_may_propose_in_its_name(leader, staff):
    someone_elses = ProjectFactory()
    withdrawn = ProjectFactory(status=Project.Status.WITHDRAWN)
    MembershipFactory(project=withdrawn, user=leader)

    for user, project in [(leader, someone_elses), (staff, someone_elses), (leader, withdrawn)]:
        with pytest.raises(ValidationError) as error:
            piste_propose(user=user, project=project, title="Une piste")
        assert error.value.code == "not_leader"
    assert not PisteProposal.objects.exists()


def test_too_long_texts_are_refused(leader, project):
    with pytest.raises(ValidationError) as error:
        piste_propose(user=leader, project=project, title="x" * 201)
    assert "title" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        piste_propose(user=leader, project=project, title="Piste", description="x" * 2001)
    assert "description" in error.value.message_dict


def test_accepting_makes_a_candidate_chantier_with_the_project_interested(leader, project, staff):
    proposal = piste_propose(
        user=leader, project=project, title="Chantier semences", description="Pourquoi."
    )

    accepted = piste_proposal_accept(by=staff, proposal=proposal)

    chantier = accepted.chantier
    assert accepted.status == PisteProposal.Status.ACCEPTED and accepted.decided_at
    assert (chantier.title, chantier.status, chantier.description) == (
        "Chantier semences",
        Chantier.Status.CANDIDATE,
        "Pourquoi.",
    )
    assert Participation.objects.get(chantier=chantier).project == project
    [email] = OutgoingEmail.objects.filter(to=leader.email)
    assert "est acceptée" in email.subject
    assert f"/chantiers/{chantier.slug}/" in email.body_text


def test_declining_tells_the_proposer(leader, project, staff):
    proposal = piste_propose(user=leader, project=project, title="Chantier semences")

    piste_proposal_decline(by=staff, proposal=proposal)

    proposal.refresh_from_db()
    assert proposal.status == PisteProposal.Status.DECLINED
    assert not Chantier.objects.filter(title="Chantier semences").exists()
    [email] = OutgoingEmail.objects.filter(to=leader.email)
    assert "n'a pas retenu la piste « Chantier semences »" in email.body_text
    assert "/chantiers/pistes/" in email.body_text


def test_a_decided_proposal_is_not_decided_again(leader, project, staff):
    proposal = piste_propose(user=leader, project=project, title="Chantier semences")
    piste_proposal_decline(by=staff, proposal=proposal)

    for service in (piste_proposal_accept, piste_proposal_decline):
        with pytest.raises(ValidationError) as error:
            service(by=staff, proposal=proposal)
        assert "a déjà reçu une réponse" in error.value.messages[0]
    assert OutgoingEmail.objects.filter(to=leader.email).count() == 1


def test_only_staff_decide(leader, project):
    proposal = PisteProposalFactory(project=project, proposed_by=leader)

    with pytest.raises(ValidationError):
        piste_proposal_accept(by=leader, proposal=proposal)
    with pytest.raises(ValidationError):
        piste_proposal_decline(by=UserFactory(), proposal=proposal)


def test_accepting_is_refused_when_the_piste_exists_meanwhile(leader, project, staff):
    proposal = PisteProposalFactory(project=project, proposed_by=leader, title="Légumeries")
    ChantierFactory(title="Legumeries", status=Chantier.Status.CANDIDATE)

    with pytest.raises(ValidationError):
        piste_proposal_accept(by=staff, proposal=proposal)

    proposal.refresh_from_db()
    assert proposal.status == PisteProposal.Status.PENDING


def test_a_proposer_whose_account_is_gone_is_not_emailed(project, staff):
    proposal = PisteProposalFactory(project=project, proposed_by=None)

    piste_proposal_accept(by=staff, proposal=proposal)

    assert not OutgoingEmail.objects.exclude(to=staff.email).exists()


# --- The form page -----------------------------------------------------------------------------


def test_the_page_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(PROPOSE_URL)

    assert response.status_code == HTTPStatus.FOUND
    assert "/compte/" in response.url


def test_someone_who_leads_no_project_is_told_how_to_become_a_leader(client):
    client.force_login(UserFactory())

    response = client.get(PROPOSE_URL)

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Vous ne portez encore aucun projet" in html
    assert '<form method="post" novalidate>' not in html
    response = client.post(PROPOSE_URL, {"project": ProjectFactory().pk, "title": "Piste"})
    assert response.status_code == HTTPStatus.OK
    assert not PisteProposal.objects.exists()


def test_a_leader_proposes_through_the_page(client, leader, project):
    other = ProjectFactory(name="Pas le mien")
    client.force_login(leader)

    page = client.get(PROPOSE_URL).content.decode()
    response = client.post(
        PROPOSE_URL, {"project": project.pk, "title": "Chantier semences", "description": ""}
    )

    assert "Ceinture alimentaire" in page and other.name not in page
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("chantiers:candidate_list")
    assert PisteProposal.objects.get().title == "Chantier semences"


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("", "Donnez un titre à la piste"),
        ("chantier SEMENCES", "a déjà été proposée et attend la réponse"),
    ],
)
def test_the_page_shows_the_refusal_next_to_the_title(client, leader, project, title, message):
    PisteProposalFactory(title="Chantier semences")
    client.force_login(leader)

    response = client.post(PROPOSE_URL, {"project": project.pk, "title": title})

    assert response.status_code == HTTPStatus.OK
    assert message in response.content.decode()
    assert PisteProposal.objects.count() == 1


def test_a_forged_project_is_refused(client, leader):
    client.force_login(leader)

    response = client.post(PROPOSE_URL, {"project": ProjectFactory().pk, "title": "Piste"})

    assert response.status_code == HTTPStatus.OK
    assert not PisteProposal.objects.exists()


# --- Staff's review in the admin ---------------------------------------------------------------


def _changelist():
    return reverse("admin:projets_pisteproposal_changelist")


def test_staff_accept_in_the_admin_through_the_service(client, staff, leader, project):
    proposal = PisteProposalFactory(project=project, proposed_by=leader, title="Semences")
    client.force_login(staff)

    listing = client.get(_changelist())
    response = client.post(
        _changelist(), {"action": "accept", "_selected_action": [proposal.pk]}, follow=True
    )

    assert listing.status_code == HTTPStatus.OK and "Semences" in listing.content.decode()
    assert "1 piste acceptée" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == PisteProposal.Status.ACCEPTED
    assert proposal.chantier.status == Chantier.Status.CANDIDATE
    assert OutgoingEmail.objects.filter(to=leader.email).count() == 1


def test_staff_decline_in_the_admin_and_a_decided_one_is_left_with_a_warning(
    client, staff, leader, project
):
    pending = PisteProposalFactory(project=project, proposed_by=leader)
    decided = PisteProposalFactory(status=PisteProposal.Status.ACCEPTED)
    client.force_login(staff)

    response = client.post(
        _changelist(),
        {"action": "decline", "_selected_action": [pending.pk, decided.pk]},
        follow=True,
    )

    html = response.content.decode()
    assert "1 piste refusée" in html
    assert "laissée telle quelle" in html
    pending.refresh_from_db()
    decided.refresh_from_db()
    assert (pending.status, decided.status) == ("declined", "accepted")


def test_the_admin_adds_no_proposal_and_shows_one_read_only(client, staff):
    proposal = PisteProposalFactory()
    client.force_login(staff)

    add = client.get(reverse("admin:projets_pisteproposal_add"))
    change = client.get(reverse("admin:projets_pisteproposal_change", args=[proposal.pk]))

    assert add.status_code == HTTPStatus.FORBIDDEN
    assert change.status_code == HTTPStatus.OK
    assert 'name="title"' not in change.content.decode()
