"""Roles granted in the admin: what staff of the Cellule may see and change on people's accounts
and what only a superuser may, memberships and provinces as inlines, requests to join a project,
history of projects and events, and the outbox with its resend action."""

import datetime
import uuid
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from portal.models import UNCERTAIN_AFTER, OutgoingEmail, User
from portal.roles import STAFF_GROUP, staff_group_ensure
from projets.models import JoinRequest, Membership
from tests.admin_forms import change_form_data
from tests.events.factories import EventFactory
from tests.portal.factories import UserFactory
from tests.projets.factories import ProjectFactory
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db

SUPERUSER_FIELDS = ("is_superuser", "groups", "user_permissions", "password")


@pytest.fixture(autouse=True)
def own_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"admin-roles-{uuid.uuid4()}",
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


# --- What a non-superuser sees -----------------------------------------------------------------


def test_cellule_members_do_not_see_superuser_fields(client, cellule):
    person = UserFactory()

    response = client.get(reverse("admin:portal_user_change", args=[person.pk]))

    assert response.status_code == HTTPStatus.OK
    form = response.context["adminform"].form
    for name in ("is_superuser", "groups", "user_permissions"):
        assert name not in form.fields
    for name in SUPERUSER_FIELDS:
        assert f'name="{name}"' not in response.text
    # The form class declares it, read only; it is neither shown nor linked to its reset form.
    assert form.fields["password"].disabled
    assert reverse("admin:auth_user_password_change", args=[person.pk]) not in response.text
    assert "is_staff" not in form.fields  # shown, read only
    assert "first_name" in form.fields
    assert "is_active" in form.fields


def test_superusers_see_every_field(client, superuser):
    person = UserFactory()

    response = client.get(reverse("admin:portal_user_change", args=[person.pk]))

    form = response.context["adminform"].form
    for name in (*SUPERUSER_FIELDS, "is_staff"):
        assert name in form.fields


def test_cellule_members_do_not_see_superuser_filters(client, cellule):
    response = client.get(reverse("admin:portal_user_changelist"))

    assert response.status_code == HTTPStatus.OK
    specs = [spec.title for spec in response.context["cl"].filter_specs]
    assert "statut superutilisateur" not in specs
    assert "groupes" not in specs


def test_a_forged_post_cannot_make_anyone_superuser(client, cellule):
    person = UserFactory(first_name="Avant")
    url = reverse("admin:portal_user_change", args=[person.pk])
    data = change_form_data(client.get(url))
    group = staff_group_ensure()
    data.update(
        first_name="Après",
        is_superuser="on",
        is_staff="on",
        groups=[group.pk],
        user_permissions=[Permission.objects.get(codename="delete_user").pk],
    )

    response = client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].form.errors
    person.refresh_from_db()
    assert person.first_name == "Après"  # the form was accepted…
    assert not person.is_superuser  # …without the fields it does not have
    assert not person.is_staff
    assert not person.groups.exists()
    assert not person.user_permissions.exists()


def test_a_cellule_member_cannot_promote_themselves(client, cellule):
    url = reverse("admin:portal_user_change", args=[cellule.pk])
    page = client.get(url)
    data = change_form_data(page)
    data.update(is_superuser="on", first_name="Moi")

    response = client.post(url, data)

    assert page.status_code == HTTPStatus.OK  # staff accounts are view only for them
    assert response.status_code == HTTPStatus.FORBIDDEN
    cellule.refresh_from_db()
    assert not cellule.is_superuser
    assert cellule.first_name != "Moi"


def test_a_cellule_member_cannot_change_a_superusers_account(client, cellule):
    admin = UserFactory(is_staff=True, is_superuser=True)

    page = client.get(reverse("admin:portal_user_change", args=[admin.pk]))
    password = client.get(reverse("admin:auth_user_password_change", args=[admin.pk]))

    assert page.status_code == HTTPStatus.OK
    assert not page.context["has_change_permission"]
    assert password.status_code == HTTPStatus.FORBIDDEN


def test_a_cellule_member_cannot_set_anyones_password(client, cellule):
    person = UserFactory()

    response = client.post(
        reverse("admin:auth_user_password_change", args=[person.pk]),
        {"password1": "une phrase pirate", "password2": "une phrase pirate"},
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    person.refresh_from_db()
    assert not person.check_password("une phrase pirate")


# --- The staff role, granted by a superuser ---------------------------------------------------


def test_superuser_grants_and_revokes_the_staff_role(client, superuser):
    person = UserFactory()
    url = reverse("admin:portal_user_changelist")

    granted = client.post(
        url, {"action": "grant_staff", "_selected_action": [person.pk]}, follow=True
    )

    person.refresh_from_db()
    assert person.is_staff
    assert person.groups.filter(name=STAFF_GROUP).exists()
    assert not person.is_superuser
    assert "1 compte modifié." in [str(m) for m in granted.context["messages"]]

    client.post(url, {"action": "revoke_staff", "_selected_action": [person.pk]})

    person.refresh_from_db()
    assert not person.is_staff
    assert not person.groups.exists()


def test_staff_made_on_a_persons_page_join_the_cellule_group(client, superuser):
    """Ticking "Équipe" on the person's page is the same grant as the action: the group of the
    Cellule, with its permissions, so the new staff member can work at once."""
    person = UserFactory()
    url = reverse("admin:portal_user_change", args=[person.pk])
    data = change_form_data(client.get(url))
    data = {name: value for name, value in data.items() if value is not None}
    data["is_staff"] = "on"

    response = client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND
    person.refresh_from_db()
    assert person.is_staff and not person.is_superuser
    group = person.groups.get()
    assert group.name == STAFF_GROUP
    assert person.has_perm("chantiers.change_chantier")
    assert person.has_perm("territoires.change_province")
    assert not person.has_perm("auth.change_group")


def test_revoking_a_superuser_is_refused(client, superuser):
    other = UserFactory(is_staff=True, is_superuser=True)

    response = client.post(
        reverse("admin:portal_user_changelist"),
        {"action": "revoke_staff", "_selected_action": [other.pk]},
        follow=True,
    )

    other.refresh_from_db()
    assert other.is_staff
    assert any("retirez d'abord ce statut" in str(m) for m in response.context["messages"])


def test_the_staff_actions_are_for_superusers_only(client, cellule):
    person = UserFactory()
    url = reverse("admin:portal_user_changelist")

    page = client.get(url)
    forged = client.post(url, {"action": "grant_staff", "_selected_action": [person.pk]})

    action_form = page.context["action_form"]
    choices = [name for name, _label in action_form.fields["action"].choices] if action_form else []
    assert "grant_staff" not in choices
    assert "revoke_staff" not in choices
    assert forged.status_code in (HTTPStatus.OK, HTTPStatus.FOUND)
    person.refresh_from_db()
    assert not person.is_staff
    assert not person.groups.exists()


def test_granted_staff_reach_the_admin(client, superuser):
    person = UserFactory()
    client.post(
        reverse("admin:portal_user_changelist"),
        {"action": "grant_staff", "_selected_action": [person.pk]},
    )
    client.force_login(person)

    assert client.get(reverse("admin:index")).status_code == HTTPStatus.OK
    assert client.get(reverse("admin:projets_project_changelist")).status_code == HTTPStatus.OK
    assert client.get(reverse("admin:auth_group_changelist")).status_code == HTTPStatus.FORBIDDEN


# --- Roles as inlines ---------------------------------------------------------------------------


def test_person_page_lists_projects_led_and_provinces_followed(client, cellule):
    person = UserFactory()
    Membership.objects.create(project=ProjectFactory(name="Halle alimentaire"), user=person)
    ProvinceFactory(name="Luxembourg").officers.add(person)

    response = client.get(reverse("admin:portal_user_change", args=[person.pk]))

    inlines = {
        i.formset.model._meta.model_name: i for i in response.context["inline_admin_formsets"]
    }
    assert set(inlines) == {"membership", "province_officers"}
    assert "Halle alimentaire" in response.text
    assert "Luxembourg" in response.text


def test_cellule_grants_a_project_and_a_province_from_the_persons_page(client, cellule):
    person = UserFactory()
    project = ProjectFactory()
    province = ProvinceFactory()
    url = reverse("admin:portal_user_change", args=[person.pk])
    data = change_form_data(client.get(url))
    prefixes = {
        i.formset.model._meta.model_name: i.formset.prefix
        for i in client.get(url).context["inline_admin_formsets"]
    }
    memberships, provinces = prefixes["membership"], prefixes["province_officers"]
    data.update(
        {
            f"{memberships}-TOTAL_FORMS": "1",
            f"{memberships}-0-project": project.pk,
            f"{memberships}-0-user": person.pk,
            f"{provinces}-TOTAL_FORMS": "1",
            f"{provinces}-0-province": province.pk,
            f"{provinces}-0-user": person.pk,
        }
    )

    response = client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND, response.context["inline_admin_formsets"]
    assert Membership.objects.filter(project=project, user=person).exists()
    assert province.officers.filter(pk=person.pk).exists()


def test_add_page_stays_the_short_form(client, superuser):
    response = client.get(reverse("admin:portal_user_add"))

    assert response.status_code == HTTPStatus.OK
    assert response.context["inline_admin_formsets"] == []


def test_project_page_lists_its_leaders(client, cellule):
    project = ProjectFactory()
    leader = UserFactory(email="porteuse@example.org")
    Membership.objects.create(project=project, user=leader)

    response = client.get(reverse("admin:projets_project_change", args=[project.pk]))

    assert response.status_code == HTTPStatus.OK
    models = [i.formset.model for i in response.context["inline_admin_formsets"]]
    assert Membership in models
    assert str(leader) in response.text


def test_province_page_keeps_its_officers_autocomplete(client, cellule):
    province = ProvinceFactory()

    response = client.get(reverse("admin:territoires_province_change", args=[province.pk]))

    assert response.status_code == HTTPStatus.OK
    assert "admin-autocomplete" in str(response.context["adminform"].form["officers"])


# --- Requests to join a project ------------------------------------------------------------------


def test_join_requests_list_and_filter_by_status(client, cellule):
    pending = JoinRequest.objects.create(project=ProjectFactory(), user=UserFactory())
    declined = JoinRequest.objects.create(
        project=ProjectFactory(), user=UserFactory(), status=JoinRequest.Status.DECLINED
    )
    url = reverse("admin:projets_joinrequest_changelist")

    everything = client.get(url)
    filtered = client.get(url, {"status__exact": "pending"})

    assert everything.status_code == HTTPStatus.OK
    assert set(everything.context["cl"].result_list) == {pending, declined}
    assert list(filtered.context["cl"].result_list) == [pending]
    assert client.get(reverse("admin:projets_joinrequest_add")).status_code == (
        HTTPStatus.FORBIDDEN
    )


def test_staff_approve_a_join_request_and_the_person_is_told(
    client, cellule, django_capture_on_commit_callbacks
):
    join_request = JoinRequest.objects.create(
        project=ProjectFactory(), user=UserFactory(email="demande@example.org")
    )

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("admin:projets_joinrequest_changelist"),
            {"action": "approve", "_selected_action": [join_request.pk]},
            follow=True,
        )

    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.APPROVED
    assert join_request.decided_by == cellule
    assert Membership.objects.filter(project=join_request.project, user=join_request.user).exists()
    assert OutgoingEmail.objects.filter(to="demande@example.org").exists()
    assert any("1 demande acceptée" in str(m) for m in response.context["messages"])


def test_staff_decline_a_join_request(client, cellule, django_capture_on_commit_callbacks):
    join_request = JoinRequest.objects.create(
        project=ProjectFactory(), user=UserFactory(email="demande@example.org")
    )

    with django_capture_on_commit_callbacks(execute=False):
        client.post(
            reverse("admin:projets_joinrequest_changelist"),
            {"action": "decline", "_selected_action": [join_request.pk]},
        )

    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.DECLINED
    assert not Membership.objects.filter(user=join_request.user).exists()
    assert OutgoingEmail.objects.filter(to="demande@example.org").exists()


def test_deciding_twice_is_reported_not_repeated(
    client, cellule, django_capture_on_commit_callbacks
):
    join_request = JoinRequest.objects.create(
        project=ProjectFactory(),
        user=UserFactory(),
        status=JoinRequest.Status.DECLINED,
    )

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("admin:projets_joinrequest_changelist"),
            {"action": "approve", "_selected_action": [join_request.pk]},
            follow=True,
        )

    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.DECLINED
    assert not Membership.objects.exists()
    assert any("laissée telle quelle" in str(m) for m in response.context["messages"])


# --- History ---------------------------------------------------------------------------------


def test_project_history_shows_who_changed_the_page(client, cellule):
    project = ProjectFactory(name="Halle")
    url = reverse("admin:projets_project_change", args=[project.pk])
    data = change_form_data(client.get(url))
    data["summary"] = "Un nouveau résumé"

    saved = client.post(url, data)
    history = client.get(reverse("admin:projets_project_history", args=[project.pk]))

    assert saved.status_code == HTTPStatus.FOUND, saved.context["adminform"].form.errors
    record = project.history.latest("history_date")
    assert record.history_user == cellule
    assert record.summary == "Un nouveau résumé"
    assert history.status_code == HTTPStatus.OK
    assert "cellule@example.org" in history.text or str(cellule) in history.text


def test_event_history_shows_who_published_and_cancelled(client, cellule):
    from events.services import event_cancel, event_publish

    officer = UserFactory(email="officier@example.org", first_name="Oph", last_name="Officier")
    province = ProvinceFactory()
    province.officers.add(officer)
    event = EventFactory(
        status=Event.Status.DRAFT,
        province=province,
        created_by=officer,
        start=timezone.now() + datetime.timedelta(days=30),
    )
    event_publish(user=officer, event=event)
    event_cancel(user=cellule, event=event)

    response = client.get(reverse("admin:events_event_history", args=[event.pk]))

    assert response.status_code == HTTPStatus.OK
    records = list(event.history.order_by("history_date"))
    assert [(r.status, r.history_user) for r in records[-2:]] == [
        (Event.Status.PUBLISHED, officer),
        (Event.Status.CANCELLED, cellule),
    ]
    assert "Publication" in response.text
    assert "Annulation" in response.text
    assert "Oph Officier" in response.text


def test_event_added_in_the_admin_records_its_creator(client, superuser):
    start = timezone.localtime(timezone.now() + datetime.timedelta(days=20))

    response = client.post(
        reverse("admin:events_event_add"),
        {
            "title": "Atelier",
            "slug": "atelier",
            "kind": Event.Kind.WORKSHOP,
            "status": Event.Status.DRAFT,
            "start_0": start.strftime("%d/%m/%Y"),
            "start_1": "14:00",
        },
    )

    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].form.errors
    event = Event.objects.get()
    assert event.created_by == superuser
    assert event.history.get().history_user == superuser


# --- Outbox ----------------------------------------------------------------------------------


def long_ago():
    """A claim older than the delay after which a message still "sending" is uncertain."""
    return timezone.now() - UNCERTAIN_AFTER - datetime.timedelta(minutes=1)


def outgoing(status, **kwargs):
    return OutgoingEmail.objects.create(
        to=kwargs.pop("to", f"{status}@example.org"),
        subject=kwargs.pop("subject", f"Message {status}"),
        body_text="Lien secret : https://example.org/compte/password/reset/key/abc/",
        status=status,
        **kwargs,
    )


def test_outbox_lists_for_the_cellule(client, cellule):
    sent = outgoing(OutgoingEmail.Status.SENT, sent_at=timezone.now(), attempts=1)
    sending = outgoing(OutgoingEmail.Status.SENDING, claimed_at=timezone.now(), attempts=1)
    stuck = outgoing(
        OutgoingEmail.Status.SENDING, to="stuck@example.org", claimed_at=long_ago(), attempts=1
    )

    response = client.get(reverse("admin:portal_outgoingemail_changelist"))
    uncertain = client.get(reverse("admin:portal_outgoingemail_changelist"), {"etat": "uncertain"})
    in_progress = client.get(
        reverse("admin:portal_outgoingemail_changelist"), {"etat": "in_progress"}
    )
    searched = client.get(reverse("admin:portal_outgoingemail_changelist"), {"q": "sent@"})

    assert response.status_code == HTTPStatus.OK
    assert set(response.context["cl"].result_list) == {sent, sending, stuck}
    assert list(uncertain.context["cl"].result_list) == [stuck]
    assert list(in_progress.context["cl"].result_list) == [sending]
    assert list(searched.context["cl"].result_list) == [sent]
    # The uncertain one is named so, in the list and in a warning above it.
    assert response.text.count("Incertain") >= 2
    assert "1 message est incertain" in response.text
    assert client.get(reverse("admin:portal_outgoingemail_add")).status_code == (
        HTTPStatus.FORBIDDEN
    )


def test_outbox_message_is_read_only_and_its_body_hidden_from_non_superusers(client, cellule):
    message = outgoing(OutgoingEmail.Status.SENT)
    url = reverse("admin:portal_outgoingemail_change", args=[message.pk])

    page = client.get(url)
    post = client.post(url, {"subject": "Changé"})

    assert page.status_code == HTTPStatus.OK
    assert not page.context["has_change_permission"]
    assert "Lien secret" not in page.text
    assert post.status_code == HTTPStatus.FORBIDDEN
    message.refresh_from_db()
    assert message.subject == "Message sent"


def test_outbox_body_shown_to_superusers(client, superuser):
    message = outgoing(OutgoingEmail.Status.FAILED)

    page = client.get(reverse("admin:portal_outgoingemail_change", args=[message.pk]))

    assert "Lien secret" in page.text


def test_outbox_search_never_looks_in_the_bodies(client, cellule):
    outgoing(OutgoingEmail.Status.SENT)

    response = client.get(reverse("admin:portal_outgoingemail_changelist"), {"q": "abc"})

    assert list(response.context["cl"].result_list) == []


def test_resend_requeues_failed_and_uncertain_messages_and_warns_of_duplicates(
    client, cellule, mailoutbox, django_capture_on_commit_callbacks
):
    failed = outgoing(OutgoingEmail.Status.FAILED, attempts=5, last_error="refusé")
    stuck = outgoing(OutgoingEmail.Status.SENDING, claimed_at=long_ago(), attempts=1)
    sent = outgoing(OutgoingEmail.Status.SENT, sent_at=timezone.now(), attempts=1)
    # Claimed a moment ago: a worker is sending it now. Requeued, it would go out twice.
    sending = outgoing(
        OutgoingEmail.Status.SENDING, to="now@example.org", claimed_at=timezone.now(), attempts=1
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("admin:portal_outgoingemail_changelist"),
            {"action": "resend", "_selected_action": [failed.pk, stuck.pk, sent.pk, sending.pk]},
            follow=True,
        )

    for message in (failed, stuck, sent, sending):
        message.refresh_from_db()
    assert (failed.status, stuck.status, sent.status, sending.status) == (
        OutgoingEmail.Status.QUEUED,
        OutgoingEmail.Status.QUEUED,
        OutgoingEmail.Status.SENT,
        OutgoingEmail.Status.SENDING,
    )
    texts = [str(m) for m in response.context["messages"]]
    assert "2 messages remis en file d'envoi." in texts
    assert any("en double" in t for t in texts)
    assert any("2 messages déjà envoyés, en cours d'envoi ou déjà en attente" in t for t in texts)
    assert len(callbacks) == 1  # the sender is woken after commit

    callbacks[0]()  # the (eager) task sends them

    assert sorted(m.to[0] for m in mailoutbox) == ["failed@example.org", "sending@example.org"]
    failed.refresh_from_db()
    assert failed.status == OutgoingEmail.Status.SENT


def test_resend_of_sent_messages_changes_nothing(
    client, cellule, django_capture_on_commit_callbacks
):
    sent = outgoing(OutgoingEmail.Status.SENT, sent_at=timezone.now(), attempts=1)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(
            reverse("admin:portal_outgoingemail_changelist"),
            {"action": "resend", "_selected_action": [sent.pk]},
        )

    sent.refresh_from_db()
    assert sent.status == OutgoingEmail.Status.SENT
    assert callbacks == []


def test_people_without_outbox_rights_cannot_resend(client):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_outgoingemail"))
    client.force_login(viewer)
    failed = outgoing(OutgoingEmail.Status.FAILED)

    page = client.get(reverse("admin:portal_outgoingemail_changelist"))
    client.post(
        reverse("admin:portal_outgoingemail_changelist"),
        {"action": "resend", "_selected_action": [failed.pk]},
    )

    assert page.status_code == HTTPStatus.OK
    assert page.context["action_form"] is None or "resend" not in [
        name for name, _label in page.context["action_form"].fields["action"].choices
    ]
    failed.refresh_from_db()
    assert failed.status == OutgoingEmail.Status.FAILED


def test_user_model_has_no_username():
    assert "username" not in {f.name for f in User._meta.get_fields()}
