"""A small world of every app's rows, counted by hand in the tests of the dashboard.

``world_build(now)`` makes it; ``world_grow(now, times)`` adds ``times`` more of the same shape
(without the hand counts: for the query counts at ten times the data).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from chantiers.models import Participation
from events.models import Event, Registration
from expertises.models import Need, Support, WorkshopProposal
from newsletter.models import Delivery, Subscriber
from portal.models import OutgoingEmail
from projets.models import Project
from territoires.models import Province
from tests.chantiers.factories import ChantierFactory, ParticipationFactory
from tests.events.factories import EventFactory, RegistrationFactory
from tests.expertises.factories import (
    CategoryFactory,
    FacilitatorFactory,
    NeedFactory,
    OfferFactory,
    WorkshopProposalFactory,
)
from tests.newsletter.factories import IssueFactory, SubscriberFactory
from tests.portal.factories import UserFactory
from tests.projets.factories import ProjectFactory

# The dashboard's "now" in these tests: mid-June 2026, in Brussels.
NOW = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.UTC)


BRUSSELS = ZoneInfo("Europe/Brussels")


def at(year: int, month: int, day: int) -> datetime.datetime:
    """10 o'clock on that day in Brussels."""
    return datetime.datetime(year, month, day, 10, 0, tzinfo=BRUSSELS)


@dataclass
class World:
    liege: Province
    namur: Province
    e1: Event
    e2: Event
    e4: Event


def _register(event: Event, status: str, *, attended: bool | None = None) -> Registration:
    return RegistrationFactory(event=event, status=status, attended=attended)


def _email(status: str, *, claimed_at: datetime.datetime | None = None) -> OutgoingEmail:
    return OutgoingEmail.objects.create(
        to="quelquun@example.org",
        subject="Un message",
        body_text="Bonjour",
        status=status,
        claimed_at=claimed_at,
    )


def _subscriber(
    *,
    status: str,
    created: datetime.datetime,
    consent: datetime.datetime | None = None,
    unsubscribed: datetime.datetime | None = None,
    provinces: list[Province] | None = None,
) -> Subscriber:
    subscriber = SubscriberFactory(status=status, consent_at=consent, unsubscribed_at=unsubscribed)
    Subscriber.objects.filter(pk=subscriber.pk).update(created_at=created)
    if provinces:
        subscriber.provinces.set(provinces)
    return subscriber


def world_build(liege: Province, namur: Province) -> World:
    """The hand-counted world (see tests/dashboard/test_selectors.py for the counts)."""
    confirmed, waiting, cancelled = (
        Registration.Status.CONFIRMED,
        Registration.Status.WAITING,
        Registration.Status.CANCELLED,
    )
    logistique = ChantierFactory(title="Logistique", order=1)
    cantines = ChantierFactory(title="Cantines", order=2)

    # Events: E1 in Liège (May 2026), E2 in Namur (June), E4 Wallonia-wide (March), E3 a draft.
    e1 = EventFactory(
        title="Rencontre de Liège", province=liege, chantier=logistique, start=at(2026, 5, 6)
    )
    for attended in (True, True, None):
        _register(e1, confirmed, attended=attended)
    _register(e1, waiting)
    _register(e1, cancelled)
    _register(e1, cancelled)
    e2 = EventFactory(
        title="Rencontre de Namur", province=namur, chantier=cantines, start=at(2026, 6, 25)
    )
    _register(e2, confirmed)
    e3 = EventFactory(
        title="Brouillon", province=liege, status=Event.Status.DRAFT, start=at(2026, 6, 1)
    )
    _register(e3, confirmed)
    e4 = EventFactory(
        title='=HYPERLINK("http://evil.example")',
        province=None,
        chantier=logistique,
        start=at(2026, 3, 7),
    )
    _register(e4, confirmed)
    _register(e4, confirmed)

    # Projects: P1–P2 in Liège, P3 in Namur, P4 withdrawn, P5 Wallonia-wide.
    p1 = ProjectFactory(name="P1", province=liege, is_confirmed=True)
    p2 = ProjectFactory(name="P2", province=liege, is_confirmed=False)
    p3 = ProjectFactory(name="P3", province=namur, is_confirmed=False)
    p4 = ProjectFactory(
        name="P4", province=liege, is_confirmed=True, status=Project.Status.WITHDRAWN
    )
    p5 = ProjectFactory(name="P5", province=None, is_confirmed=True)
    ParticipationFactory(chantier=logistique, project=p1, role=Participation.Role.LEAD)
    ParticipationFactory(chantier=logistique, project=p2, role=Participation.Role.CONTRIBUTOR)
    ParticipationFactory(chantier=logistique, project=p3, role=Participation.Role.INTERESTED)
    ParticipationFactory(chantier=logistique, project=p4, role=Participation.Role.LEAD)
    ParticipationFactory(chantier=cantines, project=p5, role=Participation.Role.LEAD)

    # Subscribers: S1 (Liège) confirmed in January, S2 (Namur) pending since June, S3 (Liège)
    # confirmed in December and gone in March, S4 (no province) confirmed in May.
    status = Subscriber.Status
    s1 = _subscriber(
        status=status.CONFIRMED, created=at(2026, 1, 10), consent=at(2026, 1, 11), provinces=[liege]
    )
    _subscriber(status=status.PENDING, created=at(2026, 6, 1), provinces=[namur])
    s3 = _subscriber(
        status=status.UNSUBSCRIBED,
        created=at(2025, 12, 1),
        consent=at(2025, 12, 2),
        unsubscribed=at(2026, 3, 5),
        provinces=[liege, namur],
    )
    s4 = _subscriber(status=status.CONFIRMED, created=at(2026, 5, 20), consent=at(2026, 5, 20))

    # One issue sent: to S1 and S3 sent, to S4 failed; a draft issue.
    mail = OutgoingEmail.Status
    issue = IssueFactory(sent=True, subject="Lettre de printemps")
    for subscriber, outcome in ((s1, mail.SENT), (s3, mail.SENT), (s4, mail.FAILED)):
        Delivery.objects.create(issue=issue, subscriber=subscriber, email=_email(outcome))
    IssueFactory(subject="Brouillon de lettre")

    # Outbox besides the issue: one queued, one sending now, one uncertain, one failed.
    _email(mail.QUEUED)
    _email(mail.SENDING, claimed_at=NOW - datetime.timedelta(minutes=1))
    _email(mail.SENDING, claimed_at=NOW - datetime.timedelta(minutes=20))
    _email(mail.FAILED)

    # Needs: in « Terres », N1 (Liège) fits a facilitator, N2 (Namur) nothing, N3 answered;
    # in « Outils », N4 (Wallonia-wide) fits P2's offer.
    foncier = CategoryFactory(name="Terres", slug="terres", order=1)
    transformation = CategoryFactory(name="Outils", slug="outils", order=2)
    FacilitatorFactory(categories=[foncier], provinces=[liege])
    NeedFactory(project=p1, category=foncier)
    NeedFactory(project=p3, category=foncier)
    NeedFactory(project=p1, category=foncier, status=Need.Status.ANSWERED)
    NeedFactory(project=p5, category=transformation)
    OfferFactory(project=p2, category=transformation)

    # Proposals: W1 open with two supports, W2 open with none, W3 declined with three.
    w1 = WorkshopProposalFactory(title="Atelier compostage", chantier=logistique)
    WorkshopProposalFactory(title="Atelier conserves")
    w3 = WorkshopProposalFactory(title="Atelier refusé", status=WorkshopProposal.Status.DECLINED)
    for proposal, count in ((w1, 2), (w3, 3)):
        for _index in range(count):
            Support.objects.create(proposal=proposal, user=UserFactory())
    return World(liege=liege, namur=namur, e1=e1, e2=e2, e4=e4)


def world_grow(liege: Province, namur: Province, times: int, *, now: datetime.datetime) -> None:
    """``times`` more rows of every kind the dashboard counts, spread over its months."""
    for index in range(times):
        province = liege if index % 2 else namur
        start = now - datetime.timedelta(days=25 * (index % 12))
        chantier = ChantierFactory()
        event = EventFactory(province=province, chantier=chantier, start=start)
        RegistrationFactory(event=event)
        RegistrationFactory(event=event, status=Registration.Status.WAITING)
        project = ProjectFactory(province=province)
        ParticipationFactory(chantier=chantier, project=project)
        subscriber = SubscriberFactory(provinces=[province])
        issue = IssueFactory(sent=True)
        Delivery.objects.create(
            issue=issue, subscriber=subscriber, email=_email(OutgoingEmail.Status.SENT)
        )
        category = CategoryFactory()
        FacilitatorFactory(categories=[category], provinces=[province])
        NeedFactory(project=project, category=category)
        OfferFactory(category=category, project__province=province)
        proposal = WorkshopProposalFactory(chantier=chantier)
        Support.objects.create(proposal=proposal, user=UserFactory())
        _email(OutgoingEmail.Status.QUEUED)
