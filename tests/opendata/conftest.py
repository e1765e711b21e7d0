"""Rows of every dataset, public and hidden, and the rate limit off for the other tests."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from chantiers.models import Chantier, Participation
from events.models import Event
from newsletter.models import Issue
from opendata.throttling import VisitorRateThrottle
from projets.models import Project
from tests.chantiers.factories import (
    ChantierFactory,
    NewsFactory,
    ParticipationFactory,
    ResourceFactory,
    StepFactory,
)
from tests.events.factories import EventFactory, RegistrationFactory
from tests.expertises.factories import CategoryFactory, FacilitatorFactory
from tests.newsletter.factories import IssueFactory, SectionFactory, SubscriberFactory
from tests.portal.factories import UserFactory
from tests.projets.factories import OrganisationFactory, ProjectFactory, ProjectTypeFactory
from tests.territoires.factories import ProvinceFactory

# Every hidden thing carries this word (no French text has it), so one search finds any leak.
SECRET = "xyzzy"


@pytest.fixture(autouse=True)
def _no_rate_limit(monkeypatch):
    """The suite sends many requests from one address: only test_throttling limits them."""
    monkeypatch.setattr(VisitorRateThrottle, "THROTTLE_RATES", {"opendata": None})


def world(n: int = 1) -> None:
    """``n`` public rows of every dataset, each with the related rows its serializer reads."""
    category = CategoryFactory()
    kind = ProjectTypeFactory()
    for _ in range(n):
        province = ProvinceFactory()
        chantier = ChantierFactory(status=Chantier.Status.ACTIVE)
        partner = OrganisationFactory()
        project = ProjectFactory(province=province, types=[kind])
        project.partners.add(partner)
        ParticipationFactory(project=project, chantier=chantier)
        event = EventFactory(
            province=province,
            chantier=chantier,
            organiser=partner,
            latitude=Decimal("50.41"),
            longitude=Decimal("4.91"),
        )
        StepFactory(chantier=chantier, event=event)
        ResourceFactory(chantier=chantier, provider=partner)
        facilitator = FacilitatorFactory()
        facilitator.categories.add(category)
        facilitator.provinces.add(province)
        NewsFactory(chantier=chantier, province=province)
        issue = IssueFactory(status=Issue.Status.SENT, sent_at=timezone.now())
        Issue.objects.filter(pk=issue.pk).update(number=issue.pk)
        SectionFactory(issue=issue)


@pytest.fixture
def hidden():
    """What no open data may show: personal data, drafts, withdrawn and unpublished rows."""
    province = ProvinceFactory(name="Province publique", slug="publique")
    officer = UserFactory(email=f"officer@{SECRET}.example")
    province.officers.add(officer)
    chantier = ChantierFactory(title="Chantier public", slug="chantier-public")
    withdrawn = ProjectFactory(
        name=f"Projet retiré {SECRET}", province=province, status=Project.Status.WITHDRAWN
    )
    ParticipationFactory(project=withdrawn, chantier=chantier, role=Participation.Role.LEAD)
    shown = ProjectFactory(
        name="Projet public",
        summary="Un projet visible.",
        province=province,
        contact_name=f"Jeanne {SECRET.capitalize()}",
        contact_email=f"contact@{SECRET}.example",
    )
    leader = UserFactory(email=f"leader@{SECRET}.example")
    shown.members.add(leader, through_defaults={})
    draft_event = EventFactory(
        title=f"Brouillon {SECRET}", status=Event.Status.DRAFT, province=province
    )
    event = EventFactory(
        title="Rencontre publique",
        province=province,
        online_url=f"https://visio.example/{SECRET}-room",
        created_by=UserFactory(email=f"organiser@{SECRET}.example"),
        latitude=Decimal("50.5"),
        longitude=Decimal("5.5"),
    )
    RegistrationFactory(
        event=event,
        user=UserFactory(email=f"registrant@{SECRET}.example"),
        remarks=f"Sans gluten {SECRET}",
    )
    StepFactory(chantier=chantier, event=draft_event, title="Étape publique")
    news_author = UserFactory(email=f"author@{SECRET}.example")
    draft_news = NewsFactory(title=f"Actualité {SECRET} brouillon", published_at=None)
    scheduled = NewsFactory(
        title=f"Actualité {SECRET} programmée",
        published_at=timezone.now() + datetime.timedelta(days=3),
    )
    NewsFactory(title="Actualité publique", author=news_author)
    unpublished = FacilitatorFactory(name=f"Service {SECRET}", is_published=False)
    FacilitatorFactory(
        name="Service public",
        contact_name=f"Paul {SECRET.capitalize()}",
        contact_email=f"service@{SECRET}.example",
        contact_phone="+32 81 00 00 00",
    )
    draft_issue = IssueFactory(subject=f"Lettre {SECRET}", status=Issue.Status.DRAFT)
    sent = IssueFactory(
        subject="Lettre publique",
        status=Issue.Status.SENT,
        number=1,
        sent_at=timezone.now(),
        created_by=UserFactory(email=f"editor@{SECRET}.example"),
    )
    SectionFactory(issue=sent, title="Rubrique publique")
    SubscriberFactory(email=f"reader@{SECRET}.example")
    return {
        "projets": [withdrawn.pk],
        "evenements": [draft_event.pk],
        "actualites": [draft_news.pk, scheduled.pk],
        "facilitateurs": [unpublished.pk],
        "lettres": [draft_issue.pk],
        "phone": "+32 81 00 00 00",
    }
