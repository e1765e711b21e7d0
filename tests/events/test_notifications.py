"""Emails to registrants: the invitation, reminders (what is due, once), changes, cancellation."""

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest

from events.email_renderers import invitation
from events.models import Event, Registration
from events.notifications import (
    event_cancelled_notify,
    reminders_due,
    reminders_send,
)
from events.services import event_cancel, event_update
from portal.models import OutgoingEmail
from tests.events.factories import EventFactory, RegistrationFactory
from tests.events.outbox import built_emails, send_outbox
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")
# A Wednesday in summer (UTC+2).
START = datetime.datetime(2030, 6, 12, 14, 0, tzinfo=BRUSSELS)
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
MINUTE = datetime.timedelta(minutes=1)
LONG_AGO = datetime.datetime(2030, 1, 1, tzinfo=BRUSSELS)


def registration(*, start=START, registered_at=LONG_AGO, **event_fields):
    event = EventFactory(start=start, end=start + 3 * HOUR, **event_fields)
    return RegistrationFactory(event=event, registered_at=registered_at)


def due(now):
    return [(r.pk, kind) for r, kind in reminders_due(now=now)]


def reminder_emails():
    return built_emails(key__startswith="reminder-")


# --- Invitation ------------------------------------------------------------------------------


def test_invitation_attachment_is_a_request_ics():
    reg = registration()
    attachment = invitation(reg.event, attendee=("", reg.user.email), round=1)
    assert attachment.filename == "invitation.ics"
    assert attachment.mimetype == "text/calendar; charset=utf-8; method=REQUEST"
    calendar = icalendar.Calendar.from_ical(attachment.content)
    assert calendar["METHOD"] == "REQUEST"
    [vevent] = calendar.walk("VEVENT")
    assert vevent.decoded("DTSTART") == START


# --- Reminders: what is due ------------------------------------------------------------------


def test_days_before_reminder_due_from_two_days_before():
    reg = registration(reminder_on_the_day=False)
    assert due(START - 2 * DAY - MINUTE) == []
    assert due(START - 2 * DAY) == [(reg.pk, "days_before")]
    assert due(START - DAY) == [(reg.pk, "days_before")]
    assert due(START) == []  # started


def test_days_before_follows_the_events_setting():
    reg = registration(reminder_days_before=5, reminder_on_the_day=False)
    other = registration(reminder_days_before=None, reminder_on_the_day=False)
    assert due(START - 5 * DAY) == [(reg.pk, "days_before")]
    assert other.pk not in dict(due(START - HOUR))


def test_morning_reminder_at_eight_brussels_time():
    reg = registration(reminder_days_before=None)
    eight = datetime.datetime(2030, 6, 12, 8, 0, tzinfo=BRUSSELS)
    assert due(eight - MINUTE) == []
    assert due(eight) == [(reg.pk, "morning")]
    assert due(START - MINUTE) == [(reg.pk, "morning")]
    assert due(START) == []


def test_morning_replaces_the_days_before_one_on_the_day():
    reg = registration(reminder_days_before=1)
    assert due(START - DAY) == [(reg.pk, "days_before")]
    assert due(datetime.datetime(2030, 6, 12, 9, 0, tzinfo=BRUSSELS)) == [(reg.pk, "morning")]


@pytest.mark.parametrize(
    ("start", "utc_hour"),
    [
        # Winter (UTC+1): 08:00 in Brussels is 07:00 UTC.
        (datetime.datetime(2030, 1, 15, 14, 0, tzinfo=BRUSSELS), 7),
        # Summer (UTC+2): 06:00 UTC.
        (datetime.datetime(2030, 7, 15, 14, 0, tzinfo=BRUSSELS), 6),
        # The day clocks go forward (31 March 2030, 02:00 → 03:00): still 06:00 UTC.
        (datetime.datetime(2030, 3, 31, 14, 0, tzinfo=BRUSSELS), 6),
        # The day clocks go back (27 October 2030): 07:00 UTC.
        (datetime.datetime(2030, 10, 27, 14, 0, tzinfo=BRUSSELS), 7),
    ],
)
def test_morning_is_eight_in_brussels_across_dst(start, utc_hour):
    reg = registration(start=start, reminder_days_before=None, registered_at=start - 30 * DAY)
    eight_utc = datetime.datetime.combine(
        start.date(), datetime.time(utc_hour), tzinfo=datetime.UTC
    )
    assert due(eight_utc - MINUTE) == []
    assert due(eight_utc) == [(reg.pk, "morning")]


def test_no_morning_reminder_for_an_event_starting_before_eight():
    registration(start=START.replace(hour=7), reminder_days_before=None)
    assert due(START.replace(hour=6, minute=59)) == []
    assert due(START.replace(hour=8)) == []  # started


def test_no_reminder_for_cancelled_or_waiting_registrations():
    reg = registration(reminder_on_the_day=False)
    Registration.objects.filter(pk=reg.pk).update(status=Registration.Status.CANCELLED)
    waiting = RegistrationFactory(
        event=reg.event, status=Registration.Status.WAITING, registered_at=LONG_AGO
    )
    assert waiting.pk
    assert due(START - DAY) == []


@pytest.mark.parametrize("status", [Event.Status.DRAFT, Event.Status.CANCELLED])
def test_no_reminder_for_draft_or_cancelled_events(status):
    reg = registration()
    Event.objects.filter(pk=reg.event_id).update(status=status)
    assert due(START - DAY) == []
    assert due(START - HOUR) == []


def test_no_reminder_for_who_registered_after_its_moment():
    registration(registered_at=START - DAY, reminder_on_the_day=False)
    assert due(START - HOUR) == []


def test_reminders_due_in_constant_queries(django_assert_max_num_queries):
    for days in (1, 2, 3):
        for _ in range(3):
            registration(reminder_days_before=days, reminder_on_the_day=False)
    with django_assert_max_num_queries(2):
        assert len(reminders_due(now=START - HOUR)) == 9


# --- Reminders: sent once --------------------------------------------------------------------


def test_reminders_send_queues_each_once():
    reg = registration(reminder_on_the_day=False)
    assert reminders_send(now=START - DAY) == 1
    assert reminders_send(now=START - DAY + HOUR) == 0
    [email] = reminder_emails()
    assert email.to == reg.user.email
    assert "Rappel" in email.subject
    assert reg.event.title in email.body_text


def test_both_kinds_are_sent():
    registration(reminder_days_before=2)
    assert reminders_send(now=START - 2 * DAY) == 1
    assert reminders_send(now=START - 2 * HOUR) == 1
    assert reminders_send(now=START - HOUR) == 0
    assert sorted(e.subject.split(" ")[0] for e in reminder_emails()) == ["C'est", "Rappel"]


def test_a_moved_event_gets_a_new_reminder():
    reg = registration(reminder_on_the_day=False)
    assert reminders_send(now=START - DAY) == 1
    send_outbox()
    Event.objects.filter(pk=reg.event_id).update(start=START + HOUR, end=START + 4 * HOUR)
    assert reminders_send(now=START - DAY) == 1
    assert reminders_send(now=START - DAY) == 0
    assert reminder_emails().count() == 2


# --- Changes ---------------------------------------------------------------------------------


@pytest.fixture
def staff():
    return UserFactory(is_staff=True, is_superuser=True)


def form_data(event, **changes):
    data = {
        name: getattr(event, name)
        for name in (
            "title",
            "kind",
            "province",
            "chantier",
            "start",
            "end",
            "time_to_be_confirmed",
            "venue",
            "address",
            "online_url",
            "summary",
            "description",
            "capacity",
        )
    }
    data.update(changes)
    return data


def test_change_of_time_raises_sequence_and_tells_registrants_once(staff):
    reg = registration(capacity=1)  # the waiting list stays waiting
    waiting = RegistrationFactory(event=reg.event, status=Registration.Status.WAITING)
    gone = RegistrationFactory(event=reg.event, status=Registration.Status.CANCELLED)
    event = reg.event
    event_update(user=staff, event=event, data=form_data(event, start=START + DAY, end=None))
    event.refresh_from_db()
    assert event.sequence == 1
    emails = {e.to: e for e in built_emails(key__startswith="event-changed-")}
    assert set(emails) == {reg.user.email, waiting.user.email}
    assert gone.user.email not in emails
    confirmed = emails[reg.user.email]
    assert "la date ou l'heure de début" in confirmed.body_text
    [attachment] = confirmed.attachments
    vevent = icalendar.Calendar.from_ical(attachment["content"]).walk("VEVENT")[0]
    assert vevent["SEQUENCE"] == 1
    assert vevent.decoded("DTSTART") == START + DAY
    assert emails[waiting.user.email].attachments == []

    # Saving again without a change tells nobody; a second change is told again.
    event_update(user=staff, event=event, data=form_data(event))
    assert OutgoingEmail.objects.filter(key__startswith="event-changed-").count() == 2
    event.refresh_from_db()
    event_update(user=staff, event=event, data=form_data(event, venue="Autre salle"))
    event.refresh_from_db()
    assert event.sequence == 2
    assert OutgoingEmail.objects.filter(key__startswith="event-changed-").count() == 4


def test_change_of_title_only_keeps_the_sequence(staff):
    reg = registration()
    event_update(user=staff, event=reg.event, data=form_data(reg.event, title="Nouveau titre"))
    reg.event.refresh_from_db()
    assert reg.event.sequence == 0
    assert not OutgoingEmail.objects.filter(key__startswith="event-changed-").exists()


# --- Cancellation ----------------------------------------------------------------------------


def test_cancel_sends_a_cancel_ics_once(staff):
    reg = registration()
    waiting = RegistrationFactory(event=reg.event, status=Registration.Status.WAITING)
    event_cancel(user=staff, event=reg.event)
    emails = {e.to: e for e in built_emails(key__startswith="event-cancelled-")}
    assert set(emails) == {reg.user.email, waiting.user.email}
    [attachment] = emails[reg.user.email].attachments
    assert attachment["mimetype"].endswith("method=CANCEL")
    calendar = icalendar.Calendar.from_ical(attachment["content"])
    assert calendar["METHOD"] == "CANCEL"
    assert calendar.walk("VEVENT")[0]["STATUS"] == "CANCELLED"
    assert "annulé" in emails[reg.user.email].subject
    # Told once, even if the notice were queued again.
    reg.event.refresh_from_db()
    assert event_cancelled_notify(event=reg.event) == 0


def test_confirmation_email_carries_the_invitation_in_brussels_time(
    django_capture_on_commit_callbacks, mailoutbox
):
    from events.services import registration_create

    start = datetime.datetime(2031, 6, 3, 14, 0, tzinfo=ZoneInfo("Europe/Brussels"))
    event = EventFactory(start=start, end=start + datetime.timedelta(hours=3), capacity=10)
    user = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        registration_create(user=user, event=event, organisation="Asbl du quartier")

    [message] = mailoutbox
    [(filename, content, mimetype)] = message.attachments
    assert filename == "invitation.ics" and mimetype.startswith("text/calendar")
    [vevent] = icalendar.Calendar.from_ical(content).walk("VEVENT")
    dtstart = vevent.decoded("DTSTART")
    assert dtstart.astimezone(ZoneInfo("Europe/Brussels")).hour == 14
    assert dtstart.astimezone(datetime.UTC).hour == 12
