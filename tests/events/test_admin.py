"""The admin of events and registrations is one more door onto the services: each side effect
of the officers' space (notice and SEQUENCE, CANCEL, promotions) happens when staff post the
admin's own forms and actions, and a refusal is a form error with nothing applied."""

import datetime
from http import HTTPStatus

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Registration
from portal.models import OutgoingEmail
from tests.admin_forms import action_data, change_form_data, split_datetime
from tests.events.factories import EventFactory, RegistrationFactory
from tests.events.outbox import built_emails
from tests.portal.factories import UserFactory
from tests.projets.factories import ProjectFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def as_staff(client, staff):
    """A member of the Cellule (the group's permissions, not a superuser)."""
    client.force_login(staff)
    return client


@pytest.fixture
def event():
    start = (timezone.now() + 10 * DAY).replace(microsecond=0, second=0)
    return EventFactory(
        title="Rencontre de Liège", start=start, end=start + datetime.timedelta(hours=3)
    )


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def post_change(client, obj, **changes):
    """Post the object's change form as shown, with ``changes`` (datetimes split)."""
    data = change_form_data(client.get(change_url(obj)))
    for name, value in changes.items():
        if isinstance(value, datetime.datetime):
            data.update(split_datetime(name, value))
        else:
            data[name] = value
    return client.post(change_url(obj), data)


def emails(prefix):
    return {e.to: e for e in built_emails(key__startswith=prefix)}


def invitation(email):
    [attachment] = email.attachments
    return icalendar.Calendar.from_ical(attachment["content"])


def assert_saved(response):
    assert response.status_code == HTTPStatus.FOUND, form_errors(response)


def form_errors(response):
    if response.context is None or "adminform" not in response.context:
        return response
    return response.context["adminform"].form.errors


# --- Time and place: a notice with the raised SEQUENCE ------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("start", "later"),
        ("end", "later"),
        ("venue", "Salle du Conseil provincial"),
        ("address", "Place Saint-Lambert 18A, 4000 Liège"),
    ],
)
def test_a_new_time_or_place_is_told_with_a_raised_sequence(as_staff, event, field, value):
    Event.objects.filter(pk=event.pk).update(capacity=1)  # the waiting list stays waiting
    confirmed = RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITING)
    if value == "later":
        value = getattr(event, field) + datetime.timedelta(hours=1)

    assert_saved(post_change(as_staff, event, **{field: value}))

    event.refresh_from_db()
    assert event.sequence == 1
    told = emails(f"event-changed-{event.pk}-")
    assert set(told) == {confirmed.user.email, waiting.user.email}
    calendar = invitation(told[confirmed.user.email])
    assert calendar["METHOD"] == "REQUEST"
    [vevent] = calendar.walk("VEVENT")
    assert vevent["SEQUENCE"] == 1
    assert told[waiting.user.email].attachments == []  # nothing in their calendar to replace


def test_a_new_title_tells_nobody_and_keeps_the_sequence(as_staff, event):
    RegistrationFactory(event=event)

    assert_saved(post_change(as_staff, event, title="Rencontre de Liège (salle B)"))

    event.refresh_from_db()
    assert event.title == "Rencontre de Liège (salle B)"
    assert event.sequence == 0
    assert not OutgoingEmail.objects.exists()


def test_an_event_changed_in_the_admin_keeps_a_history_entry(as_staff, staff, event):
    assert_saved(post_change(as_staff, event, venue="Autre salle"))

    record = event.history.latest()
    assert record.history_user == staff
    assert record.venue == "Autre salle"


# --- Status -------------------------------------------------------------------------------------


def test_cancelled_in_the_admin_sends_the_cancel_invitation(as_staff, event):
    confirmed = RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITING)

    assert_saved(post_change(as_staff, event, status=Event.Status.CANCELLED))

    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    told = emails(f"event-cancelled-{event.pk}")
    assert set(told) == {confirmed.user.email, waiting.user.email}
    calendar = invitation(told[confirmed.user.email])
    assert calendar["METHOD"] == "CANCEL"
    assert calendar.walk("VEVENT")[0]["STATUS"] == "CANCELLED"


def test_cancelled_with_a_new_time_in_the_same_post_sends_the_cancellation_only(as_staff, event):
    RegistrationFactory(event=event)

    response = post_change(
        as_staff, event, status=Event.Status.CANCELLED, start=event.start + DAY, end=event.end + DAY
    )

    assert_saved(response)
    assert emails(f"event-cancelled-{event.pk}")
    assert not emails("event-changed-")


def test_a_draft_published_from_the_admin(as_staff, event):
    Event.objects.filter(pk=event.pk).update(status=Event.Status.DRAFT)

    assert_saved(post_change(as_staff, event, status=Event.Status.PUBLISHED))

    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    assert event.history.latest().history_change_reason == "Publication"


def test_back_to_draft_with_registrants_is_a_form_error_and_changes_nothing(as_staff, event):
    RegistrationFactory(event=event)

    # The venue changes in the same post: the refusal must undo it too, and its notice.
    response = post_change(as_staff, event, status=Event.Status.DRAFT, venue="Ailleurs")

    assert response.status_code == HTTPStatus.OK
    errors = form_errors(response)
    assert "annulez l'événement plutôt" in " ".join(errors["__all__"])
    event.refresh_from_db()
    assert (event.status, event.venue, event.sequence) == (
        Event.Status.PUBLISHED,
        "Salle communale",
        0,
    )
    assert not OutgoingEmail.objects.exists()
    # The page shows the refusal and keeps what was typed.
    assert "annulez l&#x27;événement plutôt" in response.text
    assert 'value="Ailleurs"' in response.text


# --- Capacity: promotions in order, and no fewer seats than taken ------------------------------


def test_more_seats_promote_the_waiting_list_in_order(as_staff, event):
    Event.objects.filter(pk=event.pk).update(capacity=1)
    RegistrationFactory(event=event)
    first = RegistrationFactory(
        event=event, status=Registration.Status.WAITING, waiting_since=timezone.now() - DAY
    )
    second = RegistrationFactory(event=event, status=Registration.Status.WAITING)

    assert_saved(post_change(as_staff, event, capacity=2))

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Registration.Status.CONFIRMED
    assert second.status == Registration.Status.WAITING
    [promoted] = built_emails(key__startswith="registration-")
    assert promoted.to == first.user.email
    assert promoted.key.startswith(f"registration-{first.pk}-promoted-1")
    assert invitation(promoted)["METHOD"] == "REQUEST"
    event.refresh_from_db()
    assert event.seats_taken == 2


def test_fewer_seats_than_taken_is_a_form_error_on_the_capacity(as_staff, event):
    Event.objects.filter(pk=event.pk).update(capacity=3)
    RegistrationFactory.create_batch(2, event=event)

    response = post_change(as_staff, event, capacity=1)

    assert response.status_code == HTTPStatus.OK
    assert "Places déjà confirmées : 2" in " ".join(form_errors(response)["capacity"])
    event.refresh_from_db()
    assert event.capacity == 3


# --- Adding -------------------------------------------------------------------------------------


def test_an_event_added_in_the_admin_goes_through_the_service(as_staff, staff):
    start = (timezone.now() + 20 * DAY).replace(second=0, microsecond=0)
    data = {
        "title": "Atelier marchés publics",
        "slug": "atelier-marches-publics",
        "kind": Event.Kind.WORKSHOP,
        "status": Event.Status.PUBLISHED,
        "venue": "Namur Expo",
        **split_datetime("start", start),
    }

    assert_saved(as_staff.post(reverse("admin:events_event_add"), data))

    event = Event.objects.get(slug="atelier-marches-publics")
    assert event.status == Event.Status.PUBLISHED
    assert event.created_by == staff
    reasons = list(event.history.order_by("history_id").values_list("history_change_reason"))
    assert reasons == [("Création",), ("Publication",)]


def test_an_event_added_as_cancelled_is_refused_on_the_form(as_staff):
    start = timezone.now() + 20 * DAY
    data = {
        "title": "Jamais",
        "slug": "jamais",
        "kind": Event.Kind.OTHER,
        "status": Event.Status.CANCELLED,
        "venue": "Nulle part",
        **split_datetime("start", start),
    }

    response = as_staff.post(reverse("admin:events_event_add"), data)

    assert response.status_code == HTTPStatus.OK
    assert "rien à annuler" in " ".join(form_errors(response)["__all__"])
    assert not Event.objects.filter(slug="jamais").exists()


# --- Reverting to a version of the history ------------------------------------------------------


def test_reverting_to_an_earlier_time_tells_the_registrants(as_staff, event):
    RegistrationFactory(event=event)
    assert_saved(post_change(as_staff, event, start=event.start + DAY, end=event.end + DAY))
    first_version = event.history.earliest()
    url = reverse("admin:events_event_simple_history", args=[event.pk, first_version.history_id])
    data = change_form_data(as_staff.get(url))

    assert_saved(as_staff.post(url, data))

    event.refresh_from_db()
    assert event.start == first_version.start
    assert event.sequence == 2
    assert len(emails("event-changed-")) == 1  # one person, told of each version
    assert OutgoingEmail.objects.filter(key__startswith=f"event-changed-{event.pk}-2").exists()


# --- Deleting -----------------------------------------------------------------------------------


def test_an_event_with_registrations_is_not_deleted_but_cancellation_is_offered(as_staff, event):
    RegistrationFactory(event=event)
    url = reverse("admin:events_event_delete", args=[event.pk])

    page = as_staff.get(url)
    assert "1 inscription confirmée ou en attente" in page.text
    assert "Annulez l&#x27;événement plutôt" in page.text

    as_staff.post(url, {"post": "yes"})
    assert Event.objects.filter(pk=event.pk).exists()
    assert Registration.objects.filter(event=event).count() == 1


def test_bulk_delete_with_one_event_with_registrations_deletes_none(as_staff, event):
    empty = EventFactory()
    RegistrationFactory(event=event)

    response = as_staff.post(
        reverse("admin:events_event_changelist"),
        action_data("delete_selected", [event, empty], post="yes"),
    )

    assert response.status_code == HTTPStatus.OK  # the "cannot delete" page
    assert Event.objects.filter(pk__in=[event.pk, empty.pk]).count() == 2


def test_an_event_without_registrations_is_deleted(as_staff, event):
    RegistrationFactory(event=event, status=Registration.Status.CANCELLED)

    response = as_staff.post(reverse("admin:events_event_delete", args=[event.pk]), {"post": "yes"})

    assert response.status_code == HTTPStatus.FOUND
    assert not Event.objects.filter(pk=event.pk).exists()


def test_the_delete_service_refuses_an_event_with_registrations(staff, event):
    from django.core.exceptions import ValidationError

    from events.services import event_delete

    RegistrationFactory(event=event, status=Registration.Status.WAITING)
    with pytest.raises(ValidationError, match="annulez-le plutôt"):
        event_delete(user=staff, event=event)
    assert Event.objects.filter(pk=event.pk).exists()


# --- Registrations: cancelled or deleted, the seat goes to the next in line -------------------


@pytest.fixture
def full_event(event):
    """Two seats, both taken, and two people waiting (``waiting[0]`` first in line)."""
    Event.objects.filter(pk=event.pk).update(capacity=2)
    confirmed = RegistrationFactory.create_batch(2, event=event)
    waiting = [
        RegistrationFactory(
            event=event, status=Registration.Status.WAITING, waiting_since=timezone.now() - DAY
        ),
        RegistrationFactory(event=event, status=Registration.Status.WAITING),
    ]
    return event, confirmed, waiting


def promoted_to():
    return [e.to for e in OutgoingEmail.objects.filter(key__contains="-promoted-").order_by("pk")]


def statuses(registrations):
    return [Registration.objects.get(pk=r.pk).status for r in registrations]


def test_a_registration_cancelled_in_its_form_promotes_the_next_in_line(as_staff, full_event):
    event, confirmed, waiting = full_event

    assert_saved(post_change(as_staff, confirmed[0], status=Registration.Status.CANCELLED))

    assert statuses([confirmed[0], *waiting]) == ["cancelled", "confirmed", "waiting"]
    assert promoted_to() == [waiting[0].user.email]
    promoted = built_emails().get(key__contains="-promoted-")
    assert invitation(promoted)["METHOD"] == "REQUEST"
    cancelled = Registration.objects.get(pk=confirmed[0].pk)
    assert cancelled.cancelled_by is not None and cancelled.cancelled_by.is_staff
    event.refresh_from_db()
    assert event.seats_taken == 2


def test_the_cancel_action_promotes_in_order(as_staff, full_event):
    _event, confirmed, waiting = full_event

    response = as_staff.post(
        reverse("admin:events_registration_changelist"),
        action_data("cancel_selected", confirmed),
    )

    assert response.status_code == HTTPStatus.FOUND
    assert statuses(waiting) == ["confirmed", "confirmed"]
    assert promoted_to() == [waiting[0].user.email, waiting[1].user.email]


def test_a_registration_deleted_frees_its_seat_for_the_next_in_line(as_staff, full_event):
    event, confirmed, waiting = full_event

    response = as_staff.post(
        reverse("admin:events_registration_delete", args=[confirmed[1].pk]), {"post": "yes"}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert not Registration.objects.filter(pk=confirmed[1].pk).exists()
    assert statuses(waiting) == ["confirmed", "waiting"]
    assert promoted_to() == [waiting[0].user.email]
    event.refresh_from_db()
    assert event.seats_taken == 2


def test_bulk_delete_of_registrations_promotes_each_once_in_order(as_staff, full_event):
    event, confirmed, waiting = full_event

    as_staff.post(
        reverse("admin:events_registration_changelist"),
        action_data("delete_selected", confirmed, post="yes"),
    )

    assert Registration.objects.filter(event=event).count() == 2
    assert statuses(waiting) == ["confirmed", "confirmed"]
    assert promoted_to() == [waiting[0].user.email, waiting[1].user.email]
    event.refresh_from_db()
    assert event.seats_taken == 2


def test_a_waiting_registration_cannot_jump_the_queue(as_staff, full_event):
    _event, _confirmed, waiting = full_event

    response = post_change(as_staff, waiting[1], status=Registration.Status.CONFIRMED)

    assert response.status_code == HTTPStatus.OK
    assert "augmentez le nombre de places" in " ".join(form_errors(response)["status"])
    assert statuses(waiting) == ["waiting", "waiting"]


def test_a_cancelled_person_registered_again_joins_the_end_of_the_line(as_staff, full_event):
    event, _confirmed, _waiting = full_event
    gone = RegistrationFactory(event=event, status=Registration.Status.CANCELLED)

    assert_saved(post_change(as_staff, gone, status=Registration.Status.CONFIRMED))

    gone.refresh_from_db()
    assert gone.status == Registration.Status.WAITING
    assert gone.times_registered == 2
    [told] = OutgoingEmail.objects.filter(to=gone.user.email)
    assert told.key.startswith(f"registration-{gone.pk}-waiting-2")


def test_a_registration_added_in_the_admin_is_confirmed_and_invited(as_staff, event):
    person = UserFactory(email="invitee@example.org")
    data = {"event": event.pk, "user": person.pk, "organisation": "Asbl du quartier"}

    assert_saved(as_staff.post(reverse("admin:events_registration_add"), data))

    registration = Registration.objects.get(event=event, user=person)
    assert registration.status == Registration.Status.CONFIRMED
    [email] = built_emails(to=person.email)
    assert email.key.startswith(f"registration-{registration.pk}-confirmed-1")
    assert invitation(email)["METHOD"] == "REQUEST"
    event.refresh_from_db()
    assert event.seats_taken == 1


def test_a_registration_to_a_cancelled_event_is_refused_on_the_form(as_staff, event):
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)
    person = UserFactory()
    data = {"event": event.pk, "user": person.pk, "organisation": "Asbl du quartier"}

    response = as_staff.post(reverse("admin:events_registration_add"), data)

    assert response.status_code == HTTPStatus.OK
    assert "annulé" in " ".join(form_errors(response)["__all__"])
    assert not Registration.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_the_registration_list_query_count_does_not_grow(as_staff, event):
    from tests.querycount import assert_constant_queries

    def grow(count):
        for _ in range(count):
            RegistrationFactory(event=EventFactory(), project=ProjectFactory(), organisation="")

    assert_constant_queries(as_staff, reverse("admin:events_registration_changelist"), grow)
