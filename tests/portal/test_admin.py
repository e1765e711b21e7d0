"""The staff admin: every page of every model answers, search works, and so do the extras."""

import datetime
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from chantiers.models import Participation
from events.models import Event
from portal.models import User
from projets.models import Project
from tests.chantiers.factories import (
    ChantierFactory,
    ParticipationFactory,
    ResourceFactory,
    StepFactory,
)
from tests.events.factories import EventFactory, RegistrationFactory
from tests.portal.factories import UserFactory
from tests.projets.factories import OrganisationFactory, ProjectFactory, ProjectTypeFactory
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db


def make_group(name):
    return Group.objects.create(name=name)


def make_project(name):
    project = ProjectFactory(name=name, types=[ProjectTypeFactory()])
    project.partners.add(OrganisationFactory())
    ParticipationFactory(project=project)
    return project


def make_province(name):
    province = ProvinceFactory(name=name)
    province.officers.add(UserFactory(is_staff=True))
    return province


def make_chantier(title):
    chantier = ChantierFactory(title=title)
    ResourceFactory(chantier=chantier, provider=OrganisationFactory())
    StepFactory(chantier=chantier, event=EventFactory(chantier=chantier))
    StepFactory(chantier=chantier, is_continuous=True)
    ParticipationFactory(chantier=chantier)
    return chantier


def make_event(title):
    return EventFactory(
        title=title, chantier=ChantierFactory(), province=ProvinceFactory(), capacity=30
    )


# (app label, model name, factory taking the searched text, searched text)
ADMINS = [
    pytest.param(
        "portal", "user", lambda t: UserFactory(email=f"{t}@example.org"), "camille", id="user"
    ),
    pytest.param("auth", "group", make_group, "Chargés de mission", id="group"),
    pytest.param("territoires", "province", make_province, "Brabant wallon", id="province"),
    pytest.param(
        "projets", "projecttype", lambda t: ProjectTypeFactory(name=t), "Logistique", id="type"
    ),
    pytest.param(
        "projets",
        "organisation",
        lambda t: OrganisationFactory(name=t, acronym="CATL"),
        "Ceinture Aliment-Terre",
        id="organisation",
    ),
    pytest.param("projets", "project", make_project, "Li Terroir", id="project"),
    pytest.param("chantiers", "chantier", make_chantier, "Logistique mutualisée", id="chantier"),
    pytest.param("events", "event", make_event, "Atelier du 6 mai", id="event"),
    pytest.param(
        "events",
        "registration",
        lambda t: RegistrationFactory(user=UserFactory(email=f"{t}@example.org")),
        "dominique",
        id="registration",
    ),
]


@pytest.mark.parametrize(("app", "model", "factory", "text"), ADMINS)
def test_changelist_answers(admin_client, app, model, factory, text):
    factory(text)

    response = admin_client.get(reverse(f"admin:{app}_{model}_changelist"))

    assert response.status_code == HTTPStatus.OK
    assert response.context["cl"].result_count >= 1


@pytest.mark.parametrize(("app", "model", "factory", "text"), ADMINS)
def test_add_page_answers(admin_client, app, model, factory, text):
    response = admin_client.get(reverse(f"admin:{app}_{model}_add"))

    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize(("app", "model", "factory", "text"), ADMINS)
def test_change_page_answers(admin_client, app, model, factory, text):
    obj = factory(text)

    response = admin_client.get(reverse(f"admin:{app}_{model}_change", args=[obj.pk]))

    assert response.status_code == HTTPStatus.OK
    assert response.context["original"] == obj


@pytest.mark.parametrize(("app", "model", "factory", "text"), ADMINS)
def test_changelist_search(admin_client, app, model, factory, text):
    wanted = factory(text)
    other = factory("zzz-autre")

    response = admin_client.get(reverse(f"admin:{app}_{model}_changelist"), {"q": text})

    assert response.status_code == HTTPStatus.OK
    found = list(response.context["cl"].result_list)
    assert wanted in found
    assert other not in found


@pytest.mark.parametrize(
    ("app", "model"),
    [
        ("portal", "user"),
        ("territoires", "province"),
        ("projets", "projecttype"),
        ("projets", "organisation"),
        ("projets", "project"),
        ("chantiers", "chantier"),
        ("events", "event"),
    ],
)
def test_autocomplete_answers(admin_client, app, model):
    """The autocomplete endpoints the admin's foreign keys and M2M rely on."""
    field = {
        ("portal", "user"): ("territoires", "province", "officers"),
        ("territoires", "province"): ("projets", "project", "province"),
        ("projets", "projecttype"): ("projets", "project", "types"),
        ("projets", "organisation"): ("events", "event", "organiser"),
        ("projets", "project"): ("chantiers", "participation", "project"),
        ("chantiers", "chantier"): ("events", "event", "chantier"),
        ("events", "event"): ("chantiers", "step", "event"),
    }[(app, model)]

    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": field[0], "model_name": field[1], "field_name": field[2], "term": "a"},
    )

    assert response.status_code == HTTPStatus.OK


def test_system_checks_pass():
    call_command("check", fail_level="WARNING")


# --- Users -----------------------------------------------------------------------------------


def test_user_is_added_by_email(admin_client):
    response = admin_client.post(
        reverse("admin:portal_user_add"),
        {
            "email": "Camille.Dupont@Example.org",
            "first_name": "Camille",
            "last_name": "Dupont",
            "usable_password": "true",
            "password1": "une phrase de passe solide",
            "password2": "une phrase de passe solide",
        },
    )

    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].form.errors
    user = User.objects.get(email="camille.dupont@example.org")
    assert user.check_password("une phrase de passe solide")
    assert not user.is_staff


def test_user_email_is_unique_whatever_its_case(admin_client):
    UserFactory(email="camille@example.org")

    response = admin_client.post(
        reverse("admin:portal_user_add"),
        {"email": "CAMILLE@example.org", "usable_password": "false"},
    )

    assert response.status_code == HTTPStatus.OK
    assert "email" in response.context["adminform"].form.errors
    assert User.objects.filter(email__iexact="camille@example.org").count() == 1


def test_user_change_page_has_no_username(admin_client):
    user = UserFactory()

    response = admin_client.get(reverse("admin:portal_user_change", args=[user.pk]))

    form = response.context["adminform"].form
    assert "username" not in form.fields
    assert "email" in form.fields


# --- Projects --------------------------------------------------------------------------------


def test_mark_confirmed_action(admin_client):
    unconfirmed = ProjectFactory(is_confirmed=False)
    already = ProjectFactory(is_confirmed=True)
    untouched = ProjectFactory(is_confirmed=False)

    response = admin_client.post(
        reverse("admin:projets_project_changelist"),
        {"action": "mark_confirmed", "_selected_action": [unconfirmed.pk, already.pk]},
        follow=True,
    )

    assert response.status_code == HTTPStatus.OK
    unconfirmed.refresh_from_db()
    untouched.refresh_from_db()
    assert unconfirmed.is_confirmed
    assert not untouched.is_confirmed
    assert "1 fiche marquée comme confirmée par la Cellule." in [
        str(m) for m in response.context["messages"]
    ]
    entry = LogEntry.objects.get()
    assert (entry.action_flag, entry.object_id) == (CHANGE, str(unconfirmed.pk))


def test_confirmation_filter(admin_client):
    confirmed = ProjectFactory(is_confirmed=True)
    pending = ProjectFactory(is_confirmed=False)
    url = reverse("admin:projets_project_changelist")

    assert list(admin_client.get(url, {"confirmation": "non"}).context["cl"].result_list) == [
        pending
    ]
    assert list(admin_client.get(url, {"confirmation": "oui"}).context["cl"].result_list) == [
        confirmed
    ]


def test_project_changelist_query_count_does_not_grow(admin_client, django_assert_max_num_queries):
    ProjectFactory.create_batch(3)
    url = reverse("admin:projets_project_changelist")
    admin_client.get(url)  # warm the content-type and session caches

    with django_assert_max_num_queries(12) as few:
        admin_client.get(url)
    ProjectFactory.create_batch(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client.get(url)


@pytest.mark.parametrize(
    ("app", "model", "factory"),
    [
        ("projets", "project", ProjectFactory),
        ("events", "event", EventFactory),
    ],
)
def test_located_change_page_for_view_only_staff(client, app, model, factory):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename=f"view_{model}"))
    client.force_login(staff)

    response = client.get(reverse(f"admin:{app}_{model}_change", args=[factory().pk]))

    assert response.status_code == HTTPStatus.OK
    assert "data-point-picker" not in response.text


def project_post_data(**overrides):
    province = ProvinceFactory()
    data = {
        "name": "Halle alimentaire",
        "slug": "halle-alimentaire",
        "status": Project.Status.ONGOING,
        "province": province.pk,
        "latitude": "50.46",
        "longitude": "4.87",
        "participations-TOTAL_FORMS": "0",
        "participations-INITIAL_FORMS": "0",
        "participations-MIN_NUM_FORMS": "0",
        "participations-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_project_add_with_a_point_in_wallonia(admin_client):
    response = admin_client.post(reverse("admin:projets_project_add"), project_post_data())

    assert response.status_code == HTTPStatus.FOUND
    project = Project.objects.get()
    assert (project.latitude, project.longitude) == (Decimal("50.46"), Decimal("4.87"))


def test_project_add_refuses_a_point_outside_wallonia(admin_client):
    response = admin_client.post(
        reverse("admin:projets_project_add"),
        project_post_data(latitude="4.87", longitude="50.46"),
    )

    assert response.status_code == HTTPStatus.OK
    assert not Project.objects.exists()
    assert "se trouve hors de Wallonie" in response.text


def test_project_add_accepts_a_point_outside_wallonia_when_confirmed(admin_client):
    response = admin_client.post(
        reverse("admin:projets_project_add"),
        project_post_data(latitude="48.85", longitude="2.35", confirm_outside_wallonia="on"),
    )

    assert response.status_code == HTTPStatus.FOUND  # Paris, and staff confirmed it
    assert Project.objects.get().latitude == Decimal("48.85")


def test_project_add_with_a_chantier(admin_client):
    chantier = ChantierFactory()

    response = admin_client.post(
        reverse("admin:projets_project_add"),
        project_post_data(
            **{
                "participations-TOTAL_FORMS": "1",
                "participations-0-chantier": chantier.pk,
                "participations-0-role": Participation.Role.LEAD,
            }
        ),
    )

    assert response.status_code == HTTPStatus.FOUND
    assert Participation.objects.get().chantier == chantier


# --- Events ----------------------------------------------------------------------------------


def test_event_changelist_filters_and_date_hierarchy(admin_client):
    chantier = ChantierFactory()
    workshop = EventFactory(kind=Event.Kind.WORKSHOP, chantier=chantier)
    EventFactory(kind=Event.Kind.TERRITORIAL_MEETING, status=Event.Status.DRAFT)
    url = reverse("admin:events_event_changelist")

    response = admin_client.get(
        url, {"kind": "workshop", "status": "published", "chantier__id__exact": chantier.pk}
    )

    assert list(response.context["cl"].result_list) == [workshop]
    assert response.context["cl"].date_hierarchy == "start"
    year = timezone.localtime(workshop.start).year
    assert admin_client.get(url, {"start__year": year}).status_code == HTTPStatus.OK


def test_event_add_refuses_a_point_outside_wallonia_unless_confirmed(admin_client):
    start = timezone.localtime(timezone.now() + datetime.timedelta(days=20))
    data = {
        "title": "Rencontre à Bruxelles",
        "slug": "rencontre-bruxelles",
        "kind": Event.Kind.OTHER,
        "status": Event.Status.DRAFT,
        "start_0": start.strftime("%d/%m/%Y"),
        "start_1": "14:00",
    }
    url = reverse("admin:events_event_add")

    refused = admin_client.post(url, {**data, "latitude": "48.85", "longitude": "2.35"})
    assert refused.status_code == HTTPStatus.OK
    assert not Event.objects.exists()

    accepted = admin_client.post(
        url, {**data, "latitude": "48.85", "longitude": "2.35", "confirm_outside_wallonia": "on"}
    )
    assert accepted.status_code == HTTPStatus.FOUND, accepted.context["adminform"].form.errors
    assert Event.objects.get().latitude == Decimal("48.85")
