"""Attendee management for an event's organisers, over HTTP as each role, and its services."""

import csv
import datetime
import io
import uuid
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from events.attendees import attendance_mark, cell_safe, event_message_send
from events.models import Event, Registration
from portal.models import OutgoingEmail
from tests.events.factories import EventFactory, RegistrationFactory
from tests.portal.factories import UserFactory
from tests.projets.factories import ProjectFactory
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db


# --- people and events -------------------------------------------------------------------------


@pytest.fixture
def leader():
    return UserFactory(email="leader@example.org")


@pytest.fixture
def event(liege):
    return EventFactory(
        title="Rencontre de Liège", slug="rencontre-liege", province=liege, capacity=2
    )


@pytest.fixture
def as_officer(client, officer):
    client.force_login(officer)
    return client


def url(name, event, **kwargs):
    return reverse(f"espace_events:{name}", kwargs={"slug": event.slug, **kwargs})


def register(event, *, email, status=Registration.Status.CONFIRMED, **kwargs):
    user = UserFactory(email=email, first_name=kwargs.pop("first_name", "Anne"))
    return RegistrationFactory(event=event, user=user, status=status, **kwargs)


def message_data(**overrides):
    values = {
        "message_id": str(uuid.uuid4()),
        "recipients": "confirmed",
        "subject": "Changement de salle",
        "body": "Bonjour,\nLa rencontre aura lieu salle B.",
    }
    values.update(overrides)
    return values


# --- permissions -------------------------------------------------------------------------------

GET_PAGES = [
    "attendees",
    "attendees_csv",
    "attendees_xlsx",
    "attendees_attendance",
    "attendees_message",
]


@pytest.mark.parametrize("name", GET_PAGES)
def test_the_events_officer_and_staff_open_every_page(client, event, officer, staff, name):
    for person in (officer, staff):
        client.force_login(person)
        assert client.get(url(name, event)).status_code == HTTPStatus.OK


@pytest.mark.parametrize("name", GET_PAGES)
def test_another_provinces_officer_and_a_leader_get_404(client, event, namur_officer, leader, name):
    for person in (namur_officer, leader):
        client.force_login(person)
        assert client.get(url(name, event)).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("name", GET_PAGES)
def test_anonymous_is_sent_to_sign_in(client, event, name):
    response = client.get(url(name, event))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


def test_forged_posts_from_another_province_change_nothing(
    client, event, namur_officer, django_capture_on_commit_callbacks, mailoutbox
):
    confirmed = register(event, email="a@example.org")
    waiting = register(event, email="b@example.org", status=Registration.Status.WAITING)
    client.force_login(namur_officer)
    with django_capture_on_commit_callbacks(execute=True):
        responses = [
            client.post(url("attendees_cancel", event, pk=confirmed.pk)),
            client.post(
                url("attendees_attendance", event), {f"presence-{confirmed.pk}": "present"}
            ),
            client.post(url("attendees_message", event), message_data(recipients="both")),
        ]
    assert [r.status_code for r in responses] == [HTTPStatus.NOT_FOUND] * 3
    confirmed.refresh_from_db()
    waiting.refresh_from_db()
    assert confirmed.status == Registration.Status.CONFIRMED
    assert confirmed.attended is None
    assert waiting.status == Registration.Status.WAITING
    assert not OutgoingEmail.objects.exists()
    assert mailoutbox == []


def test_a_registration_of_another_event_is_404_even_for_its_officer(as_officer, event, liege):
    other = EventFactory(province=liege)
    registration = register(other, email="a@example.org")
    response = as_officer.post(url("attendees_cancel", event, pk=registration.pk))
    assert response.status_code == HTTPStatus.NOT_FOUND
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_the_event_page_links_managers_to_the_registrants(client, event, officer, leader):
    link = url("attendees", event)
    client.force_login(officer)
    assert link in client.get(event.get_absolute_url()).content.decode()
    client.force_login(leader)
    assert link not in client.get(event.get_absolute_url()).content.decode()


# --- the list ----------------------------------------------------------------------------------


def test_the_list_shows_each_registration_with_its_status_and_counts(as_officer, event):
    project = ProjectFactory(name="Potager de Herstal")
    register(event, email="a@example.org", first_name="Alice", remarks="Végétarien")
    register(event, email="b@example.org", first_name="Bruno", project=project, organisation="")
    register(event, email="c@example.org", first_name="Chloé", status=Registration.Status.WAITING)
    register(event, email="d@example.org", first_name="Denis", status=Registration.Status.CANCELLED)

    response = as_officer.get(url("attendees", event))
    html = response.content.decode()
    for text in ("Alice", "a@example.org", "Végétarien", "Potager de Herstal", "Asbl Exemple"):
        assert text in html
    assert "2 / 2 places" in html
    assert "En liste d&#x27;attente (n° 1)" in html
    assert "Annulée" in html
    counts = response.context["counts"]
    assert (counts.confirmed, counts.waiting, counts.cancelled) == (2, 1, 1)


def test_the_list_costs_the_same_queries_with_more_registrations(as_officer, event):
    event.capacity = None
    event.save()
    counter = iter(range(1000))

    def grow(n):
        for _ in range(n):
            i = next(counter)
            status = [
                Registration.Status.CONFIRMED,
                Registration.Status.WAITING,
                Registration.Status.CANCELLED,
            ][i % 3]
            register(event, email=f"p{i}@example.org", status=status)

    assert_constant_queries(as_officer, url("attendees", event), grow)


def test_the_attendance_page_costs_the_same_queries_with_more_registrations(as_officer, event):
    event.capacity = None
    event.save()
    counter = iter(range(1000))

    def grow(n):
        for _ in range(n):
            register(event, email=f"p{next(counter)}@example.org")

    assert_constant_queries(as_officer, url("attendees_attendance", event), grow)


# --- exports -----------------------------------------------------------------------------------

HEADERS = [
    "Statut",
    "Position en liste d'attente",
    "Nom",
    "Adresse e-mail",
    "Projet ou organisation",
    "Besoins / remarques",
    "Inscrit·e le",
    "Présence",
]


@pytest.fixture
def exported(event):
    register(event, email="a@example.org", first_name="Alice", remarks='=HYPERLINK("x")')
    register(event, email="b@example.org", first_name="Bruno", organisation="+32 470 00 00 00")
    register(event, email="c@example.org", status=Registration.Status.WAITING, remarks="@cmd")
    Registration.objects.filter(user__email="a@example.org").update(attended=True)
    return event


def test_csv_export_parses_back_with_semicolons_and_no_formula(as_officer, exported):
    response = as_officer.get(url("attendees_csv", exported))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == HEADERS
    assert len(rows) == 4
    by_email = {row[3]: row for row in rows[1:]}
    assert by_email["a@example.org"][0] == "Confirmée"
    assert by_email["a@example.org"][5] == '\'=HYPERLINK("x")'
    assert by_email["a@example.org"][7] == "Présent·e"
    assert by_email["b@example.org"][4] == "'+32 470 00 00 00"
    assert by_email["c@example.org"][:2] == ["En liste d'attente", "1"]
    assert by_email["c@example.org"][5] == "'@cmd"
    registered = datetime.datetime.strptime(by_email["a@example.org"][6], "%d/%m/%Y %H:%M")  # noqa: DTZ007
    assert registered.date() == timezone.localdate()
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_xlsx_export_parses_back_with_a_bold_header_and_no_formula(as_officer, exported):
    response = as_officer.get(url("attendees_xlsx", exported))
    assert response.status_code == HTTPStatus.OK
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.worksheets) == 1
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.column_dimensions["F"].width >= 30
    assert len(rows) == 4
    by_email = {row[3]: row for row in rows[1:]}
    assert by_email["a@example.org"][5] == '\'=HYPERLINK("x")'
    assert by_email["b@example.org"][4] == "'+32 470 00 00 00"
    assert by_email["c@example.org"][1] == 1
    assert isinstance(by_email["a@example.org"][6], datetime.datetime)
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_xlsx_export_survives_control_characters_in_remarks(as_officer, event):
    register(event, email="a@example.org", remarks="Rampe\x0b d'accès")
    response = as_officer.get(url("attendees_xlsx", event))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["F2"].value == "Rampe d'accès"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+1", "'=1+1"), ("-2", "'-2"), ("+3", "'+3"), ("@a", "'@a"), ("Namur", "Namur"), (3, 3)],
)
def test_cell_safe(value, expected):
    assert cell_safe(value) == expected


# --- attendance --------------------------------------------------------------------------------


def test_attendance_is_saved_in_one_post(as_officer, event):
    alice = register(event, email="a@example.org")
    bruno = register(event, email="b@example.org")
    waiting = register(event, email="c@example.org", status=Registration.Status.WAITING)
    response = as_officer.post(
        url("attendees_attendance", event),
        {
            f"presence-{alice.pk}": "present",
            f"presence-{bruno.pk}": "absent",
            f"presence-{waiting.pk}": "present",  # not confirmed: no field, ignored
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == url("attendees", event)
    values = dict(Registration.objects.values_list("pk", "attended"))
    assert values == {alice.pk: True, bruno.pk: False, waiting.pk: None}


def test_attendance_page_shows_what_was_noted(as_officer, event):
    alice = register(event, email="a@example.org")
    Registration.objects.filter(pk=alice.pk).update(attended=False)
    html = as_officer.get(url("attendees_attendance", event)).content.decode()
    assert f'value="absent" id="id_presence-{alice.pk}_1" checked' in html


def test_attendance_mark_ignores_other_events_and_unconfirmed_registrations(event, officer, liege):
    mine = register(event, email="a@example.org")
    cancelled = register(event, email="b@example.org", status=Registration.Status.CANCELLED)
    other = register(EventFactory(province=liege), email="c@example.org")
    updated = attendance_mark(
        by=officer, event=event, present_ids=[mine.pk, other.pk], absent_ids=[cancelled.pk]
    )
    assert updated == 1
    values = dict(Registration.objects.values_list("pk", "attended"))
    assert values == {mine.pk: True, cancelled.pk: None, other.pk: None}


def test_attendance_mark_refuses_someone_both_present_and_absent(event, officer):
    mine = register(event, email="a@example.org")
    with pytest.raises(Exception, match="à la fois présente et absente"):
        attendance_mark(by=officer, event=event, present_ids=[mine.pk], absent_ids=[mine.pk])
    mine.refresh_from_db()
    assert mine.attended is None


# --- cancelling on someone's behalf ------------------------------------------------------------


def test_cancel_asks_for_confirmation_first(as_officer, event):
    alice = register(event, email="a@example.org", first_name="Alice")
    response = as_officer.get(url("attendees_cancel", event, pk=alice.pk))
    assert response.status_code == HTTPStatus.OK
    assert "Oui, annuler cette inscription" in response.content.decode()
    alice.refresh_from_db()
    assert alice.status == Registration.Status.CONFIRMED


def test_cancel_on_behalf_promotes_the_first_in_line_and_emails_them(
    as_officer, event, officer, django_capture_on_commit_callbacks, mailoutbox
):
    alice = register(event, email="a@example.org")
    register(event, email="b@example.org")
    first = register(event, email="c@example.org", status=Registration.Status.WAITING)
    Registration.objects.filter(pk=first.pk).update(
        waiting_since=timezone.now() - datetime.timedelta(hours=1)
    )
    second = register(event, email="d@example.org", status=Registration.Status.WAITING)

    with django_capture_on_commit_callbacks(execute=True):
        response = as_officer.post(url("attendees_cancel", event, pk=alice.pk), follow=True)

    assert response.status_code == HTTPStatus.OK
    alice.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert alice.status == Registration.Status.CANCELLED
    assert alice.cancelled_by == officer
    assert first.status == Registration.Status.CONFIRMED
    assert second.status == Registration.Status.WAITING
    # Alice is told, with the CANCEL invitation; the first in line gets her seat.
    assert [m.to for m in mailoutbox] == [[alice.user.email], ["c@example.org"]]
    assert "L'équipe organisatrice a annulé votre inscription" in mailoutbox[0].body
    assert "reçoit la place" in response.content.decode()
    assert Event.objects.get(pk=event.pk).seats_taken == 2


def test_cancel_after_the_event_started_is_still_possible_for_organisers(as_officer, event):
    alice = register(event, email="a@example.org")
    Event.objects.filter(pk=event.pk).update(
        start=timezone.now() - datetime.timedelta(hours=1),
        end=timezone.now() + datetime.timedelta(hours=1),
    )
    as_officer.post(url("attendees_cancel", event, pk=alice.pk))
    alice.refresh_from_db()
    assert alice.status == Registration.Status.CANCELLED


def test_cancelling_twice_says_so_without_error(as_officer, event):
    alice = register(event, email="a@example.org")
    as_officer.post(url("attendees_cancel", event, pk=alice.pk))
    response = as_officer.post(url("attendees_cancel", event, pk=alice.pk), follow=True)
    assert response.status_code == HTTPStatus.OK
    assert "déjà annulée" in response.content.decode()


# --- messages ----------------------------------------------------------------------------------


def test_message_form_carries_a_fresh_message_id(as_officer, event):
    first = as_officer.get(url("attendees_message", event)).context["form"]["message_id"].value()
    second = as_officer.get(url("attendees_message", event)).context["form"]["message_id"].value()
    assert uuid.UUID(str(first)) != uuid.UUID(str(second))


def test_message_goes_once_to_each_recipient_even_when_posted_twice(
    as_officer, event, officer, django_capture_on_commit_callbacks, mailoutbox
):
    register(event, email="a@example.org")
    register(event, email="b@example.org")
    register(event, email="c@example.org", status=Registration.Status.WAITING)
    register(event, email="d@example.org", status=Registration.Status.CANCELLED)
    data = message_data(recipients="both")

    with django_capture_on_commit_callbacks(execute=True):
        response = as_officer.post(url("attendees_message", event), data, follow=True)
    assert "Message envoyé à 3 personnes." in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        again = as_officer.post(url("attendees_message", event), data, follow=True)
    assert "déjà été envoyé" in again.content.decode()

    assert sorted(m.to[0] for m in mailoutbox) == [
        "a@example.org",
        "b@example.org",
        "c@example.org",
    ]
    message = mailoutbox[0]
    assert message.subject == "Changement de salle"
    assert "La rencontre aura lieu salle B." in message.body
    assert "Rencontre de Liège" in message.body
    assert "salle B." in message.alternatives[0][0]
    assert message.extra_headers["Reply-To"] == officer.email  # answers reach the organiser


@pytest.mark.parametrize(
    ("recipients", "expected"),
    [("confirmed", ["a@example.org"]), ("waiting", ["c@example.org"])],
)
def test_message_goes_to_the_chosen_group(event, officer, recipients, expected):
    register(event, email="a@example.org")
    register(event, email="c@example.org", status=Registration.Status.WAITING)
    result = event_message_send(
        by=officer,
        event=event,
        subject="Objet",
        body="Texte",
        recipients=recipients,
        message_id=str(uuid.uuid4()),
    )
    assert result.recipients == 1
    assert sorted(OutgoingEmail.objects.values_list("to", flat=True)) == expected


def test_message_body_is_escaped_in_html(event, officer):
    register(event, email="a@example.org")
    event_message_send(
        by=officer,
        event=event,
        subject="Objet",
        body="<script>alert(1)</script>",
        recipients="confirmed",
        message_id=str(uuid.uuid4()),
    )
    email = OutgoingEmail.objects.get()
    assert "<script>" not in email.body_html
    assert "&lt;script&gt;" in email.body_html


def test_message_with_bad_input_shows_french_errors_and_keeps_what_was_typed(as_officer, event):
    register(event, email="a@example.org")
    data = message_data(subject="   ", body="x" * 5001)
    response = as_officer.post(url("attendees_message", event), data)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    form = response.context["form"]
    assert form.errors["subject"] == ["Ce champ est obligatoire."]
    assert "au plus 5000 caractères" in form.errors["body"][0]
    assert "x" * 5001 in html
    assert data["message_id"] in html  # the same id: a corrected post is still the same message
    assert not OutgoingEmail.objects.exists()


def test_message_subject_over_200_characters_is_refused(as_officer, event):
    register(event, email="a@example.org")
    response = as_officer.post(url("attendees_message", event), message_data(subject="s" * 201))
    assert "au plus 200 caractères" in response.context["form"].errors["subject"][0]
    assert not OutgoingEmail.objects.exists()


def test_message_to_an_empty_group_is_refused(as_officer, event):
    register(event, email="a@example.org")
    response = as_officer.post(url("attendees_message", event), message_data(recipients="waiting"))
    assert response.status_code == HTTPStatus.OK
    assert (
        "Personne n'est inscrit·e dans ce groupe"
        in response.context["form"].errors["recipients"][0]
    )
    assert not OutgoingEmail.objects.exists()


def test_message_without_its_id_is_refused(as_officer, event):
    register(event, email="a@example.org")
    response = as_officer.post(url("attendees_message", event), message_data(message_id=""))
    assert response.status_code == HTTPStatus.OK
    assert "rechargez la page" in response.content.decode()
    assert not OutgoingEmail.objects.exists()
