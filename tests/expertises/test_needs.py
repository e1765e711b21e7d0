"""Needs and offers from the leaders' space: permissions per role, bad input, pages' queries."""

from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from expertises.models import Need, Offer
from expertises.permissions import (
    can_edit_need,
    can_see_need_board,
    can_see_need_matches,
    needs_editable_by,
    needs_visible_to,
)
from expertises.services import (
    need_create,
    need_delete,
    need_mark_answered,
    need_update,
    offer_create,
    offer_delete,
    offer_update,
)
from tests.expertises.factories import CategoryFactory, NeedFactory, OfferFactory
from tests.portal.factories import UserFactory
from tests.projets.factories import MembershipFactory, ProjectFactory
from tests.querycount import assert_constant_queries
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def liege():
    return ProvinceFactory(name="Liège", slug="liege")


@pytest.fixture
def project_a(liege):
    return ProjectFactory(name="Projet A", slug="projet-a", province=liege)


@pytest.fixture
def project_b():
    return ProjectFactory(name="Projet B", slug="projet-b")


@pytest.fixture
def leader_a(project_a):
    return MembershipFactory(project=project_a, user=UserFactory(email="a@example.org")).user


@pytest.fixture
def leader_b(project_b):
    return MembershipFactory(project=project_b, user=UserFactory(email="b@example.org")).user


@pytest.fixture
def member():
    return UserFactory(email="membre@example.org")


@pytest.fixture
def category():
    return CategoryFactory(name="Marchés publics", slug="marches-publics")


@pytest.fixture
def need_a(project_a, category, leader_a):
    return NeedFactory(project=project_a, category=category, description="Un appel d'offres")


def need_data(category, province=None, **overrides):
    data = {
        "category": category.pk,
        "province": province.pk if province else "",
        "description": "Aide pour répondre à un marché public.",
        "urgency": "high",
    }
    data.update(overrides)
    return data


# Permissions ----------------------------------------------------------------------------------


def test_needs_visible_to_signed_in_members_only(need_a, member, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    assert not needs_visible_to(AnonymousUser()).exists()
    assert list(needs_visible_to(member)) == [need_a]


def test_needs_editable_by_role(need_a, leader_a, leader_b, member, staff):
    assert list(needs_editable_by(leader_a)) == [need_a]
    assert not needs_editable_by(leader_b).exists()
    assert not needs_editable_by(member).exists()
    assert list(needs_editable_by(staff)) == [need_a]
    assert can_edit_need(leader_a, need_a)
    assert not can_edit_need(leader_b, need_a)
    assert can_see_need_matches(staff, need_a)
    assert not can_see_need_matches(member, need_a)
    assert can_see_need_board(staff)
    assert not can_see_need_board(leader_a)


# Services -------------------------------------------------------------------------------------


def test_need_create_defaults_to_the_projects_province(project_a, leader_a, category, liege):
    need = need_create(
        user=leader_a,
        project=project_a,
        data={"category": category, "description": "x", "urgency": "low"},
    )
    assert need.province == liege
    assert need.created_by == leader_a
    assert need.status == Need.Status.OPEN


def test_need_services_refuse_another_projects_leader(need_a, leader_b, project_a, category):
    with pytest.raises(ValidationError, match="ne portez pas ce projet"):
        need_create(user=leader_b, project=project_a, data={"category": category})
    with pytest.raises(ValidationError):
        need_update(user=leader_b, need=need_a, data={"description": "piraté"})
    with pytest.raises(ValidationError):
        need_delete(user=leader_b, need=need_a)
    need_a.refresh_from_db()
    assert need_a.description == "Un appel d'offres"


def test_need_service_refuses_oversized_description(need_a, leader_a):
    with pytest.raises(ValidationError) as error:
        need_update(user=leader_a, need=need_a, data={"description": "x" * 2001})
    assert "description" in error.value.message_dict


def test_offer_services(project_a, leader_a, leader_b, category):
    offer = offer_create(
        user=leader_a, project=project_a, data={"category": category, "description": "Compta"}
    )
    offer_update(user=leader_a, offer=offer, data={"description": "Comptabilité"})
    offer.refresh_from_db()
    assert offer.description == "Comptabilité"
    with pytest.raises(ValidationError):
        offer_update(user=leader_b, offer=offer, data={"description": "piraté"})
    with pytest.raises(ValidationError):
        offer_delete(user=leader_b, offer=offer)
    offer_delete(user=leader_a, offer=offer)
    assert not Offer.objects.exists()


def test_mark_answered_by_leader_and_staff_not_by_others(need_a, leader_a, leader_b, staff):
    with pytest.raises(ValidationError):
        need_mark_answered(by=leader_b, need=need_a)
    need_mark_answered(by=leader_a, need=need_a)
    need_a.refresh_from_db()
    assert need_a.status == Need.Status.ANSWERED
    assert need_a.answered_by == leader_a
    assert need_a.answered_at is not None
    with pytest.raises(ValidationError, match="déjà"):
        need_mark_answered(by=staff, need=need_a)


# Views ----------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, need_a, project_a):
    for url in [
        reverse("espace_expertises:need_list"),
        need_a.get_absolute_url(),
        reverse("espace_expertises:need_create", args=[project_a.slug]),
        reverse("espace_expertises:board"),
    ]:
        response = client.get(url)
        assert response.status_code == HTTPStatus.FOUND
        assert "/compte/login/" in response["Location"]


def test_leader_adds_a_need(client, leader_a, project_a, category, liege):
    client.force_login(leader_a)
    url = reverse("espace_expertises:need_create", args=[project_a.slug])
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].initial["province"] == liege.pk
    response = client.post(url, need_data(category, liege))
    need = Need.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == need.get_absolute_url()
    assert need.project == project_a
    assert need.province == liege


def test_bad_input_shows_french_errors_and_keeps_what_was_typed(
    client, leader_a, project_a, category
):
    client.force_login(leader_a)
    url = reverse("espace_expertises:need_create", args=[project_a.slug])
    response = client.post(url, need_data(category, description=""))
    assert response.status_code == HTTPStatus.OK
    assert "Ce champ est obligatoire." in response.content.decode()
    long_text = "é" * 2001
    response = client.post(url, need_data(category, description=long_text))
    content = response.content.decode()
    assert "ne peut pas dépasser 2000 caractères" in content
    assert long_text in content  # what was typed stays in the field
    response = client.post(url, {**need_data(category), "category": ""})
    assert "Choisissez une catégorie." in response.content.decode()
    assert not Need.objects.exists()


def test_offer_bad_input(client, leader_a, project_a, category):
    client.force_login(leader_a)
    url = reverse("espace_expertises:offer_create", args=[project_a.slug])
    response = client.post(url, {"category": category.pk, "description": "  "})
    assert response.status_code == HTTPStatus.OK
    assert "Ce champ est obligatoire." in response.content.decode()
    assert not Offer.objects.exists()


def test_need_of_another_project_is_404_and_forged_posts_change_nothing(
    client, need_a, leader_b, category, project_a
):
    client.force_login(leader_b)
    edit = reverse("espace_expertises:need_edit", args=[need_a.pk])
    delete = reverse("espace_expertises:need_delete", args=[need_a.pk])
    answered = reverse("espace_expertises:need_mark_answered", args=[need_a.pk])
    assert client.get(edit).status_code == HTTPStatus.NOT_FOUND
    assert client.get(delete).status_code == HTTPStatus.NOT_FOUND
    assert client.post(edit, need_data(category, description="piraté")).status_code == 404
    assert client.post(delete).status_code == HTTPStatus.NOT_FOUND
    assert client.post(answered).status_code == HTTPStatus.NOT_FOUND
    create = reverse("espace_expertises:need_create", args=[project_a.slug])
    assert client.post(create, need_data(category)).status_code == HTTPStatus.NOT_FOUND
    assert (
        client.get(reverse("espace_expertises:project", args=[project_a.slug])).status_code == 404
    )
    need_a.refresh_from_db()
    assert need_a.description == "Un appel d'offres"
    assert need_a.status == Need.Status.OPEN
    assert Need.objects.count() == 1


def test_offer_of_another_project_is_404(client, project_a, leader_b, category):
    offer = OfferFactory(project=project_a, category=category, description="Compta")
    client.force_login(leader_b)
    url = reverse("espace_expertises:offer_edit", args=[offer.pk])
    assert client.post(url, {"category": category.pk, "description": "x"}).status_code == 404
    url = reverse("espace_expertises:offer_delete", args=[offer.pk])
    assert client.post(url).status_code == HTTPStatus.NOT_FOUND
    offer.refresh_from_db()
    assert offer.description == "Compta"


def test_leader_edits_and_deletes_own_need(client, need_a, leader_a, category):
    client.force_login(leader_a)
    edit = reverse("espace_expertises:need_edit", args=[need_a.pk])
    client.post(edit, need_data(category, description="Nouveau texte", urgency="low"))
    need_a.refresh_from_db()
    assert need_a.description == "Nouveau texte"
    assert need_a.province is None  # emptied: Wallonia-wide
    client.post(reverse("espace_expertises:need_delete", args=[need_a.pk]))
    assert not Need.objects.exists()


def test_need_detail_matches_for_leader_and_staff_only(client, need_a, leader_a, member, staff):
    for user, shown in [(leader_a, True), (staff, True), (member, False)]:
        client.force_login(user)
        response = client.get(need_a.get_absolute_url())
        assert response.status_code == HTTPStatus.OK
        assert response.context["show_matches"] is shown
        assert ("Facilitateurs qui correspondent" in response.content.decode()) is shown


def test_member_cannot_mark_answered(client, need_a, member):
    client.force_login(member)
    url = reverse("espace_expertises:need_mark_answered", args=[need_a.pk])
    assert client.post(url).status_code == HTTPStatus.NOT_FOUND
    need_a.refresh_from_db()
    assert need_a.status == Need.Status.OPEN


def test_staff_marks_answered_from_the_board(client, need_a, staff):
    client.force_login(staff)
    url = reverse("espace_expertises:need_mark_answered", args=[need_a.pk])
    response = client.post(url, {"next": "board"})
    assert response["Location"] == reverse("espace_expertises:board")
    need_a.refresh_from_db()
    assert need_a.status == Need.Status.ANSWERED


def test_board_is_404_for_leaders(client, leader_a):
    client.force_login(leader_a)
    assert client.get(reverse("espace_expertises:board")).status_code == HTTPStatus.NOT_FOUND


def test_need_list_filters(client, member, need_a, project_b, category, liege):
    other = NeedFactory(project=project_b, category=CategoryFactory(), province=None)
    answered = NeedFactory(project=project_b, category=category, status=Need.Status.ANSWERED)
    client.force_login(member)
    url = reverse("espace_expertises:need_list")
    assert set(client.get(url).context["needs"]) == {need_a, other}
    response = client.get(url, {"categorie": category.slug})
    assert list(response.context["needs"]) == [need_a]
    response = client.get(url, {"province": liege.slug})
    assert list(response.context["needs"]) == [need_a]
    response = client.get(url, {"categorie": "inconnue"})
    assert response.status_code == HTTPStatus.OK
    assert answered not in response.context["needs"]


def test_project_page_shows_offers_publicly_and_needs_to_members(
    client, project_a, need_a, member, category
):
    OfferFactory(project=project_a, category=category, description="Nous savons compter.")
    response = client.get(project_a.get_absolute_url())
    content = response.content.decode()
    assert "Expertises offertes" in content
    assert "Nous savons compter." in content
    assert "Un appel d&#x27;offres" not in content
    client.force_login(member)
    content = client.get(project_a.get_absolute_url()).content.decode()
    assert "Un appel d&#x27;offres" in content


def test_home_links_to_the_projects_needs(client, leader_a, project_a):
    client.force_login(leader_a)
    content = client.get(reverse("espace:home")).content.decode()
    assert reverse("espace_expertises:project", args=[project_a.slug]) in content
    assert reverse("espace_expertises:need_list") in content


# Query counts ---------------------------------------------------------------------------------


def test_need_list_query_count(client, member, category):
    client.force_login(member)

    def grow(n):
        for _ in range(n):
            NeedFactory(category=category)

    assert_constant_queries(client, reverse("espace_expertises:need_list"), grow)


def test_board_query_count(client, staff, category):
    from tests.expertises.factories import FacilitatorFactory

    client.force_login(staff)

    def grow(n):
        for _ in range(n):
            province = ProvinceFactory()
            need = NeedFactory(category=category, province=province)
            FacilitatorFactory(categories=[category], provinces=[province])
            OfferFactory(category=category, project=ProjectFactory(province=province))
            assert need

    assert_constant_queries(client, reverse("espace_expertises:board"), grow)


def test_project_expertise_query_count(client, leader_a, project_a):
    client.force_login(leader_a)

    def grow(n):
        for _ in range(n):
            NeedFactory(project=project_a)
            OfferFactory(project=project_a)

    assert_constant_queries(
        client, reverse("espace_expertises:project", args=[project_a.slug]), grow
    )


def test_project_page_query_count(client, member, project_a):
    client.force_login(member)

    def grow(n):
        for _ in range(n):
            NeedFactory(project=project_a)
            OfferFactory(project=project_a)

    assert_constant_queries(client, project_a.get_absolute_url(), grow)


def test_need_detail_query_count(client, need_a, leader_a, category, liege):
    from tests.expertises.factories import FacilitatorFactory

    client.force_login(leader_a)

    def grow(n):
        for _ in range(n):
            FacilitatorFactory(categories=[category], provinces=[liege])
            OfferFactory(category=category, project=ProjectFactory(province=liege))

    assert_constant_queries(client, need_a.get_absolute_url(), grow)


# Admin actions --------------------------------------------------------------------------------


def test_admin_action_marks_needs_answered(client, need_a):
    admin = UserFactory(is_staff=True, is_superuser=True, email="root@example.org")
    client.force_login(admin)
    response = client.post(
        reverse("admin:expertises_need_changelist"),
        {"action": "mark_needs_answered", "_selected_action": [need_a.pk]},
    )
    assert response.status_code == HTTPStatus.FOUND
    need_a.refresh_from_db()
    assert need_a.status == Need.Status.ANSWERED
    assert need_a.answered_by == admin


def test_admin_action_schedule_leads_to_the_prefilled_form(client):
    from tests.expertises.factories import WorkshopProposalFactory

    proposal = WorkshopProposalFactory()
    admin = UserFactory(is_staff=True, is_superuser=True, email="root@example.org")
    client.force_login(admin)
    response = client.post(
        reverse("admin:expertises_workshopproposal_changelist"),
        {"action": "schedule_proposal", "_selected_action": [proposal.pk]},
    )
    assert response["Location"] == reverse(
        "espace_expertises:proposal_schedule", args=[proposal.pk]
    )


@pytest.mark.parametrize("page", ["need_create", "offer_create", "need_edit", "offer_edit"])
def test_form_pages_query_count(client, leader_a, project_a, need_a, category, page):
    """The forms' choice lists (categories, provinces) cost one query each, whatever their size."""
    offer = OfferFactory(project=project_a, category=category)
    urls = {
        "need_create": reverse("espace_expertises:need_create", args=[project_a.slug]),
        "offer_create": reverse("espace_expertises:offer_create", args=[project_a.slug]),
        "need_edit": reverse("espace_expertises:need_edit", args=[need_a.pk]),
        "offer_edit": reverse("espace_expertises:offer_edit", args=[offer.pk]),
    }
    client.force_login(leader_a)

    def grow(n):
        for _ in range(n):
            CategoryFactory()
            ProvinceFactory()

    assert_constant_queries(client, urls[page], grow)
