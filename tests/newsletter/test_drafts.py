"""A province's issue keeps Wallonia-wide events and news in its agenda: filled from the admin,
sent, and read in the subscriber's email (from the outbox)."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from newsletter.models import Issue
from newsletter.services import issue_send_start
from portal.models import OutgoingEmail
from tests.chantiers.factories import ChantierFactory, NewsFactory
from tests.events.factories import EventFactory
from tests.newsletter.factories import IssueFactory, SubscriberFactory
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def test_a_liege_issue_carries_the_wallonia_wide_workshop_to_liege_subscribers(
    client, staff, django_capture_on_commit_callbacks
):
    liege = ProvinceFactory(name="Liège", slug="liege")
    namur = ProvinceFactory(name="Namur", slug="namur")
    now = timezone.now()
    EventFactory(
        title="Atelier marchés publics",
        kind=Event.Kind.WORKSHOP,
        chantier=ChantierFactory(),
        province=None,
        start=now + 20 * DAY,
    )
    EventFactory(title="Rencontre de Liège", province=liege, start=now + 10 * DAY)
    EventFactory(title="Rencontre de Namur", province=namur, start=now + 12 * DAY)
    NewsFactory(title="Nouvelle wallonne", province=None)
    NewsFactory(title="Nouvelle liégeoise", province=liege)
    NewsFactory(title="Nouvelle namuroise", province=namur)
    issue = IssueFactory(subject="Lettre de Liège")
    issue.provinces.set([liege])
    reader = SubscriberFactory(email="lecteur@example.org")
    reader.provinces.set([liege])
    SubscriberFactory(email="namurois@example.org").provinces.set([namur])

    client.force_login(staff)
    response = client.post(reverse("admin:newsletter_issue_fill", args=[issue.pk]))
    assert response.status_code == HTTPStatus.FOUND

    agenda = issue.sections.get(title="Agenda").body
    assert "Atelier marchés publics" in agenda
    assert "Rencontre de Liège" in agenda
    assert "Rencontre de Namur" not in agenda
    news = issue.sections.get(title="Actualités").body
    assert "Nouvelle wallonne" in news and "Nouvelle liégeoise" in news
    assert "Nouvelle namuroise" not in news

    with django_capture_on_commit_callbacks(execute=True):
        issue_send_start(issue=issue, by=staff)
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.SENT
    [sent] = OutgoingEmail.objects.filter(subject__contains="Lettre de Liège")
    assert sent.to == "lecteur@example.org"
    assert "Atelier marchés publics" in sent.body_text
    assert "Atelier marchés publics" in sent.body_html
