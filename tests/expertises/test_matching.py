"""Matching needs with facilitators and peer offers, and the match emails (once per match)."""

import pytest
from django.core.management import call_command

from expertises.matching import match_counts, matches_for_need
from expertises.models import Need
from expertises.services import facilitator_published, needs_notify_all_matches, offer_create
from projets.models import Project
from tests.expertises.factories import (
    CategoryFactory,
    FacilitatorFactory,
    NeedFactory,
    OfferFactory,
)
from tests.portal.factories import UserFactory
from tests.projets.factories import MembershipFactory, ProjectFactory
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def liege():
    return ProvinceFactory(name="Liège", slug="liege")


@pytest.fixture
def namur():
    return ProvinceFactory(name="Namur", slug="namur")


@pytest.fixture
def funding():
    return CategoryFactory(name="Financement", slug="financement")


@pytest.fixture
def legal():
    return CategoryFactory(name="Juridique", slug="juridique")


@pytest.fixture
def project(liege):
    return ProjectFactory(name="Ferme liégeoise", province=liege)


@pytest.fixture
def leader(project):
    return MembershipFactory(project=project, user=UserFactory(email="porteuse@example.org")).user


@pytest.fixture
def need(project, funding, liege, leader):
    return NeedFactory(project=project, category=funding, province=liege)


def names(queryset):
    return sorted(str(x) for x in queryset)


def check_counts(need):
    """The board's counts follow the same rules as the need's page."""
    facilitators, offers = matches_for_need(need)
    assert match_counts([need])[need.pk] == (len(facilitators), len(offers))


def test_facilitators_by_category_and_province(need, funding, legal, liege, namur):
    in_liege = FacilitatorFactory(name="Crédit Liège", categories=[funding], provinces=[liege])
    everywhere = FacilitatorFactory(
        name="Crédit Wallonie", categories=[funding], covers_all_wallonia=True
    )
    FacilitatorFactory(name="Crédit Namur", categories=[funding], provinces=[namur])
    FacilitatorFactory(name="Avocats", categories=[legal], provinces=[liege])
    FacilitatorFactory(
        name="Brouillon", categories=[funding], provinces=[liege], is_published=False
    )
    # Several provinces must not count a facilitator twice.
    FacilitatorFactory(name="Crédit Est", categories=[funding, legal], provinces=[liege, namur])
    facilitators, _offers = matches_for_need(need)
    assert names(facilitators) == ["Crédit Est", "Crédit Liège", "Crédit Wallonie"]
    assert in_liege in facilitators and everywhere in facilitators
    check_counts(need)


def test_need_without_province_matches_every_facilitator_of_its_category(
    project, funding, liege, namur
):
    need = NeedFactory(project=project, category=funding, province=None)
    FacilitatorFactory(name="Crédit Liège", categories=[funding], provinces=[liege])
    FacilitatorFactory(name="Crédit Namur", categories=[funding], provinces=[namur])
    FacilitatorFactory(name="Sans zone", categories=[funding])
    FacilitatorFactory(name="Autre", categories=[CategoryFactory()], covers_all_wallonia=True)
    facilitators, _offers = matches_for_need(need)
    assert names(facilitators) == ["Crédit Liège", "Crédit Namur", "Sans zone"]
    check_counts(need)


def test_offers_of_other_projects_in_the_province_or_wallonia_wide(
    need, project, funding, legal, liege, namur
):
    OfferFactory(project=project, category=funding)  # its own project: never
    same = OfferFactory(project=ProjectFactory(name="Voisin", province=liege), category=funding)
    wide = OfferFactory(project=ProjectFactory(name="Régional", province=None), category=funding)
    OfferFactory(project=ProjectFactory(name="Namurois", province=namur), category=funding)
    OfferFactory(project=ProjectFactory(name="Juriste", province=liege), category=legal)
    OfferFactory(
        project=ProjectFactory(name="Retiré", province=liege, status=Project.Status.WITHDRAWN),
        category=funding,
    )
    _facilitators, offers = matches_for_need(need)
    assert set(offers) == {same, wide}
    check_counts(need)
    need.province = None
    need.save()
    _facilitators, offers = matches_for_need(need)
    assert {o.project.name for o in offers} == {"Voisin", "Régional", "Namurois"}
    check_counts(need)


# Notifications --------------------------------------------------------------------------------


def test_new_facilitator_emails_the_leader_once(
    need, funding, liege, leader, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        facilitator = FacilitatorFactory(
            name="Crédit Wallonie", categories=[funding], covers_all_wallonia=True
        )
        facilitator_published(facilitator=facilitator)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [leader.email]
    assert "Financement" in message.subject
    assert "Crédit Wallonie" in message.body
    assert need.get_absolute_url() in message.body
    with django_capture_on_commit_callbacks(execute=True):
        facilitator_published(facilitator=facilitator)
        needs_notify_all_matches()
        call_command("notify_need_matches", stdout=None)
    assert len(mailoutbox) == 1


def test_scan_run_twice_sends_once_a_facilitator_that_gained_a_province(
    need, funding, liege, namur, leader, mailoutbox, django_capture_on_commit_callbacks
):
    facilitator = FacilitatorFactory(name="Crédit", categories=[funding], provinces=[namur])
    with django_capture_on_commit_callbacks(execute=True):
        assert needs_notify_all_matches() == 0
    # The admin saves the facilitator, then its new province (no hook called).
    facilitator.save()
    facilitator.provinces.add(liege)
    with django_capture_on_commit_callbacks(execute=True):
        assert needs_notify_all_matches() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert needs_notify_all_matches() == 0
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [leader.email]


def test_scan_does_not_announce_what_existed_before_the_need(
    project, funding, liege, leader, mailoutbox, django_capture_on_commit_callbacks
):
    FacilitatorFactory(categories=[funding], provinces=[liege])
    NeedFactory(project=project, category=funding, province=liege)
    with django_capture_on_commit_callbacks(execute=True):
        assert needs_notify_all_matches() == 0
    assert mailoutbox == []


def test_new_offer_emails_the_leader_once(
    need, funding, liege, leader, mailoutbox, django_capture_on_commit_callbacks
):
    other = ProjectFactory(name="Voisin", province=liege)
    other_leader = MembershipFactory(project=other).user
    with django_capture_on_commit_callbacks(execute=True):
        offer = offer_create(
            user=other_leader,
            project=other,
            data={"category": funding, "description": "Nous prêtons."},
        )
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [leader.email]
    assert "Voisin" in mailoutbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        needs_notify_all_matches()
        needs_notify_all_matches()
    assert len(mailoutbox) == 1
    assert offer.pk


def test_answered_need_is_not_notified(
    need, funding, mailoutbox, django_capture_on_commit_callbacks
):
    need.status = Need.Status.ANSWERED
    need.save()
    with django_capture_on_commit_callbacks(execute=True):
        facilitator_published(
            facilitator=FacilitatorFactory(categories=[funding], covers_all_wallonia=True)
        )
    assert mailoutbox == []
