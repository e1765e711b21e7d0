"""The ground's ServiceAdmin: whatever a service refuses, in a form, a delete or an action, is
shown as a form error or a message, and everything the request wrote before is undone.

A small admin site of its own, over project types, whose "service" writes first (the row and an
outbox message, as the real ones do) and refuses after: the worst case for half a change.
"""

from http import HTTPStatus

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import include, path, reverse

from portal.admin_services import ServiceAdmin
from portal.mail import email_queue
from portal.models import OutgoingEmail
from projets.models import ProjectType
from tests.admin_forms import action_data, change_form_data
from tests.projets.factories import ProjectTypeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def _service(obj):
    """Writes, queues an email, then refuses some names: as a real service that checks late."""
    obj.save()
    email_queue(to="cellule@example.org", subject="Modifié", body_text=obj.name)
    if obj.name == "Refusé":
        raise ValidationError({"name": "Ce nom est refusé par le service."})
    if obj.name == "Refusé ailleurs":
        raise ValidationError({"slug_of_something_else": "Refusé pour une autre raison."})
    if obj.name == "Interdit":
        raise PermissionDenied("Vous ne pouvez pas donner ce nom.")


class RefusingAdmin(ServiceAdmin):
    fields = ("name", "slug", "order")
    actions = ("rename_then_refuse",)
    list_display = ("name", "order")
    list_editable = ("order",)

    def save_model(self, request, obj, form, change):
        _service(obj)

    def delete_model(self, request, obj):
        obj.delete()
        email_queue(to="cellule@example.org", subject="Supprimé", body_text=obj.name)
        raise ValidationError("Le service refuse cette suppression.")

    def deletion_blockers(self, request, obj):
        return ["Bloqué d'avance"] if obj.name == "Bloqué" else []

    @admin.action(description="Renommer puis refuser")
    def rename_then_refuse(self, request, queryset):
        for obj in queryset:
            obj.name = f"{obj.name} (renommé)"
            obj.save()
        raise ValidationError("Le service refuse cette action.")


site = admin.AdminSite(name="refusals")
site.register(ProjectType, RefusingAdmin)
# The site's own URLs too: its error pages link to them.
urlpatterns = [path("refus/", site.urls), path("", include("hub.urls"))]


@pytest.fixture
def as_superuser(admin_client):
    return admin_client


@pytest.fixture
def kind():
    return ProjectTypeFactory(name="Logistique", slug="logistique", order=1)


def change_url(obj):
    return reverse("refusals:projets_projecttype_change", args=[obj.pk])


def post_name(client, obj, name):
    data = change_form_data(client.get(change_url(obj)))
    data["name"] = name
    return client.post(change_url(obj), data)


def test_an_accepted_change_is_saved_with_its_side_effect(as_superuser, kind):
    response = post_name(as_superuser, kind, "Logistique mutualisée")

    assert response.status_code == HTTPStatus.FOUND
    kind.refresh_from_db()
    assert kind.name == "Logistique mutualisée"
    assert OutgoingEmail.objects.count() == 1


def test_a_refusal_is_an_error_next_to_its_field_and_nothing_is_kept(as_superuser, kind):
    response = post_name(as_superuser, kind, "Refusé")

    assert response.status_code == HTTPStatus.OK
    form = response.context["adminform"].form
    assert form.errors["name"] == ["Ce nom est refusé par le service."]
    assert 'value="Refusé"' in response.text  # what was typed is shown again
    kind.refresh_from_db()
    assert kind.name == "Logistique"
    assert not OutgoingEmail.objects.exists()
    assert not admin.models.LogEntry.objects.exists()


def test_an_error_about_a_field_not_in_the_form_goes_on_top(as_superuser, kind):
    response = post_name(as_superuser, kind, "Refusé ailleurs")

    assert response.context["adminform"].form.non_field_errors() == [
        "Refusé pour une autre raison."
    ]


def test_a_permission_refusal_is_a_form_error_too(as_superuser, kind):
    response = post_name(as_superuser, kind, "Interdit")

    assert response.status_code == HTTPStatus.OK
    assert response.context["adminform"].form.non_field_errors() == [
        "Vous ne pouvez pas donner ce nom."
    ]
    assert not OutgoingEmail.objects.exists()


def test_an_add_refused_creates_nothing(as_superuser):
    url = reverse("refusals:projets_projecttype_add")

    response = as_superuser.post(url, {"name": "Refusé", "slug": "refuse", "order": 3})

    assert response.status_code == HTTPStatus.OK
    assert response.context["adminform"].form.errors["name"]
    assert not ProjectType.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_a_refused_delete_keeps_the_row_and_says_why(as_superuser, kind):
    url = reverse("refusals:projets_projecttype_delete", args=[kind.pk])

    response = as_superuser.post(url, {"post": "yes"}, follow=True)

    assert ProjectType.objects.filter(pk=kind.pk).exists()
    assert not OutgoingEmail.objects.exists()
    assert response.redirect_chain[-1][0] == change_url(kind)
    messages = [str(m) for m in response.context["messages"]]
    assert "Le service refuse cette suppression." in messages


def test_a_deletion_blocker_shows_before_confirming(as_superuser):
    blocked = ProjectTypeFactory(name="Bloqué")

    page = as_superuser.get(reverse("refusals:projets_projecttype_delete", args=[blocked.pk]))

    assert page.context["protected"] == ["Bloqué d'avance"]
    assert "Bloqué d&#x27;avance" in page.text


def test_a_refused_action_undoes_what_it_did_and_says_why(as_superuser, kind):
    other = ProjectTypeFactory(name="Cuisines")
    url = reverse("refusals:projets_projecttype_changelist")

    response = as_superuser.post(url, action_data("rename_then_refuse", [kind, other]), follow=True)

    assert response.status_code == HTTPStatus.OK
    assert set(ProjectType.objects.values_list("name", flat=True)) == {"Logistique", "Cuisines"}
    messages = [str(m) for m in response.context["messages"]]
    assert "Le service refuse cette action." in messages


def test_a_refused_editable_column_undoes_every_row(as_superuser, kind):
    refused = ProjectTypeFactory(name="Refusé", order=5)
    url = reverse("refusals:projets_projecttype_changelist")
    data = {
        "form-TOTAL_FORMS": 2,
        "form-INITIAL_FORMS": 2,
        "form-MIN_NUM_FORMS": 0,
        "form-MAX_NUM_FORMS": 1000,
        "_save": "Enregistrer",
    }
    for index, row in enumerate(ProjectType.objects.order_by("-pk")):
        data[f"form-{index}-id"] = row.pk
        data[f"form-{index}-order"] = row.order + 10

    response = as_superuser.post(url, data, follow=True)

    assert response.status_code == HTTPStatus.OK
    messages = [str(m) for m in response.context["messages"]]
    assert "Ce nom est refusé par le service." in messages
    orders = dict(ProjectType.objects.values_list("pk", "order"))
    assert orders == {kind.pk: 1, refused.pk: 5}
    assert not OutgoingEmail.objects.exists()


def test_django_s_own_permission_refusal_stays_a_403(client, kind):
    """Someone who may only view: the admin's bare PermissionDenied is not shown as a refusal."""
    from django.contrib.auth.models import Permission

    from tests.portal.factories import UserFactory

    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_projecttype"))
    client.force_login(viewer)

    deleted = client.post(
        reverse("refusals:projets_projecttype_delete", args=[kind.pk]), {"post": "yes"}
    )
    changed = post_name(client, kind, "Autre")

    assert deleted.status_code == HTTPStatus.FORBIDDEN
    assert changed.status_code == HTTPStatus.FORBIDDEN
    assert ProjectType.objects.get(pk=kind.pk).name == "Logistique"
