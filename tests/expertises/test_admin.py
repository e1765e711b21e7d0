"""Admin of the expertise catalogue: every page answers for staff; the review action."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from expertises.models import Facilitator, Need, Offer, Support, WorkshopProposal
from tests.expertises.factories import CategoryFactory, FacilitatorFactory
from tests.portal.factories import UserFactory
from tests.projets.factories import OrganisationFactory, ProjectFactory
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows():
    category = CategoryFactory()
    province = ProvinceFactory()
    project = ProjectFactory(province=province)
    user = UserFactory()
    proposal = WorkshopProposal.objects.create(title="Atelier marchés publics", proposed_by=user)
    Support.objects.create(proposal=proposal, user=user)
    Support.objects.create(proposal=proposal, user=UserFactory())
    return {
        "category": category,
        "facilitator": FacilitatorFactory(
            categories=[category], provinces=[province], organisation=OrganisationFactory()
        ),
        "offer": Offer.objects.create(project=project, category=category, description="Offre"),
        "need": Need.objects.create(
            project=project, category=category, province=province, description="Besoin"
        ),
        "workshopproposal": proposal,
        "support": proposal.supports.first(),
    }


MODELS = ["category", "facilitator", "offer", "need", "workshopproposal", "support"]


@pytest.mark.parametrize("model", MODELS)
def test_changelist_add_and_change_pages_answer(admin_client, rows, model):
    obj = rows[model]
    for url in [
        reverse(f"admin:expertises_{model}_changelist"),
        reverse(f"admin:expertises_{model}_add"),
        reverse(f"admin:expertises_{model}_change", args=[obj.pk]),
    ]:
        assert admin_client.get(url).status_code == HTTPStatus.OK, url


@pytest.mark.parametrize(
    "params",
    [
        {"q": "marché"},
        {"is_published__exact": "1"},
        {"cost__exact": "paid"},
        {"categories__id__exact": "1"},
        {"provinces__id__exact": "1"},
    ],
)
def test_facilitator_changelist_filters(admin_client, rows, params):
    response = admin_client.get(reverse("admin:expertises_facilitator_changelist"), params)

    assert response.status_code == HTTPStatus.OK


def test_facilitator_changelist_links_to_import_and_export(admin_client, rows):
    html = admin_client.get(reverse("admin:expertises_facilitator_changelist")).content.decode()

    assert reverse("admin:expertises_facilitator_import") in html
    assert reverse("admin:expertises_facilitator_export") in html


def test_proposal_changelist_counts_supports(admin_client, rows):
    response = admin_client.get(reverse("admin:expertises_workshopproposal_changelist"))

    assert response.context["cl"].result_list[0].support_count == 2


def test_mark_reviewed_today(admin_client, rows):
    facilitator = rows["facilitator"]
    facilitator.last_reviewed = datetime.date(2020, 1, 1)
    facilitator.save()

    response = admin_client.post(
        reverse("admin:expertises_facilitator_changelist"),
        {"action": "mark_reviewed_today", "_selected_action": [facilitator.pk]},
        follow=True,
    )

    facilitator.refresh_from_db()
    assert facilitator.last_reviewed == timezone.localdate()
    assert "1 fiche marquée comme vérifiée aujourd" in response.content.decode()


def test_saving_a_facilitator_in_the_admin_tells_the_needs_it_now_matches(
    admin_client, django_capture_on_commit_callbacks, mailoutbox
):
    from tests.expertises.factories import NeedFactory
    from tests.projets.factories import MembershipFactory

    category = CategoryFactory(name="Micro-crédit", slug="micro-credit")
    need = NeedFactory(category=category)
    leader = MembershipFactory(project=need.project).user
    data = {
        "name": "Crédal",
        "slug": "credal",
        "offer": "Micro-crédit pour les projets alimentaires.",
        "categories": [category.pk],
        "covers_all_wallonia": "on",
        "cost": "free",
        "is_published": "on",
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:expertises_facilitator_add"), data)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]

    assert [m.to for m in mailoutbox] == [[leader.email]]

    # Saving it again tells nobody twice.
    facilitator = Facilitator.objects.get(slug="credal")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:expertises_facilitator_change", args=[facilitator.pk]), data
        )
    assert len(mailoutbox) == 1
