"""The leaders' space over HTTP, as anonymous, leader of project A, leader of project B, staff."""

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from chantiers.models import Chantier, Participation
from portal.models import OutgoingEmail
from portal.roles import staff_group_ensure
from projets.models import JoinRequest, Membership, Project
from tests.chantiers.factories import ChantierFactory, ParticipationFactory
from tests.portal.factories import UserFactory
from tests.projets.factories import (
    JoinRequestFactory,
    MembershipFactory,
    ProjectFactory,
    ProjectTypeFactory,
)
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db

JOIN_REQUESTS = reverse("espace_projets:join_requests")


@pytest.fixture
def world():
    project_a = ProjectFactory(name="Projet A", slug="projet-a", summary="Résumé de A")
    project_b = ProjectFactory(name="Projet B", slug="projet-b", summary="Résumé de B")
    leader_a = MembershipFactory(project=project_a, user=UserFactory(email="a@example.org")).user
    leader_b = MembershipFactory(project=project_b, user=UserFactory(email="b@example.org")).user
    staff = UserFactory(email="cellule@example.org", is_staff=True)
    staff.groups.add(staff_group_ensure())
    return {
        "project_a": project_a,
        "project_b": project_b,
        "anonymous": None,
        "leader_a": leader_a,
        "leader_b": leader_b,
        "staff": staff,
    }


def login(client, user):
    if user is not None:
        client.force_login(user)
    return client


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def join_url(project):
    return reverse("espace_projets:join_request_create", kwargs={"slug": project.slug})


def edit_url(project):
    return reverse("espace_projets:project_edit", kwargs={"slug": project.slug})


def assert_login_redirect(response, url):
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == f"{reverse('account_login')}?next={url}"


# --- The buttons on the public page -----------------------------------------------------------


def render_detail(project, user, **context):
    request = RequestFactory().get(project.get_absolute_url())
    request.user = user
    return render_to_string(
        "projets/project_detail.html",
        {"project": project, "user": user, "markers": [], **context},
        request=request,
    )


def test_detail_template_offers_the_join_button_when_allowed(world):
    html = render_detail(world["project_a"], world["leader_b"], can_request_to_join=True)

    assert "Demander à rejoindre ce projet" in html
    assert f'action="{join_url(world["project_a"])}"' in html
    assert "Modifier la fiche du projet" not in html


def test_detail_template_offers_the_edit_link_to_who_may_edit(world):
    html = render_detail(world["project_a"], world["leader_a"], can_edit_project=True)

    assert f'href="{edit_url(world["project_a"])}"' in html
    assert "Demander à rejoindre ce projet" not in html


def test_detail_template_shows_no_button_to_a_member_without_permission_context(world):
    html = render_detail(world["project_a"], world["leader_a"])

    assert "Demander à rejoindre" not in html
    assert "Modifier la fiche" not in html


def test_detail_page_invites_anonymous_visitors_to_sign_in_to_join(client, world):
    response = client.get(world["project_a"].get_absolute_url())

    html = response.content.decode()
    assert "Connectez-vous pour demander à le rejoindre" in html
    assert f'href="{join_url(world["project_a"])}"' in html


def test_detail_page_shows_the_buttons_each_person_may_use(client, world):
    login(client, world["leader_b"])
    join = client.get(world["project_a"].get_absolute_url()).content.decode()
    login(client, world["leader_a"])
    edit = client.get(world["project_a"].get_absolute_url()).content.decode()

    assert "Demander à rejoindre ce projet" in join
    assert "Modifier la fiche du projet" not in join
    assert "Modifier la fiche du projet" in edit
    assert "Demander à rejoindre ce projet" not in edit


# --- Asking to join ---------------------------------------------------------------------------


def test_anonymous_asking_to_join_is_sent_to_sign_in(client, world):
    url = join_url(world["project_a"])

    assert_login_redirect(client.get(url), url)
    assert_login_redirect(client.post(url, {"message": "Bonjour"}), url)
    assert not JoinRequest.objects.exists()


def test_join_form_page(client, world):
    login(client, world["leader_b"])

    response = client.get(join_url(world["project_a"]))

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "<title>Demander à rejoindre « Projet A » · Chantiers communs</title>" in html
    assert html.count("<h1") == 1
    assert 'aria-label="Fil d\'Ariane"' in html
    assert reverse("espace:home") in html
    assert '<label for="id_message">' in html


def test_join_request_is_sent_and_leaders_are_told(
    client, world, django_capture_on_commit_callbacks, mailoutbox
):
    login(client, world["leader_b"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(join_url(world["project_a"]), {"message": "Je coordonne B."})

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == JOIN_REQUESTS
    join_request = JoinRequest.objects.get()
    assert (join_request.project, join_request.user) == (world["project_a"], world["leader_b"])
    assert join_request.message == "Je coordonne B."
    assert [m.to for m in mailoutbox] == [[world["leader_a"].email]]
    assert "est envoyée" in messages_of(response)[0]


def test_join_request_with_an_oversized_message_keeps_what_was_typed(client, world):
    login(client, world["leader_b"])
    typed = "é" * 1001

    response = client.post(join_url(world["project_a"]), {"message": typed})

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["message"] == [
        "Assurez-vous que cette valeur comporte au plus 1000 caractères (actuellement 1001)."
    ]
    assert typed in response.content.decode()
    assert "– erreurs à corriger" in response.content.decode()
    assert not JoinRequest.objects.exists()


def test_a_member_asking_to_join_is_told_and_sent_back(client, world):
    login(client, world["leader_a"])
    project = world["project_a"]

    got = client.get(join_url(project))
    posted = client.post(join_url(project), {"message": ""})

    assert got.status_code == HTTPStatus.FOUND
    assert got.url == project.get_absolute_url()
    assert messages_of(got) == ["Vous êtes déjà porteur·euse de ce projet."]
    assert posted.status_code == HTTPStatus.OK
    assert "Vous êtes déjà porteur·euse de ce projet." in posted.content.decode()
    assert not JoinRequest.objects.exists()


def test_asking_twice_is_refused(client, world):
    login(client, world["leader_b"])
    client.post(join_url(world["project_a"]), {"message": ""})

    again = client.post(join_url(world["project_a"]), {"message": ""})

    assert again.status_code == HTTPStatus.OK
    assert "déjà en attente" in again.content.decode()
    assert JoinRequest.objects.count() == 1


@pytest.mark.parametrize("status", [Project.Status.WITHDRAWN])
def test_asking_to_join_a_withdrawn_or_unknown_project_is_404(client, world, status):
    login(client, world["leader_b"])
    withdrawn = ProjectFactory(status=status)

    assert client.get(join_url(withdrawn)).status_code == HTTPStatus.NOT_FOUND
    assert client.post(join_url(withdrawn)).status_code == HTTPStatus.NOT_FOUND
    missing = reverse("espace_projets:join_request_create", kwargs={"slug": "inconnu"})
    assert client.get(missing).status_code == HTTPStatus.NOT_FOUND


# --- Deciding ---------------------------------------------------------------------------------


@pytest.fixture
def requests_(world):
    requester = UserFactory(email="demandeur@example.org")
    return {
        "a": JoinRequestFactory(project=world["project_a"], user=requester, message="Pour A"),
        "b": JoinRequestFactory(project=world["project_b"], user=requester, message="Pour B"),
    }


def test_anonymous_cannot_reach_the_requests(client, world, requests_):
    approve = reverse("espace_projets:join_request_approve", args=[requests_["a"].pk])

    assert_login_redirect(client.get(JOIN_REQUESTS), JOIN_REQUESTS)
    assert_login_redirect(client.post(approve), approve)
    assert JoinRequest.objects.pending().count() == 2


@pytest.mark.parametrize(
    ("who", "sees"),
    [("leader_a", ["Pour A"]), ("leader_b", ["Pour B"]), ("staff", ["Pour A", "Pour B"])],
)
def test_each_person_sees_the_requests_they_may_decide(client, world, requests_, who, sees):
    login(client, world[who])

    response = client.get(JOIN_REQUESTS)

    assert response.status_code == HTTPStatus.OK
    assert sorted(r.message for r, _form in response.context["to_decide"]) == sees
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "<title>Demandes pour rejoindre un projet · Chantiers communs</title>" in html


def test_the_requester_sees_their_own_requests_and_cannot_decide_them(client, world, requests_):
    requester = requests_["a"].user
    login(client, requester)

    response = client.get(JOIN_REQUESTS)
    approve = client.post(reverse("espace_projets:join_request_approve", args=[requests_["a"].pk]))

    assert response.context["to_decide"] == []
    assert [r.project.name for r in response.context["mine"]] == ["Projet B", "Projet A"]
    assert "En attente" in response.content.decode()
    assert approve.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    ("who", "request_key", "expected"),
    [
        ("leader_a", "a", HTTPStatus.FOUND),
        ("leader_a", "b", HTTPStatus.NOT_FOUND),
        ("leader_b", "a", HTTPStatus.NOT_FOUND),
        ("leader_b", "b", HTTPStatus.FOUND),
        ("staff", "a", HTTPStatus.FOUND),
        ("staff", "b", HTTPStatus.FOUND),
    ],
)
def test_approve_over_http(client, world, requests_, who, request_key, expected):
    login(client, world[who])
    join_request = requests_[request_key]

    response = client.post(reverse("espace_projets:join_request_approve", args=[join_request.pk]))

    assert response.status_code == expected
    join_request.refresh_from_db()
    approved = expected == HTTPStatus.FOUND
    assert join_request.status == ("approved" if approved else "pending")
    assert (
        Membership.objects.filter(project=join_request.project, user=join_request.user).exists()
        is approved
    )
    if approved:
        assert response.url == JOIN_REQUESTS
        assert "est désormais porteur·euse" in messages_of(response)[0]


def test_decline_over_http_sends_the_reason(
    client, world, requests_, django_capture_on_commit_callbacks, mailoutbox
):
    login(client, world["leader_a"])
    join_request = requests_["a"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("espace_projets:join_request_decline", args=[join_request.pk]),
            {f"demande-{join_request.pk}-reason": "Nous ne vous connaissons pas."},
        )

    assert response.status_code == HTTPStatus.FOUND
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.DECLINED
    [message] = mailoutbox
    assert "Nous ne vous connaissons pas." in message.body


def test_decline_by_the_leader_of_another_project_is_404(client, world, requests_):
    login(client, world["leader_b"])

    response = client.post(reverse("espace_projets:join_request_decline", args=[requests_["a"].pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND
    requests_["a"].refresh_from_db()
    assert requests_["a"].status == JoinRequest.Status.PENDING


def test_decline_with_an_oversized_reason_is_refused(client, world, requests_):
    login(client, world["leader_a"])
    join_request = requests_["a"]

    response = client.post(
        reverse("espace_projets:join_request_decline", args=[join_request.pk]),
        {f"demande-{join_request.pk}-reason": "x" * 1001},
    )

    assert response.status_code == HTTPStatus.FOUND
    assert "au plus 1000 caractères" in messages_of(response)[0]
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING


def test_a_decided_request_can_no_longer_be_decided(client, world, requests_):
    login(client, world["leader_a"])
    approve = reverse("espace_projets:join_request_approve", args=[requests_["a"].pk])
    decline = reverse("espace_projets:join_request_decline", args=[requests_["a"].pk])
    client.post(approve)

    assert client.post(approve).status_code == HTTPStatus.NOT_FOUND
    assert client.post(decline).status_code == HTTPStatus.NOT_FOUND
    assert OutgoingEmail.objects.count() == 1


def test_deciding_takes_post_only(client, world, requests_):
    login(client, world["leader_a"])
    approve = reverse("espace_projets:join_request_approve", args=[requests_["a"].pk])

    assert client.get(approve).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    requests_["a"].refresh_from_db()
    assert requests_["a"].status == JoinRequest.Status.PENDING


def test_join_request_list_query_count(client, world):
    leader = world["leader_a"]
    login(client, leader)

    def grow(n):
        for _ in range(n):
            project = ProjectFactory()
            MembershipFactory(project=project, user=leader)
            JoinRequestFactory(project=project)  # to decide
            JoinRequestFactory(user=leader)  # my own

    assert_constant_queries(client, JOIN_REQUESTS, grow)


# --- Editing the page -------------------------------------------------------------------------


@pytest.fixture
def chantiers():
    return {
        "logistique": ChantierFactory(title="Logistique", status=Chantier.Status.ACTIVE),
        "foncier": ChantierFactory(title="Foncier", status=Chantier.Status.ACTIVE),
        "piste": ChantierFactory(title="Piste", status=Chantier.Status.CANDIDATE),
    }


def edit_data(project, **overrides):
    """What the form posts when nothing is changed, plus ``overrides``."""
    data = {
        "summary": project.summary,
        "description": project.description,
        "communes": project.communes,
        "website": project.website,
        "contact_name": project.contact_name,
        "contact_email": project.contact_email,
        "types": [t.pk for t in project.types.all()],
        "latitude": str(project.latitude or ""),
        "longitude": str(project.longitude or ""),
    }
    roles = dict(project.participations.values_list("chantier_id", "role"))
    for chantier in Chantier.objects.all():
        if chantier.is_candidate:
            if chantier.pk in roles:
                data[f"chantier-{chantier.pk}-interested"] = "on"
        else:
            data[f"chantier-{chantier.pk}-role"] = roles.get(chantier.pk, "")
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.parametrize(
    ("who", "project_key", "expected"),
    [
        ("leader_a", "project_a", HTTPStatus.OK),
        ("leader_a", "project_b", HTTPStatus.NOT_FOUND),
        ("leader_b", "project_a", HTTPStatus.NOT_FOUND),
        ("leader_b", "project_b", HTTPStatus.OK),
        ("staff", "project_a", HTTPStatus.OK),
        ("staff", "project_b", HTTPStatus.OK),
    ],
)
def test_who_may_open_the_edit_page(client, world, chantiers, who, project_key, expected):
    login(client, world[who])

    response = client.get(edit_url(world[project_key]))

    assert response.status_code == expected


def test_anonymous_editing_is_sent_to_sign_in_and_changes_nothing(client, world, chantiers):
    url = edit_url(world["project_a"])

    assert_login_redirect(client.get(url), url)
    assert_login_redirect(client.post(url, edit_data(world["project_a"], summary="Pirate")), url)
    world["project_a"].refresh_from_db()
    assert world["project_a"].summary == "Résumé de A"


def test_forged_post_to_another_project_is_404_and_changes_nothing(client, world, chantiers):
    login(client, world["leader_a"])
    project_b = world["project_b"]
    ParticipationFactory(project=project_b, chantier=chantiers["foncier"], role="lead")
    data = edit_data(
        project_b,
        summary="Pirate",
        **{
            f"chantier-{chantiers['foncier'].pk}-role": "",
            f"chantier-{chantiers['logistique'].pk}-role": "lead",
        },
    )

    response = client.post(edit_url(project_b), data)

    assert response.status_code == HTTPStatus.NOT_FOUND
    project_b.refresh_from_db()
    assert project_b.summary == "Résumé de B"
    assert dict(project_b.participations.values_list("chantier__title", "role")) == {
        "Foncier": "lead"
    }
    assert project_b.history.count() == 1  # its creation only


def test_edit_page_shows_the_form(client, world, chantiers):
    login(client, world["leader_a"])

    response = client.get(edit_url(world["project_a"]))

    html = response.content.decode()
    assert "<title>Modifier la fiche « Projet A » · Chantiers communs</title>" in html
    assert html.count("<h1") == 1
    assert 'aria-label="Fil d\'Ariane"' in html
    for field in ("summary", "description", "communes", "website", "contact_name"):
        assert f'<label for="id_{field}">' in html
    assert 'name="name"' not in html and 'name="status"' not in html
    assert "<legend>Logistique</legend>" in html
    assert "Intéressé par « Piste »" in html
    assert "data-point-picker" in html
    assert "<script" not in html.split("</main>")[0].split("<main")[1]  # no inline script
    # The override is offered to staff only.
    assert "Confirmer un point hors de Wallonie" not in html


def test_staff_is_offered_the_override(client, world, chantiers):
    login(client, world["staff"])

    response = client.get(edit_url(world["project_a"]))

    assert "Confirmer un point hors de Wallonie" in response.content.decode()


def test_leader_saves_the_page_and_sees_it_public(
    client, world, chantiers, django_capture_on_commit_callbacks
):
    login(client, world["leader_a"])
    project = world["project_a"]
    kind = ProjectTypeFactory(name="Gouvernance alimentaire")
    ParticipationFactory(project=project, chantier=chantiers["foncier"], role="interested")
    data = edit_data(
        project,
        summary="Un résumé tout neuf",
        description="Ligne 1\nLigne 2",
        communes="Ath, Lessines",
        website="exemple.be",
        contact_email="contact@exemple.be",
        types=[kind.pk],
        latitude="50.63",
        longitude="3.77",
        name="Nom pirate",
        status="withdrawn",
        is_confirmed="on",
        **{
            f"chantier-{chantiers['logistique'].pk}-role": "lead",
            f"chantier-{chantiers['foncier'].pk}-role": "",
            f"chantier-{chantiers['piste'].pk}-interested": "on",
        },
    )

    response = client.post(edit_url(project), data, follow=True)

    assert response.redirect_chain == [(project.get_absolute_url(), HTTPStatus.FOUND)]
    html = response.content.decode()
    assert "La fiche « Projet A » est enregistrée." in html
    assert "Un résumé tout neuf" in html
    assert "Gouvernance alimentaire" in html
    assert "https://exemple.be" in html
    project.refresh_from_db()
    assert (project.name, project.status, project.is_confirmed) == ("Projet A", "ongoing", False)
    assert project.latitude == Decimal("50.63")
    assert dict(project.participations.values_list("chantier__title", "role")) == {
        "Logistique": "lead",
        "Piste": "interested",
    }
    record = project.history.first()
    assert record.history_user == world["leader_a"]
    assert record.history_change_reason


def test_bad_input_keeps_what_was_typed_and_explains_in_french(client, world, chantiers):
    login(client, world["leader_a"])
    project = world["project_a"]
    long_summary = "Très long " * 31
    data = edit_data(
        project,
        summary=long_summary,
        description="d" * 5001,
        contact_email="pas-une-adresse",
        website="pas une adresse",
        **{f"chantier-{chantiers['logistique'].pk}-role": "chef"},
    )

    response = client.post(edit_url(project), data)

    assert response.status_code == HTTPStatus.OK
    errors = response.context["form"].errors
    assert errors["summary"] == [
        "Assurez-vous que cette valeur comporte au plus 300 caractères (actuellement 309)."
    ]
    assert errors["description"] == [
        "Assurez-vous que cette valeur comporte au plus 5000 caractères (actuellement 5001)."
    ]
    # Django REST framework's French catalogue words Django's message as the site does.
    assert errors["contact_email"] == ["Saisissez une adresse e-mail valide."]
    assert errors["website"] == ["Saisissez une URL valide."]
    html = response.content.decode()
    assert "La fiche n'est pas enregistrée" in html
    assert long_summary.strip() in html
    assert "pas-une-adresse" in html
    assert "Sélectionnez un choix valide" in html
    assert "<title>Modifier la fiche « Projet A » – erreurs à corriger · Chantiers communs" in html
    project.refresh_from_db()
    assert project.summary == "Résumé de A"
    assert not Participation.objects.exists()


def test_a_point_outside_wallonia_is_refused_for_a_leader(client, world, chantiers):
    login(client, world["leader_a"])
    project = world["project_a"]
    # A swapped latitude and longitude, with the staff override forged in.
    data = edit_data(project, latitude="4.87", longitude="50.46", confirm_outside_wallonia="on")

    response = client.post(edit_url(project), data)

    assert response.status_code == HTTPStatus.OK
    [error] = response.context["form"].errors["latitude"]
    assert "hors de Wallonie" in error
    assert 'value="50.46"' in response.content.decode()  # what was typed stays
    project.refresh_from_db()
    assert project.latitude == Decimal("50.46")


def test_staff_may_confirm_a_point_outside_wallonia(client, world, chantiers):
    login(client, world["staff"])
    project = world["project_a"]
    paris = {"latitude": "48.85661", "longitude": "2.35222"}

    refused = client.post(edit_url(project), edit_data(project, **paris))
    saved = client.post(
        edit_url(project), edit_data(project, confirm_outside_wallonia="on", **paris)
    )

    assert refused.status_code == HTTPStatus.OK
    assert "Confirmer un point hors de Wallonie" in refused.context["form"].non_field_errors()[0]
    assert saved.status_code == HTTPStatus.FOUND
    project.refresh_from_db()
    assert project.latitude == Decimal("48.85661")


def test_edit_page_query_count(client, world):
    login(client, world["leader_a"])
    project = world["project_a"]

    def grow(n):
        for i in range(n):
            active = ChantierFactory(status=Chantier.Status.ACTIVE)
            candidate = ChantierFactory(status=Chantier.Status.CANDIDATE)
            if i % 2:
                ParticipationFactory(project=project, chantier=active, role="contributor")
                ParticipationFactory(project=project, chantier=candidate, role="interested")
            project.types.add(ProjectTypeFactory())

    assert_constant_queries(client, edit_url(project), grow)
