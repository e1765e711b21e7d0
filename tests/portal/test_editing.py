"""The ground's scaffold of the pages that change something, on a model of the ground (the
outbox), through views written here for the purpose: who enters, forms, buttons, refusals."""

import json
from http import HTTPStatus

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import include, path, reverse

from portal.editing import (
    ObjectActionView,
    ObjectConfirmView,
    ObjectEditView,
    ServiceFormView,
    SpaceMixin,
)
from portal.models import OutgoingEmail
from portal.service_errors import error_codes
from tests.portal.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


class SubjectForm(forms.ModelForm):
    class Meta:
        model = OutgoingEmail
        fields = ["subject"]


def subject_save(*, email, subject):
    """A service: refuses « interdit » on its field, « refus » as a whole, else saves."""
    if subject == "interdit":
        raise ValidationError(
            {"subject": ValidationError("Cet objet est interdit.", code="forbidden")}
        )
    if subject == "refus":
        raise ValidationError("Refusé en entier.", code="refused")
    OutgoingEmail.objects.filter(pk=email.pk).update(subject=subject)
    return email


class Rendered:
    """Stands for a template: the page's context as JSON, enough to read it in a test."""

    def render_to_response(self, context, **kwargs):
        form = context.get("form")
        return HttpResponse(
            json.dumps(
                {
                    "object": str(context.get("object", "")),
                    "errors": form.errors.get_json_data() if form is not None else {},
                    "typed": form["subject"].value() if form is not None else None,
                }
            )
        )


class StaffOnlyMixin(SpaceMixin):
    def may_enter(self, user):
        return user.is_staff

    def get_queryset(self):
        # The permission-scoped queryset: only messages to the person's own address.
        return OutgoingEmail.objects.filter(to=self.request.user.email)


class EditView(StaffOnlyMixin, Rendered, ObjectEditView):
    form_class = SubjectForm
    success_message = "« %(title)s » est enregistré."
    success_url = "/fait/"

    def perform(self, form):
        return subject_save(email=self.object, subject=form.cleaned_data["subject"])


class CreateView(SpaceMixin, Rendered, ServiceFormView):
    form_class = SubjectForm
    success_url = "/fait/"

    def perform(self, form):
        return None


class SendView(StaffOnlyMixin, ObjectActionView):
    success_message = "Envoyé."

    def perform(self):
        if self.object.status == OutgoingEmail.Status.SENT:
            raise ValidationError("Déjà envoyé.", code="already")
        OutgoingEmail.objects.filter(pk=self.object.pk).update(status=OutgoingEmail.Status.SENT)
        return

    def get_success_url(self):
        return "/envoye/"

    def get_refused_url(self, error):
        return f"/refuse/{','.join(sorted(error_codes(error)))}/"


class DeleteView(StaffOnlyMixin, Rendered, ObjectConfirmView):
    success_message = "« %(title)s » est supprimé."
    success_url = "/liste/"

    def perform(self):
        self.object.delete()


urlpatterns = [
    path("nouveau/", CreateView.as_view()),
    path("<int:pk>/modifier/", EditView.as_view()),
    path("<int:pk>/envoyer/", SendView.as_view()),
    path("<int:pk>/supprimer/", DeleteView.as_view()),
    # The site's own pages: sign-in, and what the 404 page links to.
    path("", include("hub.urls")),
]


@pytest.fixture
def staff(client):
    user = UserFactory(is_staff=True, email="staff@example.org")
    client.force_login(user)
    return user


@pytest.fixture
def email(staff):
    return OutgoingEmail.objects.create(to=staff.email, subject="Avant", body_text="Texte")


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_anonymous_visitors_are_sent_to_sign_in(client):
    email = OutgoingEmail.objects.create(to="a@example.org", subject="Avant", body_text="x")

    for url in (f"/{email.pk}/modifier/", "/nouveau/"):
        response = client.get(url)
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith(reverse("account_login"))
    assert client.post(f"/{email.pk}/envoyer/").status_code == HTTPStatus.FOUND
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.QUEUED


def test_who_may_not_enter_finds_nothing(client, email):
    client.force_login(UserFactory(is_staff=False))

    assert client.get(f"/{email.pk}/modifier/").status_code == HTTPStatus.NOT_FOUND
    assert client.post(f"/{email.pk}/envoyer/").status_code == HTTPStatus.NOT_FOUND


def test_an_object_outside_the_scoped_queryset_is_404_even_for_a_forged_post(client, staff):
    other = OutgoingEmail.objects.create(to="autre@example.org", subject="Avant", body_text="x")

    assert client.get(f"/{other.pk}/modifier/").status_code == HTTPStatus.NOT_FOUND
    assert client.post(f"/{other.pk}/modifier/", {"subject": "Pris"}).status_code == 404
    assert client.post(f"/{other.pk}/envoyer/").status_code == HTTPStatus.NOT_FOUND
    assert client.post(f"/{other.pk}/supprimer/").status_code == HTTPStatus.NOT_FOUND
    other.refresh_from_db()
    assert (other.subject, other.status) == ("Avant", OutgoingEmail.Status.QUEUED)


def test_the_edit_form_starts_from_the_object(client, email):
    page = json.loads(client.get(f"/{email.pk}/modifier/").content)

    assert page["object"] == str(email)
    assert page["typed"] == "Avant"


def test_a_valid_form_calls_the_service_then_says_so_and_redirects(client, email):
    title = str(email)  # what the service returns is named by str(), as the page showed it

    response = client.post(f"/{email.pk}/modifier/", {"subject": "Après"})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/fait/"
    assert messages_of(response) == [f"« {title} » est enregistré."]
    email.refresh_from_db()
    assert email.subject == "Après"


def test_an_invalid_form_calls_no_service(client, email):
    response = client.post(f"/{email.pk}/modifier/", {"subject": "x" * 301})

    page = json.loads(response.content)
    assert response.status_code == HTTPStatus.OK
    assert list(page["errors"]) == ["subject"]
    email.refresh_from_db()
    assert email.subject == "Avant"


def test_a_refusal_on_a_field_shows_next_to_it_with_what_was_typed(client, email):
    response = client.post(f"/{email.pk}/modifier/", {"subject": "interdit"})

    page = json.loads(response.content)
    assert response.status_code == HTTPStatus.OK
    assert page["errors"] == {
        "subject": [{"message": "Cet objet est interdit.", "code": "forbidden"}]
    }
    assert page["typed"] == "interdit"
    # The page keeps the saved object (the form worked on a copy).
    assert page["object"] == str(email)
    email.refresh_from_db()
    assert email.subject == "Avant"


def test_a_refusal_as_a_whole_shows_above_the_form(client, email):
    page = json.loads(client.post(f"/{email.pk}/modifier/", {"subject": "refus"}).content)

    assert page["errors"] == {"__all__": [{"message": "Refusé en entier.", "code": "refused"}]}


def test_a_button_wants_a_post(client, email):
    assert client.get(f"/{email.pk}/envoyer/").status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_a_button_acts_once_then_the_refusal_comes_as_a_message(client, email):
    first = client.post(f"/{email.pk}/envoyer/")
    second = client.post(f"/{email.pk}/envoyer/")

    assert first["Location"] == "/envoye/"
    assert messages_of(first) == ["Envoyé."]
    assert second["Location"] == "/refuse/already/"
    assert messages_of(second)[-1] == "Déjà envoyé."


def test_a_confirmation_page_asks_then_acts(client, email):
    title = str(email)

    page = client.get(f"/{email.pk}/supprimer/")
    assert page.status_code == HTTPStatus.OK
    assert json.loads(page.content)["object"] == title
    assert OutgoingEmail.objects.filter(pk=email.pk).exists()

    response = client.post(f"/{email.pk}/supprimer/")
    assert response["Location"] == "/liste/"
    assert messages_of(response) == [f"« {title} » est supprimé."]
    assert not OutgoingEmail.objects.filter(pk=email.pk).exists()


def test_error_codes_read_both_shapes_of_refusal():
    assert error_codes(ValidationError("a", code="one")) == {"one"}
    assert error_codes(ValidationError(["a", ValidationError("b", code="two")])) == {"two"}
    assert error_codes(ValidationError({"f": ValidationError("a", code="one"), "g": ["b"]})) == {
        "one"
    }
