"""Workshop proposals: proposing, supporting once, ranking, scheduling as a draft event."""

import datetime
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from expertises.models import Support, WorkshopProposal
from expertises.services import (
    proposal_decline,
    proposal_schedule,
    proposal_support_toggle,
)
from tests.chantiers.factories import ChantierFactory
from tests.expertises.factories import WorkshopProposalFactory
from tests.portal.factories import UserFactory
from tests.projets.factories import MembershipFactory
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db

LIST_URL = "/expertises/ateliers-proposes/"


@pytest.fixture
def member():
    return UserFactory(email="membre@example.org")


def start():
    return timezone.now() + datetime.timedelta(days=40)


def schedule_data(**overrides):
    local = timezone.localtime(start())
    data = {
        "title": "Atelier marchés publics",
        "start": local.strftime("%Y-%m-%dT%H:%M"),
        "time_to_be_confirmed": "on",
        "description": "Répondre ensemble aux marchés publics.",
    }
    data.update(overrides)
    return data


def test_route():
    assert reverse("expertises:proposal_list") == LIST_URL


def test_anonymous_sees_the_list_without_buttons(client):
    WorkshopProposalFactory(title="Compostage")
    response = client.get(LIST_URL)
    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Compostage" in content
    assert "Soutenir" not in content
    assert "Connectez-vous" in content


def test_member_proposes_a_workshop(client, member):
    chantier = ChantierFactory()
    client.force_login(member)
    url = reverse("espace_expertises:proposal_create")
    response = client.post(
        url, {"title": "Logistique partagée", "description": "Camion", "chantier": chantier.pk}
    )
    proposal = WorkshopProposal.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert proposal.proposed_by == member
    assert proposal.chantier == chantier
    assert proposal.status == WorkshopProposal.Status.OPEN


def test_proposal_bad_input_keeps_what_was_typed(client, member):
    client.force_login(member)
    url = reverse("espace_expertises:proposal_create")
    response = client.post(url, {"title": "", "description": "Mon idée"})
    content = response.content.decode()
    assert "Ce champ est obligatoire." in content
    assert "Mon idée" in content
    response = client.post(url, {"title": "t" * 201, "description": "d" * 3001})
    content = response.content.decode()
    assert "ne peut pas dépasser 200 caractères" in content
    assert "ne peut pas dépasser 3000 caractères" in content
    assert not WorkshopProposal.objects.exists()


def test_anonymous_cannot_propose_or_support(client):
    proposal = WorkshopProposalFactory()
    response = client.post(reverse("espace_expertises:proposal_create"), {"title": "x"})
    assert response.status_code == HTTPStatus.FOUND
    client.post(reverse("espace_expertises:proposal_support", args=[proposal.pk]))
    assert not Support.objects.exists()
    assert WorkshopProposal.objects.count() == 1


def test_support_toggles_and_counts_once(client, member):
    proposal = WorkshopProposalFactory()
    assert proposal_support_toggle(user=member, proposal=proposal) is True
    # The constraint is the last line: a second row for the same person is refused.
    with pytest.raises(IntegrityError), transaction.atomic():
        Support.objects.create(proposal=proposal, user=member)
    assert proposal.supports.count() == 1
    client.force_login(member)
    url = reverse("espace_expertises:proposal_support", args=[proposal.pk])
    client.post(url)  # withdraw
    assert proposal.supports.count() == 0
    client.post(url)
    assert proposal.supports.count() == 1
    response = client.get(LIST_URL)
    assert "Retirer mon soutien" in response.content.decode()


def test_ranking_by_support_then_date(client):
    old_popular = WorkshopProposalFactory(title="Populaire")
    WorkshopProposal.objects.filter(pk=old_popular.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=30)
    )
    recent = WorkshopProposalFactory(title="Récente")
    older = WorkshopProposalFactory(title="Ancienne")
    WorkshopProposal.objects.filter(pk=older.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=10)
    )
    for _ in range(3):
        Support.objects.create(proposal=old_popular, user=UserFactory())
    response = client.get(LIST_URL)
    assert [p.title for p in response.context["proposals"]] == [
        "Populaire",
        "Récente",
        "Ancienne",
    ]
    assert response.context["proposals"][0].support_count == 3
    assert recent


def test_staff_schedules_a_draft_event_and_tells_supporters_once(
    client, staff, member, mailoutbox, django_capture_on_commit_callbacks
):
    chantier = ChantierFactory()
    author = UserFactory(email="auteur@example.org")
    proposal = WorkshopProposalFactory(proposed_by=author, chantier=chantier)
    Support.objects.create(proposal=proposal, user=member)
    Support.objects.create(proposal=proposal, user=author)  # counted once as well
    client.force_login(staff)
    url = reverse("espace_expertises:proposal_schedule", args=[proposal.pk])
    form = client.get(url).context["form"]
    assert form.initial["title"] == proposal.title
    assert form.initial["chantier"] == chantier.pk
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, schedule_data(chantier=chantier.pk))
    event = Event.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert event.status == Event.Status.DRAFT
    assert event.kind == Event.Kind.WORKSHOP
    assert event.chantier == chantier
    proposal.refresh_from_db()
    assert proposal.status == WorkshopProposal.Status.SCHEDULED
    assert proposal.event == event
    assert sorted(m.to[0] for m in mailoutbox) == ["auteur@example.org", "membre@example.org"]
    assert proposal.get_absolute_url() in mailoutbox[0].body
    # Twice: refused, nothing more sent, no second event.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, schedule_data())
    assert "déjà été traitée" in response.content.decode()
    assert Event.objects.count() == 1
    assert len(mailoutbox) == 2


def test_schedule_bad_input(client, staff):
    proposal = WorkshopProposalFactory()
    client.force_login(staff)
    url = reverse("espace_expertises:proposal_schedule", args=[proposal.pk])
    response = client.post(url, schedule_data(title="", start=""))
    content = response.content.decode()
    assert "Indiquez une date, même provisoire." in content
    assert "Répondre ensemble aux marchés publics." in content
    assert not Event.objects.exists()


@pytest.mark.parametrize("role", ["anonymous", "member", "leader"])
def test_only_staff_schedule_or_decline(client, role, member):
    proposal = WorkshopProposalFactory()
    if role == "member":
        client.force_login(member)
    elif role == "leader":
        client.force_login(MembershipFactory().user)
    schedule = reverse("espace_expertises:proposal_schedule", args=[proposal.pk])
    decline = reverse("espace_expertises:proposal_decline", args=[proposal.pk])
    expected = HTTPStatus.FOUND if role == "anonymous" else HTTPStatus.NOT_FOUND
    assert client.post(schedule, schedule_data()).status_code == expected
    assert client.post(decline).status_code == expected
    proposal.refresh_from_db()
    assert proposal.status == WorkshopProposal.Status.OPEN
    assert not Event.objects.exists()
    with pytest.raises(ValidationError):
        proposal_schedule(user=member, proposal=proposal, data={"title": "x", "start": start()})
    with pytest.raises(ValidationError):
        proposal_decline(user=member, proposal=proposal)


def test_staff_declines(client, staff, member):
    proposal = WorkshopProposalFactory()
    client.force_login(staff)
    client.post(reverse("espace_expertises:proposal_decline", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.status == WorkshopProposal.Status.DECLINED
    with pytest.raises(ValidationError, match="n'est plus ouverte"):
        proposal_support_toggle(user=member, proposal=proposal)


def test_proposal_list_query_count(client, member):
    client.force_login(member)
    chantier = ChantierFactory()

    def grow(n):
        for _ in range(n):
            proposal = WorkshopProposalFactory(chantier=chantier)
            Support.objects.create(proposal=proposal, user=member)

    assert_constant_queries(client, LIST_URL, grow)


def test_proposal_list_query_count_for_staff(client, staff):
    client.force_login(staff)

    def grow(n):
        for _ in range(n):
            WorkshopProposalFactory(chantier=ChantierFactory())

    assert_constant_queries(client, LIST_URL, grow)


def test_proposal_form_and_schedule_pages_query_count(client, member, staff):
    from tests.chantiers.factories import ChantierFactory
    from tests.expertises.factories import WorkshopProposalFactory

    proposal = WorkshopProposalFactory()

    def grow(n):
        ChantierFactory.create_batch(n)

    client.force_login(member)
    assert_constant_queries(client, reverse("espace_expertises:proposal_create"), grow)
    client.force_login(staff)
    url = reverse("espace_expertises:proposal_schedule", args=[proposal.pk])
    assert_constant_queries(client, url, grow)
