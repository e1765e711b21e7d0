"""A workshop made from a proposal, once published, is told to the proposal's author and
supporters (``expertises.receivers`` answering ``events.hooks.event_published``), whatever the
door, exactly once; an author does not support their own proposal; the list names the author
and links to the event."""

import datetime
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from events.models import Event
from events.services import event_publish, event_unpublish
from expertises.models import Support, WorkshopProposal
from expertises.services import proposal_event_published_notify, proposal_support_toggle
from portal.dates import when
from portal.models import OutgoingEmail
from tests.admin_forms import change_form_data
from tests.events.factories import EventFactory
from tests.expertises.factories import WorkshopProposalFactory
from tests.portal.factories import UserFactory
from tests.projets.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/expertises/ateliers-proposes/"


@pytest.fixture
def author():
    return UserFactory(email="auteur@example.org", first_name="Anne", last_name="Autrice")


@pytest.fixture
def supporter():
    return UserFactory(email="soutien@example.org")


@pytest.fixture
def scheduled(author, supporter):
    """A proposal scheduled as a draft workshop, with a place, ready to publish."""
    start = (timezone.now() + datetime.timedelta(days=30)).replace(second=0, microsecond=0)
    event = EventFactory(
        title="Atelier logistique",
        kind=Event.Kind.WORKSHOP,
        status=Event.Status.DRAFT,
        start=start,
        end=start + datetime.timedelta(hours=2),
    )
    proposal = WorkshopProposalFactory(
        title="Logistique partagée",
        proposed_by=author,
        event=event,
        status=WorkshopProposal.Status.SCHEDULED,
    )
    Support.objects.create(proposal=proposal, user=supporter)
    return proposal


def published_emails():
    return OutgoingEmail.objects.filter(key__startswith="proposal-event-").order_by("to")


def test_publishing_from_the_space_emails_author_and_supporters_once(
    client, staff, scheduled, mailoutbox, django_capture_on_commit_callbacks
):
    event = scheduled.event
    client.force_login(staff)
    url = reverse("espace_events:event_publish", args=[event.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == HTTPStatus.FOUND
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED

    emails = list(published_emails())
    assert [e.to for e in emails] == ["auteur@example.org", "soutien@example.org"]
    for email in emails:
        assert "Atelier logistique" in email.subject
        assert "Logistique partagée" in email.body_text
        # The date, and the link to register.
        assert str(timezone.localtime(event.start).year) in email.body_text
        assert f"{event.get_absolute_url()}#inscription" in email.body_text
        assert f"{event.get_absolute_url()}#inscription" in email.body_html
    # Delivered through the outbox's sender.
    assert sorted(m.to[0] for m in mailoutbox) == ["auteur@example.org", "soutien@example.org"]

    # Back to a draft and published again: nobody is told twice.
    event_unpublish(user=staff, event=event)
    with django_capture_on_commit_callbacks(execute=True):
        event_publish(user=staff, event=event)
    assert published_emails().count() == 2
    assert proposal_event_published_notify(event=event) == 0
    assert len(mailoutbox) == 2


def test_publishing_from_the_admin_emails_them_too(client, staff, scheduled):
    event = scheduled.event
    client.force_login(staff)
    url = reverse("admin:events_event_change", args=[event.pk])
    data = change_form_data(client.get(url))
    data["status"] = Event.Status.PUBLISHED
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND
    assert [e.to for e in published_emails()] == ["auteur@example.org", "soutien@example.org"]


def test_a_refused_publication_emails_nobody(staff, scheduled):
    event = scheduled.event
    Event.objects.filter(pk=event.pk).update(venue="", address="", online_url="")
    with pytest.raises(ValidationError):
        event_publish(user=staff, event=event)
    assert not published_emails().exists()


def test_an_event_from_no_proposal_emails_nobody(staff):
    event = EventFactory(status=Event.Status.DRAFT)
    event_publish(user=staff, event=event)
    assert not OutgoingEmail.objects.exists()


def test_inactive_or_addressless_people_are_skipped(staff, scheduled, supporter):
    supporter.is_active = False
    supporter.save()
    assert proposal_event_published_notify(event=scheduled.event) == 1
    assert [e.to for e in published_emails()] == ["auteur@example.org"]


def test_an_author_cannot_support_their_own_proposal(client, author):
    proposal = WorkshopProposalFactory(proposed_by=author)
    with pytest.raises(ValidationError, match="Vous avez proposé cet atelier"):
        proposal_support_toggle(user=author, proposal=proposal)
    client.force_login(author)
    response = client.post(
        reverse("espace_expertises:proposal_support", args=[proposal.pk]), follow=True
    )
    content = response.content.decode()
    assert "Vous avez proposé cet atelier" in content
    assert not Support.objects.exists()
    # No button is offered to them, and a clear word instead.
    page = client.get(LIST_URL).content.decode()
    assert "Soutenir<span" not in page
    assert "les soutiens viennent des autres membres" in page
    # Another member does see it.
    client.force_login(UserFactory())
    assert "Soutenir<span" in client.get(LIST_URL).content.decode()


def test_the_list_names_the_author_and_their_public_projects(client, author):
    project = ProjectFactory(name="Ceinture alimentaire")
    MembershipFactory(user=author, project=project)
    withdrawn = ProjectFactory(name="Projet retiré", status="withdrawn")
    MembershipFactory(user=author, project=withdrawn)
    WorkshopProposalFactory(proposed_by=author)
    WorkshopProposalFactory(proposed_by=UserFactory(first_name="", last_name=""))
    WorkshopProposalFactory(proposed_by=None)
    content = client.get(LIST_URL).content.decode()
    assert "Proposé par Anne Autrice" in content
    assert project.get_absolute_url() in content
    assert "Projet retiré" not in content
    assert "Proposé par un membre" in content
    assert "auteur@example.org" not in content  # never an address


def test_the_list_links_to_the_published_event_only(client, staff, scheduled):
    event = scheduled.event
    content = client.get(LIST_URL).content.decode()
    assert event.get_absolute_url() not in content
    assert "sa date sera annoncée à sa publication" in content
    client.force_login(staff)
    content = client.get(LIST_URL).content.decode()
    assert reverse("espace_events:event_edit", args=[event.slug]) in content
    event_publish(user=staff, event=event)
    client.logout()
    content = client.get(LIST_URL).content.decode()
    assert f"{event.get_absolute_url()}#inscription" in content
    with translation.override("fr"):
        assert when(event) in content


def test_an_author_who_supported_before_may_still_withdraw(client, author):
    proposal = WorkshopProposalFactory(proposed_by=author)
    Support.objects.create(proposal=proposal, user=author)  # from before the rule
    client.force_login(author)
    assert "Retirer mon soutien" in client.get(LIST_URL).content.decode()
    assert proposal_support_toggle(user=author, proposal=proposal) is False
    assert not Support.objects.exists()
