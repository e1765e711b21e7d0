"""Event emails built by the sender from the rows as they are then: the cancellation's CANCEL
invitation, ORGANIZER and ATTENDEE, each person's SEQUENCE, reminders with the current
invitation, and nothing stale sent (a moved or cancelled event, a superseded notice)."""

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.utils import translation

from events import calendar
from events.models import Event, Registration
from events.notifications import reminders_send
from events.services import event_cancel, event_update, registration_cancel, registration_create
from portal.models import OutgoingEmail
from tests.events.factories import EventFactory, RegistrationFactory
from tests.events.outbox import send_outbox
from tests.events.test_services import data
from tests.portal.factories import UserFactory
from tests.projets.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")
START = datetime.datetime(2030, 6, 12, 14, 0, tzinfo=BRUSSELS)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def event(liege):
    return EventFactory(
        title="Rencontre territoriale de Liège",
        province=liege,
        start=START,
        end=START + 3 * datetime.timedelta(hours=1),
        capacity=1,
        organiser=OrganisationFactory(name="Cellule Manger Demain"),
    )


def person(email="ana@example.org"):
    return UserFactory(email=email, first_name="Ana", last_name="Lopez")


def register(user, event):
    return registration_create(user=user, event=event, organisation="Asbl du quartier")


def vevent_of(message):
    [(filename, content, mimetype)] = message.attachments
    assert filename == "invitation.ics"
    parsed = icalendar.Calendar.from_ical(content)
    [vevent] = parsed.walk("VEVENT")
    return parsed, vevent, mimetype


def test_cancelling_ones_registration_sends_a_cancel_with_the_same_uid_and_a_higher_sequence(
    event, mailoutbox
):
    ana = person()
    registration = register(ana, event)
    send_outbox()
    registration_cancel(registration=registration, by=ana)
    send_outbox()

    confirmation, cancellation = mailoutbox
    request, requested, _ = vevent_of(confirmation)
    cancel, cancelled, mimetype = vevent_of(cancellation)
    assert request["METHOD"] == "REQUEST" and cancel["METHOD"] == "CANCEL"
    assert mimetype == "text/calendar; charset=utf-8; method=CANCEL"
    assert cancelled["UID"] == requested["UID"]
    assert cancelled["SEQUENCE"] > requested["SEQUENCE"]
    assert cancelled["STATUS"] == "CANCELLED"
    assert cancellation.subject == "Inscription annulée : Rencontre territoriale de Liège"
    assert "comme vous l'avez demandé" in cancellation.body
    assert "L'invitation jointe retire l'événement de votre agenda." in cancellation.body


def test_registering_again_after_a_cancel_gives_a_request_above_the_cancel(event, mailoutbox):
    ana = person()
    registration = register(ana, event)
    registration_cancel(registration=registration, by=ana)
    register(ana, event)
    send_outbox()  # round 1 is over: its confirmation and cancellation are dropped, not sent

    [confirmation] = mailoutbox
    _, requested, _ = vevent_of(confirmation)
    assert requested["SEQUENCE"] == 2  # above round 1's CANCEL (1)
    assert OutgoingEmail.objects.filter(status=OutgoingEmail.Status.DROPPED).count() == 2


def test_invitations_name_the_organiser_and_the_attendee(event, mailoutbox, settings):
    settings.EVENTS_ORGANIZER_EMAIL = "manger-demain@example.org"
    register(person(), event)
    send_outbox()

    _, vevent, _ = vevent_of(mailoutbox[0])
    organizer = vevent["ORGANIZER"]
    assert str(organizer) == "mailto:manger-demain@example.org"
    assert organizer.params["CN"] == "Cellule Manger Demain"
    attendee = vevent["ATTENDEE"]
    assert str(attendee) == "mailto:ana@example.org"
    assert attendee.params["CN"] == "Ana Lopez"
    assert attendee.params["PARTSTAT"] == "ACCEPTED"


def test_without_the_setting_the_organiser_is_the_senders_address(event, mailoutbox, settings):
    settings.EVENTS_ORGANIZER_EMAIL = ""
    settings.DEFAULT_FROM_EMAIL = "Chantiers communs <contact@example.org>"
    register(person(), event)
    send_outbox()

    _, vevent, _ = vevent_of(mailoutbox[0])
    assert str(vevent["ORGANIZER"]) == "mailto:contact@example.org"


def test_a_cancellation_by_an_organiser_says_so_and_carries_the_cancel(event, officer, mailoutbox):
    ana = person()
    registration = register(ana, event)
    send_outbox()
    registration_cancel(registration=registration, by=officer)
    send_outbox()

    cancellation = mailoutbox[-1]
    assert cancellation.to == [ana.email]
    assert "L'équipe organisatrice a annulé votre inscription" in cancellation.body
    parsed, vevent, _ = vevent_of(cancellation)
    assert parsed["METHOD"] == "CANCEL"
    assert vevent["ATTENDEE"].params["PARTSTAT"] == "DECLINED"


def test_leaving_the_waiting_list_is_confirmed_without_an_invitation(event, mailoutbox):
    register(person("first@example.org"), event)
    bert = person("bert@example.org")
    waiting = register(bert, event)
    assert waiting.status == Registration.Status.WAITING
    send_outbox()
    mailoutbox.clear()

    registration_cancel(registration=waiting, by=bert)
    send_outbox()

    [message] = mailoutbox
    assert message.subject.startswith("Inscription annulée")
    assert message.attachments == []


def test_a_registration_deleted_in_the_admin_still_gets_its_cancel(event, staff, mailoutbox):
    from events.services import registration_delete

    ana = person()
    registration = register(ana, event)
    send_outbox()
    registration_delete(by=staff, registration=registration)
    send_outbox()

    parsed, vevent, _ = vevent_of(mailoutbox[-1])
    assert parsed["METHOD"] == "CANCEL"
    assert str(vevent["ATTENDEE"]) == f"mailto:{ana.email}"


def test_nothing_is_rendered_in_the_request(event):
    register(person(), event)

    [email] = OutgoingEmail.objects.all()
    assert (email.subject, email.body_text, email.attachments) == ("", "", [])
    assert email.renderer == "events.registration"
    assert email.params["registration"] and email.params["round"] == 1


def test_the_message_keeps_the_language_it_was_queued_in(event, mailoutbox):
    with translation.override("en"):
        register(person(), event)
    send_outbox()

    assert mailoutbox[0].subject.startswith("Registration confirmed")


# --- Reminders -------------------------------------------------------------------------------


def test_a_reminder_carries_the_current_invitation(event, mailoutbox):
    RegistrationFactory(event=event, registered_at=START - 10 * DAY)
    Event.objects.filter(pk=event.pk).update(sequence=3)
    assert reminders_send(now=START - DAY) == 1
    send_outbox()

    [reminder] = mailoutbox
    parsed, vevent, _ = vevent_of(reminder)
    assert parsed["METHOD"] == "REQUEST"
    assert vevent["SEQUENCE"] == 3
    assert vevent.decoded("DTSTART") == START


def test_a_reminder_for_an_event_cancelled_meanwhile_is_not_sent(event, staff, mailoutbox):
    RegistrationFactory(event=event, registered_at=START - 10 * DAY)
    reminders_send(now=START - DAY)
    event_cancel(user=staff, event=event)
    send_outbox()

    assert [m.subject.split(" : ")[0] for m in mailoutbox] == ["Événement annulé"]
    reminder = OutgoingEmail.objects.get(key__startswith="reminder-")
    assert reminder.status == OutgoingEmail.Status.DROPPED
    assert "annulé" in reminder.last_error


def test_a_reminder_for_an_event_moved_meanwhile_is_not_sent_with_the_old_time(event, mailoutbox):
    RegistrationFactory(event=event, registered_at=START - 10 * DAY)
    reminders_send(now=START - DAY)
    Event.objects.filter(pk=event.pk).update(start=START + DAY, end=None)
    send_outbox()

    assert mailoutbox == []
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.DROPPED


def test_a_reminder_built_later_shows_a_new_place(event, mailoutbox):
    RegistrationFactory(event=event, registered_at=START - 10 * DAY)
    reminders_send(now=START - DAY)
    Event.objects.filter(pk=event.pk).update(venue="Salle B")
    send_outbox()

    [reminder] = mailoutbox
    assert "Salle B" in reminder.body


# --- Change notices --------------------------------------------------------------------------


def test_a_notice_superseded_by_a_newer_change_is_dropped_and_the_newer_tells_both(
    event, officer, mailoutbox
):
    RegistrationFactory(event=event)
    event_update(user=officer, event=event, data=data(event.province, start=START + DAY, end=None))
    event.refresh_from_db()
    event_update(
        user=officer,
        event=event,
        data=data(event.province, start=START + DAY, end=None, venue="Salle B"),
    )
    send_outbox()

    [notice] = mailoutbox
    assert "la date ou l'heure de début" in notice.body and "le lieu" in notice.body
    assert "Salle B" in notice.body
    _, vevent, _ = vevent_of(notice)
    assert vevent["SEQUENCE"] == 2
    assert OutgoingEmail.objects.filter(status=OutgoingEmail.Status.DROPPED).count() == 1


def test_a_confirmation_for_an_event_cancelled_meanwhile_is_not_sent(event, staff, mailoutbox):
    register(person(), event)
    event_cancel(user=staff, event=event)
    send_outbox()

    [notice] = mailoutbox
    assert notice.subject.startswith("Événement annulé")
    parsed, vevent, _ = vevent_of(notice)
    assert parsed["METHOD"] == "CANCEL"
    assert vevent["SEQUENCE"] == 1  # cancelling the event raised it


# --- The time zone block -----------------------------------------------------------------------


def test_the_brussels_vtimezone_is_built_once(event, monkeypatch):
    calendar._brussels_vtimezone.cache_clear()
    built = []
    original = icalendar.Timezone.from_tzid

    def counting(*args, **kwargs):
        built.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(icalendar.Timezone, "from_tzid", counting)
    first = calendar.event_invitation(event)
    second = calendar.event_invitation(event)

    assert len(built) == 1
    for content in (first, second):
        [timezone] = icalendar.Calendar.from_ical(content).walk("VTIMEZONE")
        assert timezone["TZID"] == "Europe/Brussels"
