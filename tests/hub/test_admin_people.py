"""A person's page in the admin writes through the services: the projects led and provinces
followed (each new one told by email), the staff role (with the group and its permissions) and
the sign-in address (a superuser's alone: no account takeover by staff)."""

import re
import uuid
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from portal.models import OutgoingEmail, User
from portal.roles import STAFF_GROUP, staff_group_ensure, staff_permissions
from projets.models import JoinRequest, Membership
from tests.admin_forms import change_form_data, inline_add, inline_rows
from tests.portal.factories import UserFactory
from tests.projets.factories import JoinRequestFactory, MembershipFactory, ProjectFactory
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def own_cache(settings):
    """allauth's rate limits count in the cache: a fresh one per test."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"admin-people-{uuid.uuid4()}",
        }
    }


@pytest.fixture
def cellule(client):
    """A member of the Cellule Manger Demain: staff through the group, not superuser."""
    staff = UserFactory(email="cellule@example.org", is_staff=True)
    staff.groups.add(staff_group_ensure())
    client.force_login(staff)
    return staff


@pytest.fixture
def superuser(client):
    admin = UserFactory(email="super@example.org", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return admin


@pytest.fixture
def person():
    user = UserFactory(email="camille@example.org", first_name="Camille")
    user.set_password(PASSWORD)
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def person_url(user):
    return reverse("admin:portal_user_change", args=[user.pk])


def page_data(client, url):
    page = client.get(url)
    prefixes = {
        i.formset.model._meta.model_name: i.formset.prefix
        for i in page.context["inline_admin_formsets"]
    }
    return change_form_data(page), prefixes


def form_errors(response):
    assert response.status_code == HTTPStatus.OK, response
    errors = response.context["adminform"].form.errors
    return " ".join(str(m) for messages in errors.values() for m in messages)


# --- Projects led -------------------------------------------------------------------------------


def test_a_project_granted_on_the_persons_page_tells_them(client, cellule, person):
    project = ProjectFactory(name="Halle alimentaire", slug="halle")
    pending = JoinRequestFactory(project=project, user=person)
    data, prefixes = page_data(client, person_url(person))
    inline_add(data, prefixes["membership"], project=project, user=person)

    response = client.post(person_url(person), data)

    assert response.status_code == HTTPStatus.FOUND
    membership = Membership.objects.get(project=project, user=person)
    [email] = OutgoingEmail.objects.filter(to=person.email)
    assert email.key.startswith(f"membership-{membership.pk}-added")
    assert "Halle alimentaire" in email.subject
    assert "/espace/projets/halle/" in email.body_text
    # Their pending request is settled by the same act: no leader is left to decide it.
    pending.refresh_from_db()
    assert pending.status == JoinRequest.Status.APPROVED
    assert pending.decided_by == cellule


def test_a_project_removed_on_the_persons_page(client, cellule, person):
    membership = MembershipFactory(user=person)
    data, prefixes = page_data(client, person_url(person))
    [row] = inline_rows(data, prefixes["membership"])
    data[f"{prefixes['membership']}-{row}-DELETE"] = "on"

    assert client.post(person_url(person), data).status_code == HTTPStatus.FOUND

    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert not OutgoingEmail.objects.exists()


def test_a_project_replaced_by_another_tells_of_the_new_one(client, cellule, person):
    old = MembershipFactory(user=person)
    new_project = ProjectFactory(name="Ceinture alimentaire")
    data, prefixes = page_data(client, person_url(person))
    [row] = inline_rows(data, prefixes["membership"])
    data[f"{prefixes['membership']}-{row}-project"] = new_project.pk

    assert client.post(person_url(person), data).status_code == HTTPStatus.FOUND

    assert list(Membership.objects.filter(user=person).values_list("project", flat=True)) == [
        new_project.pk
    ]
    assert not Membership.objects.filter(pk=old.pk).exists()
    [email] = OutgoingEmail.objects.filter(to=person.email)
    assert "Ceinture alimentaire" in email.subject


def test_a_role_for_a_deactivated_account_is_refused_and_nothing_is_saved(client, cellule):
    person = UserFactory(is_active=False, first_name="Avant")
    data, prefixes = page_data(client, person_url(person))
    data["first_name"] = "Après"
    inline_add(data, prefixes["membership"], project=ProjectFactory(), user=person)

    response = client.post(person_url(person), data)

    assert "désactivé" in form_errors(response)
    person.refresh_from_db()
    assert person.first_name == "Avant"
    assert not Membership.objects.filter(user=person).exists()
    assert not OutgoingEmail.objects.exists()


def test_a_leader_added_on_the_projects_page_is_told(client, cellule, person):
    project = ProjectFactory(name="Potager collectif")
    url = reverse("admin:projets_project_change", args=[project.pk])
    data, prefixes = page_data(client, url)
    inline_add(data, prefixes["membership"], user=person, project=project)

    response = client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND, response.context and form_errors(response)
    assert Membership.objects.filter(project=project, user=person).exists()
    [email] = OutgoingEmail.objects.filter(to=person.email)
    assert "Potager collectif" in email.subject


# --- Provinces followed -------------------------------------------------------------------------


def test_a_province_granted_on_the_persons_page_tells_them(client, cellule, person):
    province = ProvinceFactory(name="Luxembourg")
    data, prefixes = page_data(client, person_url(person))
    inline_add(data, prefixes["province_officers"], province=province, user=person)

    assert client.post(person_url(person), data).status_code == HTTPStatus.FOUND

    assert province.officers.filter(pk=person.pk).exists()
    [email] = OutgoingEmail.objects.filter(to=person.email)
    assert "Luxembourg" in email.subject
    assert "/espace/" in email.body_text


def test_a_province_removed_on_the_persons_page(client, cellule, person):
    province = ProvinceFactory()
    province.officers.add(person)
    data, prefixes = page_data(client, person_url(person))
    [row] = inline_rows(data, prefixes["province_officers"])
    data[f"{prefixes['province_officers']}-{row}-DELETE"] = "on"

    assert client.post(person_url(person), data).status_code == HTTPStatus.FOUND

    assert not province.officers.exists()
    assert not OutgoingEmail.objects.exists()


def test_officers_changed_on_the_provinces_page_go_through_the_service(client, cellule, person):
    province = ProvinceFactory(name="Namur")
    leaving = UserFactory(email="ancien@example.org")
    province.officers.add(leaving)
    url = reverse("admin:territoires_province_change", args=[province.pk])
    data = change_form_data(client.get(url))
    data["officers"] = [person.pk]

    response = client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND
    assert list(province.officers.all()) == [person]
    assert [e.to for e in OutgoingEmail.objects.all()] == [person.email]


def test_an_officer_already_following_is_not_told_again(client, cellule, person):
    province = ProvinceFactory()
    province.officers.add(person)
    url = reverse("admin:territoires_province_change", args=[province.pk])
    data = change_form_data(client.get(url))
    data["description"] = "Mise à jour"

    assert client.post(url, data).status_code == HTTPStatus.FOUND

    assert list(province.officers.all()) == [person]
    assert not OutgoingEmail.objects.exists()


# --- The staff role, from the box a superuser ticks ---------------------------------------------


def test_a_person_made_staff_from_their_page_gets_the_group_and_its_permissions(
    client, superuser, person
):
    data, _prefixes = page_data(client, person_url(person))
    data["is_staff"] = "on"

    assert client.post(person_url(person), data).status_code == HTTPStatus.FOUND

    person = User.objects.get(pk=person.pk)
    assert person.is_staff
    assert person.groups.filter(name=STAFF_GROUP).exists()
    expected = {f"{p.content_type.app_label}.{p.codename}" for p in staff_permissions()}
    assert expected <= person.get_all_permissions()
    assert "events.change_event" in person.get_all_permissions()
    assert LogEntry.objects.filter(
        object_id=str(person.pk), change_message__contains="Cellule Manger Demain"
    ).exists()

    # And unticked: out of the group too.
    data, _prefixes = page_data(client, person_url(person))
    data.pop("is_staff")
    assert client.post(person_url(person), data).status_code == HTTPStatus.FOUND
    person = User.objects.get(pk=person.pk)
    assert not person.is_staff
    assert not person.groups.filter(name=STAFF_GROUP).exists()


def test_a_deactivated_account_made_staff_is_a_form_error(client, superuser):
    person = UserFactory(is_active=False)
    data, _prefixes = page_data(client, person_url(person))
    data["is_staff"] = "on"

    response = client.post(person_url(person), data)

    assert "réactivez-le d'abord" in form_errors(response)
    person.refresh_from_db()
    assert not person.is_staff


# --- The sign-in address: no account takeover by staff ------------------------------------------


def reset_links_to(address):
    return [
        e
        for e in OutgoingEmail.objects.filter(to__iexact=address)
        if "/compte/password/reset/key/" in e.body_text
    ]


def test_staff_cannot_take_over_an_account_through_its_address(client, cellule, person):
    """The measured attack: change the member's address, ask for a reset, verify the address."""
    attacker = "pirate@example.net"
    data, _prefixes = page_data(client, person_url(person))
    assert "email" not in data  # shown, read only
    data["email"] = attacker  # forged

    response = client.post(person_url(person), data)

    assert response.status_code == HTTPStatus.FOUND
    person.refresh_from_db()
    assert person.email == "camille@example.org"
    assert not EmailAddress.objects.filter(email__iexact=attacker).exists()

    client.logout()
    client.post(reverse("account_reset_password"), {"email": attacker})
    assert reset_links_to(attacker) == []
    signed_in = client.post(reverse("account_login"), {"login": attacker, "password": PASSWORD})
    assert client.session.get("_auth_user_id") is None, signed_in
    assert not OutgoingEmail.objects.filter(to__iexact=attacker, key__contains="confirm").exists()

    # The person's own reset still reaches the person, and only them.
    client.post(reverse("account_reset_password"), {"email": person.email})
    assert len(reset_links_to(person.email)) == 1


def test_the_address_field_is_read_only_for_staff(client, cellule, person):
    page = client.get(person_url(person))

    assert "email" not in page.context["adminform"].form.fields
    assert person.email in page.text


def test_a_superuser_changes_an_address_and_the_old_one_is_told(client, superuser, person):
    data, _prefixes = page_data(client, person_url(person))
    data["email"] = "Camille.Nouvelle@Example.org"

    assert client.post(person_url(person), data).status_code == HTTPStatus.FOUND

    person.refresh_from_db()
    assert person.email == "camille.nouvelle@example.org"
    [address] = EmailAddress.objects.filter(user=person)
    assert (address.email, address.primary, address.verified) == (person.email, True, False)
    [notice] = OutgoingEmail.objects.filter(to="camille@example.org")
    assert "camille.nouvelle@example.org" in notice.body_text
    assert re.search(
        r"Adresse changée de camille@example.org", LogEntry.objects.last().change_message
    )


def test_an_address_of_another_account_is_a_form_error(client, superuser, person):
    other = UserFactory(email="autre@example.org")
    EmailAddress.objects.create(user=other, email="alias@example.org", verified=True)
    data, _prefixes = page_data(client, person_url(person))
    data["email"] = "alias@example.org"

    response = client.post(person_url(person), data)

    assert "déjà celle d'un autre compte" in form_errors(response)
    person.refresh_from_db()
    assert person.email == "camille@example.org"


# --- Deleting an account ------------------------------------------------------------------------


def test_an_account_deleted_in_the_admin_goes_as_from_the_persons_own_page(
    client, superuser, person
):
    from events.models import Registration
    from newsletter.models import Subscriber
    from tests.events.factories import EventFactory, RegistrationFactory
    from tests.newsletter.factories import SubscriberFactory

    event = EventFactory(capacity=1)
    RegistrationFactory(event=event, user=person)
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITING)
    # Subscribed before having an account: found by the verified address, not by a link.
    SubscriberFactory(email=person.email)

    response = client.post(reverse("admin:portal_user_delete", args=[person.pk]), {"post": "yes"})

    assert response.status_code == HTTPStatus.FOUND
    assert not User.objects.filter(pk=person.pk).exists()
    assert not Subscriber.objects.filter(email=person.email).exists()
    assert not EmailAddress.objects.filter(email=person.email).exists()
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert OutgoingEmail.objects.filter(to=waiting.user.email, key__contains="promoted").exists()


def test_the_last_superuser_cannot_be_deleted_from_the_admin(client, superuser):
    url = reverse("admin:portal_user_delete", args=[superuser.pk])

    page = client.get(url)
    client.post(url, {"post": "yes"})

    assert page.context["protected"]
    assert User.objects.filter(pk=superuser.pk).exists()
