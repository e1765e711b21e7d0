"""Registrations: the rules, the waiting list and its promotions, caps, and seats kept exact."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from events.models import Event, Registration
from events.selectors import (
    registration_for,
    registration_waiting_position,
    registrations_of_event,
    registrations_of_user,
)
from events.services import (
    registration_cancel,
    registration_create,
    registrations,
    registrations_promote_waiting,
)
from portal.models import OutgoingEmail
from tests.events.factories import EventFactory, RegistrationFactory
from tests.events.outbox import built_emails
from tests.portal.factories import UserFactory
from tests.projets.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")
START = datetime.datetime(2030, 6, 12, 14, 0, tzinfo=BRUSSELS)
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def event():
    return EventFactory(
        title="Rencontre territoriale de Namur",
        start=START,
        end=START + 3 * HOUR,
        venue="Salle des fêtes",
        address="Rue de Fer 1, 5000 Namur",
        capacity=2,
    )


def register(user, event, **kwargs):
    if "project" not in kwargs:
        kwargs.setdefault("organisation", "Asbl Exemple")
    return registration_create(user=user, event=event, **kwargs)


def people(count):
    return [UserFactory() for _ in range(count)]


def leader(project=None):
    """A person who leads ``project`` (a new one by default)."""
    return MembershipFactory(project=project or ProjectFactory()).user


def assert_seats_exact(event):
    """The invariant behind every scenario: the counter is the number of confirmed rows."""
    event.refresh_from_db()
    confirmed = Registration.objects.filter(event=event).confirmed().count()
    assert event.seats_taken == confirmed
    assert event.capacity is None or confirmed <= event.capacity


def refused(call, **kwargs):
    with pytest.raises(ValidationError) as excinfo:
        call(**kwargs)
    return excinfo.value


def waiting_list(event):
    return list(Registration.objects.filter(event=event).waiting().values_list("user", flat=True))


# --- Confirmed, waiting --------------------------------------------------------------------


def test_a_free_seat_confirms_and_the_confirmation_is_sent(
    event, settings, django_capture_on_commit_callbacks, mailoutbox
):
    person = UserFactory(email="ana@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        registration = register(person, event, remarks="  Accès en fauteuil roulant  ")

    assert registration.status == Registration.Status.CONFIRMED
    assert registration.waiting_since is None
    assert registration.remarks == "Accès en fauteuil roulant"
    assert registration.organisation == "Asbl Exemple" and registration.project is None
    assert registration.times_registered == 1
    assert registration_waiting_position(registration) is None
    assert_seats_exact(event)
    [message] = mailoutbox
    assert message.to == ["ana@example.org"]
    assert message.subject == "Inscription confirmée : Rencontre territoriale de Namur"
    # In Brussels time (the start is 12:00 UTC).
    assert "mercredi 12 juin 2030, de 14h00 à 17h00" in message.body
    assert "Salle des fêtes, Rue de Fer 1, 5000 Namur" in message.body
    assert event.get_absolute_url() in message.body
    assert "&#x27;" not in message.body  # the text part is not HTML-escaped
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "mercredi 12 juin 2030, de 14h00 à 17h00" in html
    assert f'href="{settings.SITE_URL}{event.get_absolute_url()}"' in html


def test_the_email_links_to_the_event_on_the_site(event, settings, mailoutbox):
    settings.SITE_URL = "https://chantiers.example.org"

    register(UserFactory(), event)

    [email] = built_emails()
    assert f"https://chantiers.example.org{event.get_absolute_url()}" in email.body_text


def test_a_full_event_puts_people_on_the_waiting_list_in_order(
    event, django_capture_on_commit_callbacks, mailoutbox
):
    first, second, third, fourth = people(4)
    with django_capture_on_commit_callbacks(execute=True):
        register(first, event)
        register(second, event)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        waiting_1 = register(third, event)
        waiting_2 = register(fourth, event)

    assert waiting_1.status == waiting_2.status == Registration.Status.WAITING
    assert waiting_1.waiting_since <= waiting_2.waiting_since
    assert registration_waiting_position(waiting_1) == 1
    assert registration_waiting_position(waiting_2) == 2
    assert waiting_list(event) == [third.pk, fourth.pk]
    assert_seats_exact(event)
    assert event.seats_taken == 2
    assert [m.subject for m in mailoutbox] == [
        "Liste d'attente : Rencontre territoriale de Namur"
    ] * 2
    assert "vous êtes sur la liste d'attente, en position 1." in mailoutbox[0].body
    assert "en position 2." in mailoutbox[1].body
    assert "en position 2." in mailoutbox[1].alternatives[0][0]


def test_unlimited_capacity_confirms_everyone_and_still_counts():
    event = EventFactory(capacity=None)

    for person in people(5):
        assert register(person, event).status == Registration.Status.CONFIRMED

    assert_seats_exact(event)
    assert event.seats_taken == 5


def test_one_of_my_projects(event):
    person = leader(ProjectFactory(name="Ceinture alimentaire"))
    project = person.projects.get()

    registration = register(person, event, project=project)

    assert registration.project == project and registration.organisation == ""
    assert registration.coming_for == "Ceinture alimentaire"


# --- Refusals ------------------------------------------------------------------------------


def test_a_project_i_do_not_lead_is_refused(event):
    project = ProjectFactory(name="Potager collectif")

    error = refused(register, user=UserFactory(), event=event, project=project)

    assert error.messages == [
        (
            "Vous ne faites pas partie du projet « Potager collectif » : choisissez l'un de vos "
            "projets ou indiquez une autre organisation."
        )
    ]
    assert not Registration.objects.exists()


def test_neither_project_nor_organisation_is_refused(event):
    error = refused(register, user=UserFactory(), event=event, organisation="   ")

    assert error.messages == [
        "Indiquez le projet pour lequel vous venez, ou une autre organisation."
    ]


def test_both_project_and_organisation_are_refused(event):
    person = leader()

    error = refused(
        register, user=person, event=event, project=person.projects.get(), organisation="Asbl"
    )

    assert error.messages == [
        "Indiquez soit l'un de vos projets, soit une autre organisation, pas les deux."
    ]


def test_too_long_remarks_and_organisation_are_refused(event):
    error = refused(register, user=UserFactory(), event=event, remarks="x" * 1001)
    assert error.messages == [
        "Les remarques ne peuvent pas dépasser 1000 caractères (actuellement 1001)."
    ]

    error = refused(register, user=UserFactory(), event=event, organisation="x" * 201)
    assert error.messages == ["Le nom de l'organisation ne peut pas dépasser 200 caractères."]
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (Event.Status.DRAFT, "Cet événement n'est pas ouvert aux inscriptions."),
        (
            Event.Status.CANCELLED,
            "Cet événement est annulé : il n'est plus possible de s'y inscrire.",
        ),
    ],
)
def test_only_published_events_take_registrations(status, message):
    event = EventFactory(status=status)

    error = refused(register, user=UserFactory(), event=event)

    assert error.messages == [message]
    assert not Registration.objects.exists()


def test_a_past_event_is_refused():
    now = timezone.now()
    event = EventFactory(start=now - 30 * HOUR, end=now - 27 * HOUR)

    error = refused(register, user=UserFactory(), event=event)

    assert error.messages == ["Cet événement a déjà eu lieu."]


def test_without_a_closing_date_registration_closes_when_the_event_starts():
    now = timezone.now()
    event = EventFactory(start=now - HOUR, end=now + 2 * HOUR, registration_closes_at=None)

    error = refused(register, user=UserFactory(), event=event)

    assert error.messages == ["Cet événement a déjà commencé : les inscriptions sont closes."]


def test_before_the_window_opens_is_refused_with_the_opening_date():
    opens = datetime.datetime(2030, 5, 1, 9, 0, tzinfo=BRUSSELS)
    event = EventFactory(start=START, end=START + HOUR, registration_opens_at=opens)

    error = refused(register, user=UserFactory(), event=event)

    assert error.messages == ["Les inscriptions ouvriront le mercredi 1er mai 2030 à 09h00."]


def test_after_the_window_closes_is_refused_with_the_closing_date():
    now = timezone.now()
    closes = now - datetime.timedelta(minutes=1)
    event = EventFactory(
        start=now + 48 * HOUR, registration_opens_at=now - 48 * HOUR, registration_closes_at=closes
    )

    error = refused(register, user=UserFactory(), event=event)

    local = timezone.localtime(closes)
    assert error.messages[0].startswith("Les inscriptions sont closes depuis le ")
    assert error.messages[0].endswith(f"à {local:%H}h{local:%M}.")


def test_inside_the_window_is_accepted():
    now = timezone.now()
    event = EventFactory(
        start=now + 48 * HOUR,
        registration_opens_at=now - HOUR,
        registration_closes_at=now + HOUR,
    )

    assert register(UserFactory(), event).status == Registration.Status.CONFIRMED


def test_registering_twice_is_refused(event):
    person, other, late = people(3)
    register(person, event)
    register(other, event)
    register(late, event)  # waiting

    error = refused(register, user=person, event=event)
    assert error.messages == ["Vous êtes déjà inscrit·e à cet événement."]
    error = refused(register, user=late, event=event)
    assert error.messages == ["Vous êtes déjà inscrit·e sur la liste d'attente de cet événement."]

    assert Registration.objects.filter(event=event).count() == 3
    assert_seats_exact(event)


def test_a_duplicate_row_slipping_past_the_check_is_refused_not_a_500(event, monkeypatch):
    """The unique constraint is the last line: its IntegrityError becomes the clear refusal."""
    person = UserFactory()
    # Another request registered this person; a path that skipped the lock did not see it.
    RegistrationFactory(event=event, user=person)
    lock = registrations._lock_event

    def lock_without_seeing_the_row(pk, **kwargs):
        locked = lock(pk, **kwargs)
        locked.existing_registration = None
        return locked

    monkeypatch.setattr(registrations, "_lock_event", lock_without_seeing_the_row)

    error = refused(register, user=person, event=event)

    assert error.messages == ["Vous êtes déjà inscrit·e à cet événement."]
    assert_seats_exact(event)


# --- Cap per project -----------------------------------------------------------------------


def test_project_cap_refuses_beyond_the_cap(event):
    event.capacity = 10
    event.project_cap = 2
    event.save()
    project = ProjectFactory()
    first, second, third = (leader(project) for _ in range(3))
    register(first, event, project=project)
    register(second, event, project=project)

    error = refused(register, user=third, event=event, project=project)

    assert error.messages == ["Ce projet a déjà 2 inscrit·es, le maximum pour cet événement."]
    # Others still register, for another project or organisation.
    assert register(third, event).status == Registration.Status.CONFIRMED
    assert register(leader(), event).status == Registration.Status.CONFIRMED
    assert_seats_exact(event)


def test_project_cap_of_one_in_the_singular_and_only_confirmed_count(event):
    event.project_cap = 1
    event.save()
    project = ProjectFactory()
    first, second = leader(project), leader(project)
    registration = register(first, event, project=project)

    error = refused(register, user=second, event=event, project=project)
    assert error.messages == ["Ce projet a déjà 1 inscrit·e, le maximum pour cet événement."]

    registration_cancel(registration=registration)
    assert register(second, event, project=project).status == Registration.Status.CONFIRMED
    assert_seats_exact(event)


def test_promotion_passes_over_a_project_at_its_cap_until_one_of_it_cancels(event):
    event.project_cap = 1
    event.save()
    project = ProjectFactory()
    x, y, other = people(3)
    c, d = leader(project), leader(project)
    reg_x = register(x, event)
    reg_y = register(y, event)
    reg_c = register(c, event, project=project)  # waiting 1 (the project has nobody confirmed)
    reg_d = register(d, event, project=project)  # waiting 2
    reg_other = register(other, event)  # waiting 3

    assert registration_cancel(registration=reg_x) == reg_c  # the project now has its one
    promoted = registration_cancel(registration=reg_y)

    # d is first in line but would be the project's second: the next one gets the seat.
    assert promoted == reg_other
    reg_d.refresh_from_db()
    assert reg_d.status == Registration.Status.WAITING
    assert registration_waiting_position(reg_d) == 1
    assert_seats_exact(event)

    assert registration_cancel(registration=reg_c) == reg_d
    assert_seats_exact(event)


# --- Cancelling and promotion --------------------------------------------------------------


def test_cancelling_promotes_exactly_the_first_in_line_and_tells_them(
    event, django_capture_on_commit_callbacks, mailoutbox
):
    a, b, c, d = people(4)
    with django_capture_on_commit_callbacks(execute=True):
        reg_a = register(a, event)
        register(b, event)
        reg_c = register(c, event)
        reg_d = register(d, event)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        promoted = registration_cancel(registration=reg_a)

    assert promoted == reg_c
    assert promoted.status == Registration.Status.CONFIRMED
    reg_a.refresh_from_db()
    assert reg_a.status == Registration.Status.CANCELLED
    assert reg_a.cancelled_at is not None and reg_a.cancelled_by == a
    reg_c.refresh_from_db()
    reg_d.refresh_from_db()
    assert reg_c.status == Registration.Status.CONFIRMED and reg_c.waiting_since is None
    assert reg_d.status == Registration.Status.WAITING
    assert registration_waiting_position(reg_d) == 1
    assert_seats_exact(event)
    assert event.seats_taken == 2
    cancelled, message = mailoutbox
    assert cancelled.to == [a.email]
    assert message.to == [c.email]
    assert message.subject == (
        "Une place s'est libérée pour vous : Rencontre territoriale de Namur"
    )
    assert "votre inscription est confirmée" in message.body
    assert "mercredi 12 juin 2030, de 14h00 à 17h00" in message.body


def test_cancelling_a_waiting_registration_promotes_nobody(event):
    a, b, c, d = people(4)
    register(a, event)
    register(b, event)
    reg_c = register(c, event)
    reg_d = register(d, event)

    assert registration_cancel(registration=reg_c) is None

    reg_d.refresh_from_db()
    assert registration_waiting_position(reg_d) == 1
    assert reg_c.status == Registration.Status.CANCELLED  # the caller's object is updated
    assert_seats_exact(event)


def test_cancelling_with_nobody_waiting_frees_the_seat(event):
    registration = register(UserFactory(), event)

    assert registration_cancel(registration=registration) is None

    assert_seats_exact(event)
    assert event.seats_taken == 0


def test_cancelling_twice_is_refused(event):
    registration = register(UserFactory(), event)
    registration_cancel(registration=registration)

    error = refused(registration_cancel, registration=registration)

    assert error.messages == ["Cette inscription est déjà annulée."]
    assert_seats_exact(event)


def test_the_person_cannot_cancel_once_the_event_started_an_organiser_can(event):
    a, b, c = people(3)
    organiser = UserFactory(is_staff=True)
    reg_a = register(a, event)
    register(b, event)
    reg_c = register(c, event)
    Event.objects.filter(pk=event.pk).update(start=timezone.now() - HOUR, end=timezone.now() + HOUR)

    error = refused(registration_cancel, registration=reg_a)
    assert error.messages == [
        "L'événement a déjà commencé : l'inscription ne peut plus être annulée."
    ]
    error = refused(registration_cancel, registration=reg_a, by=a)  # by the person: the same
    assert error.messages == [
        "L'événement a déjà commencé : l'inscription ne peut plus être annulée."
    ]

    # On the person's behalf: allowed, and nobody is promoted to an event under way.
    assert registration_cancel(registration=reg_a, by=organiser) is None
    reg_a.refresh_from_db()
    assert reg_a.cancelled_by == organiser
    reg_c.refresh_from_db()
    assert reg_c.status == Registration.Status.WAITING
    assert_seats_exact(event)


def test_nobody_is_promoted_to_a_cancelled_event(event):
    a, b, c = people(3)
    reg_a = register(a, event)
    register(b, event)
    reg_c = register(c, event)
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)

    assert registration_cancel(registration=reg_a) is None

    reg_c.refresh_from_db()
    assert reg_c.status == Registration.Status.WAITING
    assert_seats_exact(event)


# --- Registering again ---------------------------------------------------------------------


def test_registering_again_after_cancelling_goes_to_the_end_of_the_list(
    event, django_capture_on_commit_callbacks, mailoutbox
):
    a, b, c, d = people(4)
    with django_capture_on_commit_callbacks(execute=True):
        reg_a = register(a, event)
        register(b, event)
        register(c, event)  # waiting 1
        registration_cancel(registration=reg_a)  # c promoted
        register(d, event)  # waiting 1
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        again = register(a, event, remarks="Végétarien")

    assert again.pk == reg_a.pk  # the same row
    assert again.status == Registration.Status.WAITING
    assert again.times_registered == 2
    assert again.cancelled_at is None and again.cancelled_by is None
    assert again.remarks == "Végétarien"
    assert waiting_list(event) == [d.pk, a.pk]
    assert registration_waiting_position(again) == 2
    assert Registration.objects.filter(event=event, user=a).count() == 1
    assert_seats_exact(event)
    [message] = mailoutbox
    assert message.to == [a.email] and "en position 2." in message.body


def test_registering_again_with_a_free_seat_sends_a_new_confirmation(
    event, django_capture_on_commit_callbacks, mailoutbox
):
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(person, event)
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=registration)
    with django_capture_on_commit_callbacks(execute=True):
        register(person, event)

    assert [m.subject for m in mailoutbox] == [
        "Inscription confirmée : Rencontre territoriale de Namur",
        "Inscription annulée : Rencontre territoriale de Namur",
        "Inscription confirmée : Rencontre territoriale de Namur",
    ]
    keys = set(OutgoingEmail.objects.values_list("key", flat=True))
    assert keys == {
        f"registration-{registration.pk}-confirmed-1:{person.email}",
        f"registration-{registration.pk}-cancelled-1:{person.email}",
        f"registration-{registration.pk}-confirmed-2:{person.email}",
    }
    assert_seats_exact(event)


# --- Capacity changed by the organiser -----------------------------------------------------


def test_raising_the_capacity_then_promoting_fills_the_seats_in_order(event):
    a, b, c, d, e = people(5)
    for person in (a, b, c, d, e):
        register(person, event)
    Event.objects.filter(pk=event.pk).update(capacity=4)

    promoted = registrations_promote_waiting(event=event)

    assert [r.user for r in promoted] == [c, d]
    assert waiting_list(event) == [e.pk]
    assert_seats_exact(event)


def test_those_waiting_take_free_seats_before_a_newcomer(event):
    a, b, c, newcomer = people(4)
    register(a, event)
    register(b, event)
    register(c, event)  # waiting
    Event.objects.filter(pk=event.pk).update(capacity=3)  # raised without a promotion

    registration = register(newcomer, event)

    assert registration.status == Registration.Status.WAITING
    assert Registration.objects.get(user=c).status == Registration.Status.CONFIRMED
    assert_seats_exact(event)


def test_the_capacity_cannot_go_below_the_confirmed_seats(event):
    register(UserFactory(), event)
    register(UserFactory(), event)
    event.refresh_from_db()
    event.capacity = 1

    with pytest.raises(ValidationError) as excinfo:
        event.full_clean()

    assert excinfo.value.message_dict["capacity"] == [
        "Places déjà confirmées : 2. Le nombre de places ne peut pas descendre en dessous."
    ]


# --- The database as the last line ---------------------------------------------------------


def test_the_database_refuses_more_seats_than_capacity(event):
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(seats_taken=F("capacity") + 1)


def test_the_database_refuses_a_second_row_for_the_same_person(event):
    registration = RegistrationFactory(event=event)

    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(event=event, user=registration.user)


def test_saving_an_event_loaded_earlier_does_not_write_back_its_seats(event):
    stale = Event.objects.get(pk=event.pk)  # e.g. an edit form opened before the rush
    register(UserFactory(), event)
    register(UserFactory(), event)

    stale.title = "Rencontre territoriale de Namur (salle changée)"
    stale.save()

    assert_seats_exact(event)
    assert event.seats_taken == 2
    assert event.title.endswith("(salle changée)")


# --- Rows deleted outside the services -----------------------------------------------------


def test_deleting_an_account_frees_its_seat_for_the_first_in_line(event):
    a, b, c = people(3)
    register(a, event)
    register(b, event)
    reg_c = register(c, event)

    a.delete()

    reg_c.refresh_from_db()
    assert reg_c.status == Registration.Status.CONFIRMED
    assert_seats_exact(event)
    assert OutgoingEmail.objects.filter(
        key__startswith=f"registration-{reg_c.pk}-promoted"
    ).exists()


def test_deleting_a_waiting_registration_or_the_event_works(event):
    a, b, c = people(3)
    register(a, event)
    register(b, event)
    reg_c = register(c, event)

    reg_c.delete()
    assert_seats_exact(event)

    event.delete()
    assert not Registration.objects.exists()


# --- Selectors -----------------------------------------------------------------------------


def test_my_registrations_upcoming_and_past_with_positions_in_one_query(
    event, django_assert_num_queries
):
    person = leader()
    project = person.projects.get()
    past = EventFactory(start=timezone.now() - 72 * HOUR, end=timezone.now() - 70 * HOUR)
    RegistrationFactory(event=past, user=person, project=project, organisation="")
    register(UserFactory(), event)
    register(UserFactory(), event)
    register(UserFactory(), event)  # waiting 1
    mine = register(person, event, project=project)  # waiting 2
    other = EventFactory(capacity=None)
    register(person, other)

    with django_assert_num_queries(1):
        upcoming = list(registrations_of_user(user=person).upcoming())
        [(r.event.title, r.project, r.waiting_position) for r in upcoming]
    with django_assert_num_queries(1):
        [done] = list(registrations_of_user(user=person).past())
        done.event.province, done.project.name

    assert [r.event for r in upcoming] == [other, event]  # soonest first
    assert [r.waiting_position for r in upcoming] == [None, 2]
    assert upcoming[1].pk == mine.pk and done.event == past


def test_registrations_of_an_event_confirmed_then_waiting_in_order_then_cancelled(event):
    a, b, c, d, e = people(5)
    reg_a = register(a, event)
    for person in (b, c, d, e):
        register(person, event)
    registration_cancel(registration=reg_a)  # c promoted; d, e waiting

    rows = list(registrations_of_event(event=event))

    assert [r.user for r in rows] == [b, c, d, e, a]
    assert [r.waiting_position for r in rows] == [None, None, 1, 2, None]


def test_registration_for_a_person(event):
    person = UserFactory()
    assert registration_for(user=person, event=event) is None
    registration = register(person, event)
    assert registration_for(user=person, event=event) == registration
