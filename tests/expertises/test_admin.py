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
    record = facilitator.history.latest()
    assert record.history_user == response.wsgi_request.user
    assert record.history_change_reason == "Vérifié aujourd'hui"


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


# --- Writes through the services (issue 10) ----------------------------------------------------


@pytest.fixture
def as_staff(client, staff):
    client.force_login(staff)
    return client


def test_an_offer_added_in_the_admin_tells_the_needs_it_matches(as_staff):
    from portal.models import OutgoingEmail
    from tests.expertises.factories import NeedFactory
    from tests.projets.factories import MembershipFactory

    category = CategoryFactory(name="Chambre froide partagée")
    need = NeedFactory(category=category, province=None)
    leader = MembershipFactory(project=need.project).user
    offering = ProjectFactory(name="Halle de Bastogne")

    response = as_staff.post(
        reverse("admin:expertises_offer_add"),
        {"project": offering.pk, "category": category.pk, "description": "Une chambre froide."},
    )

    assert response.status_code == HTTPStatus.FOUND
    offer = Offer.objects.get(project=offering)
    [email] = OutgoingEmail.objects.all()
    assert email.to == leader.email
    assert email.key.startswith(f"need-{need.pk}-offer-{offer.pk}")


def test_an_offer_moved_to_another_category_tells_the_needs_of_that_one(as_staff):
    from portal.models import OutgoingEmail
    from tests.admin_forms import change_form_data
    from tests.expertises.factories import NeedFactory, OfferFactory
    from tests.projets.factories import MembershipFactory

    offer = OfferFactory(category=CategoryFactory(name="Transformation"))
    need = NeedFactory(category=CategoryFactory(name="Financement"), province=None)
    leader = MembershipFactory(project=need.project).user
    url = reverse("admin:expertises_offer_change", args=[offer.pk])
    data = change_form_data(as_staff.get(url))
    data["category"] = need.category_id

    assert as_staff.post(url, data).status_code == HTTPStatus.FOUND

    assert [e.to for e in OutgoingEmail.objects.all()] == [leader.email]


def test_a_need_added_in_the_admin_is_created_by_the_service(as_staff, staff):
    project = ProjectFactory(province=ProvinceFactory(name="Namur"))
    category = CategoryFactory()

    response = as_staff.post(
        reverse("admin:expertises_need_add"),
        {
            "project": project.pk,
            "category": category.pk,
            "description": "Un local.",
            "urgency": Need.Urgency.MEDIUM,
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    need = Need.objects.get(project=project)
    assert need.created_by == staff  # set by the service, not a field of the form


def test_a_needs_status_is_changed_by_the_action_only(as_staff, rows):
    need = rows["need"]
    page = as_staff.get(reverse("admin:expertises_need_change", args=[need.pk]))

    assert "status" not in page.context["adminform"].form.fields
    as_staff.post(
        reverse("admin:expertises_need_changelist"),
        {"action": "mark_needs_answered", "_selected_action": [need.pk]},
    )
    need.refresh_from_db()
    assert need.status == Need.Status.ANSWERED
    assert need.answered_by is not None


def test_proposals_are_set_aside_by_the_action_all_or_nothing(as_staff, rows):
    open_one = rows["workshopproposal"]
    handled = WorkshopProposal.objects.create(
        title="Déjà traitée", status=WorkshopProposal.Status.DECLINED
    )
    url = reverse("admin:expertises_workshopproposal_changelist")

    refused = as_staff.post(
        url, {"action": "decline_proposals", "_selected_action": [open_one.pk, handled.pk]}
    )
    assert refused.status_code == HTTPStatus.FOUND
    open_one.refresh_from_db()
    assert open_one.status == WorkshopProposal.Status.OPEN

    as_staff.post(url, {"action": "decline_proposals", "_selected_action": [open_one.pk]})
    open_one.refresh_from_db()
    assert open_one.status == WorkshopProposal.Status.DECLINED
