"""Sending an issue: rendering and sanitising, segments, batches exactly once, the one-click
unsubscribe headers, test sends, filling a draft, progress and failed addresses."""

import datetime
import email
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone
from kombu.exceptions import OperationalError

from chantiers.models import News
from events.models import Event
from newsletter.models import Delivery, Issue, Section, Subscriber
from newsletter.services import (
    issue_fill_draft,
    issue_progress,
    issue_render,
    issue_send_batch,
    issue_send_start,
    issue_send_test,
)
from portal.mail import MAX_ATTEMPTS, BulkMessage, email_queue_bulk, email_send_queued, queueing
from portal.models import UNCERTAIN_AFTER, OutgoingEmail
from tests.chantiers.factories import ChantierFactory
from tests.events.factories import EventFactory
from tests.newsletter.factories import IssueFactory, SectionFactory, SubscriberFactory
from tests.portal.factories import UserFactory
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db

CONFIRMED = Subscriber.Status.CONFIRMED
EVIL = (
    "Texte <script>alert('x')</script> suite.\n\n"
    '<img src="x" onerror="alert(1)">\n\n'
    '[piège](javascript:alert(2)) et <a href="javascript:alert(3)">lien</a>'
)


def sending_issue(**kwargs):
    issue = IssueFactory(**kwargs)
    SectionFactory(issue=issue, title="Nouvelles", body="Du **contenu**.")
    Issue.objects.filter(pk=issue.pk).update(
        status=Issue.Status.SENDING, number=1, sending_started_at=timezone.now()
    )
    issue.refresh_from_db()
    return issue


def assert_no_script(html):
    lowered = html.lower()
    assert "<script" not in lowered
    assert "onerror" not in lowered
    assert "javascript:" not in lowered


# --- Rendering ---------------------------------------------------------------------------------


def test_render_has_web_link_sections_and_personal_links(settings):
    settings.SITE_URL = "https://portail.example"
    issue = IssueFactory(subject="Printemps", introduction="Bonjour **tous**.")
    SectionFactory(issue=issue, title="Agenda", body="- [Réunion](https://example.org/r)")
    subscriber = SubscriberFactory(status=CONFIRMED)

    rendered = issue_render(issue=issue)
    html, text = rendered.for_subscriber(subscriber)

    assert rendered.subject == "Printemps"
    web = f"https://portail.example/lettre/{issue.slug}/"
    assert f'href="{web}"' in html and "Voir dans le navigateur" in html
    assert "<strong>tous</strong>" in html and "<h2>Agenda</h2>" in html
    assert f"https://portail.example/lettre/desinscription/{subscriber.token}/" in html
    assert f"https://portail.example/lettre/preferences/{subscriber.token}/" in html
    assert web in text and "Réunion (https://example.org/r)" in text
    assert f"/lettre/desinscription/{subscriber.token}/" in text
    assert rendered.unsubscribe_mark not in html + text


def test_render_sanitises_markdown():
    issue = IssueFactory(introduction=EVIL)
    SectionFactory(issue=issue, body=EVIL)

    html, text = issue_render(issue=issue).generic()

    assert_no_script(html)
    assert "<script" not in text.lower()
    assert "Texte" in html and "suite." in html


def test_markers_cannot_be_forged_by_content():
    """The marker is random per render: text that looks like one is left as it is."""
    issue = IssueFactory(introduction="newsletter-unsubscribe-0000000000000000")
    subscriber = SubscriberFactory(status=CONFIRMED)

    html, _ = issue_render(issue=issue).for_subscriber(subscriber)

    assert "newsletter-unsubscribe-0000000000000000" in html


# --- Starting ----------------------------------------------------------------------------------


def test_send_start_numbers_freezes_and_counts(django_capture_on_commit_callbacks):
    IssueFactory(sent=True, number=7)
    issue = IssueFactory()
    SectionFactory(issue=issue)
    SubscriberFactory.create_batch(3, status=CONFIRMED)
    SubscriberFactory(status=Subscriber.Status.PENDING)
    staff = UserFactory(is_staff=True)

    with (
        mock.patch("newsletter.tasks.send_issue.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        count = issue_send_start(issue=issue, by=staff)

    issue.refresh_from_db()
    assert count == 3
    assert issue.number == 8
    assert issue.status == Issue.Status.SENDING
    assert issue.sending_started_at is not None
    delay.assert_called_once_with(issue.pk)


def test_send_start_refuses_what_is_not_a_draft():
    issue = sending_issue()
    with pytest.raises(ValidationError, match="déjà commencé"):
        issue_send_start(issue=issue, by=UserFactory())


def test_send_start_refuses_an_empty_issue():
    issue = IssueFactory(introduction="  ")
    with pytest.raises(ValidationError, match="vide"):
        issue_send_start(issue=issue, by=UserFactory())
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT and issue.number is None


def test_a_dead_broker_does_not_fail_the_start(django_capture_on_commit_callbacks):
    issue = IssueFactory()
    with (
        mock.patch("newsletter.tasks.send_issue.delay", side_effect=OperationalError("down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        issue_send_start(issue=issue, by=UserFactory())

    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENDING  # left for resume_sending


def test_whole_send_in_process_delivers_each_subscriber_once(
    django_capture_on_commit_callbacks, mailoutbox
):
    """Tasks run in-process: starting sends everything, and the issue ends "sent"."""
    subscribers = SubscriberFactory.create_batch(3, status=CONFIRMED)
    issue = IssueFactory()

    with django_capture_on_commit_callbacks(execute=True):
        issue_send_start(issue=issue, by=UserFactory())

    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT and issue.sent_at is not None
    assert sorted(m.to[0] for m in mailoutbox) == sorted(s.email for s in subscribers)


# --- Segments ----------------------------------------------------------------------------------


def test_segment_by_province_and_chantier():
    namur, liege = ProvinceFactory(), ProvinceFactory()
    bio, circuits = ChantierFactory(), ChantierFactory()
    issue = sending_issue()
    issue.provinces.set([namur])
    issue.chantiers.set([bio])
    in_namur = SubscriberFactory(status=CONFIRMED, provinces=[namur])
    in_bio = SubscriberFactory(status=CONFIRMED, chantiers=[bio])
    everything = SubscriberFactory(status=CONFIRMED)
    SubscriberFactory(status=CONFIRMED, provinces=[liege])
    SubscriberFactory(status=CONFIRMED, provinces=[liege], chantiers=[circuits])
    SubscriberFactory(status=Subscriber.Status.PENDING, provinces=[namur])
    SubscriberFactory(status=Subscriber.Status.UNSUBSCRIBED)

    assert issue_send_batch(issue_pk=issue.pk) == 3

    received = set(Delivery.objects.values_list("subscriber_id", flat=True))
    assert received == {in_namur.pk, in_bio.pk, everything.pk}
    assert set(OutgoingEmail.objects.values_list("to", flat=True)) == {
        in_namur.email,
        in_bio.email,
        everything.email,
    }


def test_without_segment_every_confirmed_subscriber_receives_it():
    issue = sending_issue()
    confirmed = [
        SubscriberFactory(status=CONFIRMED, provinces=[ProvinceFactory()]),
        SubscriberFactory(status=CONFIRMED),
    ]
    SubscriberFactory(status=Subscriber.Status.PENDING)
    SubscriberFactory(status=Subscriber.Status.UNSUBSCRIBED)

    assert issue_send_batch(issue_pk=issue.pk) == 2
    assert set(Delivery.objects.values_list("subscriber_id", flat=True)) == {
        s.pk for s in confirmed
    }


# --- Batches, exactly once ---------------------------------------------------------------------


def test_batches_go_by_primary_key_then_mark_the_issue_sent():
    issue = sending_issue()
    subscribers = SubscriberFactory.create_batch(5, status=CONFIRMED)

    assert issue_send_batch(issue_pk=issue.pk, size=2) == 2
    assert set(Delivery.objects.values_list("subscriber_id", flat=True)) == {
        s.pk for s in sorted(subscribers, key=lambda s: s.pk)[:2]
    }
    assert issue_send_batch(issue_pk=issue.pk, size=2) == 2
    assert issue_send_batch(issue_pk=issue.pk, size=2) == 1
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENDING
    assert issue_send_batch(issue_pk=issue.pk, size=2) == 0
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT and issue.sent_at is not None
    assert issue_send_batch(issue_pk=issue.pk, size=2) == 0  # sent: nothing more
    assert Delivery.objects.count() == OutgoingEmail.objects.count() == 5


def test_batch_writes_keys_and_one_click_headers(settings):
    settings.SITE_URL = "https://portail.example"
    issue = sending_issue()
    subscriber = SubscriberFactory(status=CONFIRMED)

    issue_send_batch(issue_pk=issue.pk)

    delivery = Delivery.objects.select_related("email").get()
    email = delivery.email
    assert delivery.subscriber == subscriber and delivery.issue == issue
    assert email.key == f"newsletter:{issue.pk}:{subscriber.pk}:{subscriber.email}"
    url = f"https://portail.example/lettre/desinscription/{subscriber.token}/"
    assert email.headers == {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert url in email.body_html and url in email.body_text
    assert email.subject == issue.subject


def test_headers_reach_the_message_actually_sent(mailoutbox, settings):
    settings.SITE_URL = "https://portail.example"
    issue = sending_issue()
    subscriber = SubscriberFactory(status=CONFIRMED)
    issue_send_batch(issue_pk=issue.pk)

    assert email_send_queued() == 1

    [message] = mailoutbox
    url = f"https://portail.example/lettre/desinscription/{subscriber.token}/"
    assert message.extra_headers["List-Unsubscribe"] == f"<{url}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # As written on the wire (a long header may be folded: unfold it to compare).
    parsed = email.message_from_string(message.message().as_string())
    assert "".join(parsed["List-Unsubscribe"].split()) == f"<{url}>"
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_sent_email_is_sanitised(mailoutbox):
    issue = sending_issue(introduction=EVIL)
    SectionFactory(issue=issue, body=EVIL)
    SubscriberFactory(status=CONFIRMED)
    issue_send_batch(issue_pk=issue.pk)
    email_send_queued()

    [message] = mailoutbox
    assert_no_script(message.alternatives[0][0])
    assert "<script" not in message.body.lower()


def test_a_batch_queries_do_not_grow_with_its_size(django_assert_max_num_queries):
    issue = sending_issue()
    SubscriberFactory.create_batch(30, status=CONFIRMED)
    # Lock, segment (2), pick, render (sections), outbox insert, delivery insert, savepoints.
    with django_assert_max_num_queries(10):
        assert issue_send_batch(issue_pk=issue.pk) == 30


def test_the_outbox_key_is_the_last_line_of_defence():
    """A message already queued for (issue, subscriber) without its delivery: the batch fails
    and rolls back rather than send it twice."""
    issue = sending_issue()
    subscriber = SubscriberFactory(status=CONFIRMED)
    email_queue_bulk(
        messages=[
            BulkMessage(
                to=subscriber.email,
                subject="x",
                body_text="x",
                key=f"newsletter:{issue.pk}:{subscriber.pk}",
            )
        ]
    )

    with pytest.raises(IntegrityError):
        issue_send_batch(issue_pk=issue.pk)
    assert not Delivery.objects.exists()


def test_gone_or_draft_issue_queues_nothing():
    SubscriberFactory(status=CONFIRMED)
    assert issue_send_batch(issue_pk=999_999) == 0
    draft = IssueFactory()
    assert issue_send_batch(issue_pk=draft.pk) == 0
    assert not OutgoingEmail.objects.exists()


def test_bulk_queue_wakes_the_sender_once(django_capture_on_commit_callbacks):
    with (
        mock.patch.object(queueing, "wake_sender") as wake,
        django_capture_on_commit_callbacks(execute=True),
    ):
        emails = email_queue_bulk(
            messages=[
                BulkMessage(to=f"p{i}@example.org", subject="s", body_text="t") for i in range(3)
            ]
        )
        email_queue_bulk(messages=[BulkMessage(to="q@example.org", subject="s", body_text="t")])

    assert [e.to for e in emails] == ["p0@example.org", "p1@example.org", "p2@example.org"]
    assert all(e.pk for e in emails)
    wake.assert_called_once_with()
    assert email_queue_bulk(messages=[]) == []


# --- Progress and failures ---------------------------------------------------------------------


def test_progress_counts_by_outbox_status_in_one_query(django_assert_num_queries):
    issue = sending_issue()
    SubscriberFactory.create_batch(4, status=CONFIRMED)
    issue_send_batch(issue_pk=issue.pk)
    emails = list(OutgoingEmail.objects.order_by("pk"))
    OutgoingEmail.objects.filter(pk=emails[0].pk).update(status=OutgoingEmail.Status.SENT)
    OutgoingEmail.objects.filter(pk=emails[1].pk).update(status=OutgoingEmail.Status.FAILED)
    OutgoingEmail.objects.filter(pk=emails[2].pk).update(status=OutgoingEmail.Status.SENDING)
    OutgoingEmail.objects.create(to="autre@example.org", subject="x", body_text="x")

    with django_assert_num_queries(1):
        progress = issue_progress(issue=issue)

    assert (progress.total, progress.sent, progress.queued, progress.failed) == (4, 1, 2, 1)
    assert progress.percent == 25
    assert progress.uncertain == 0 and not progress.complete


def test_progress_tells_apart_a_send_in_progress_and_one_interrupted_long_ago():
    issue = sending_issue()
    SubscriberFactory.create_batch(3, status=CONFIRMED)
    issue_send_batch(issue_pk=issue.pk)
    issue_send_batch(issue_pk=issue.pk)  # nobody left: the issue is marked sent
    first, second, third = OutgoingEmail.objects.order_by("pk")
    now = timezone.now()
    OutgoingEmail.objects.filter(pk=first.pk).update(status=OutgoingEmail.Status.SENT)
    OutgoingEmail.objects.filter(pk=second.pk).update(
        status=OutgoingEmail.Status.SENDING, claimed_at=now
    )
    OutgoingEmail.objects.filter(pk=third.pk).update(
        status=OutgoingEmail.Status.SENDING,
        claimed_at=now - UNCERTAIN_AFTER - datetime.timedelta(seconds=1),
    )

    progress = issue_progress(issue=issue)

    assert (progress.sent, progress.queued, progress.uncertain) == (1, 1, 1)
    assert not progress.complete
    OutgoingEmail.objects.filter(pk=second.pk).update(status=OutgoingEmail.Status.SENT)
    assert not issue_progress(issue=issue).complete  # one may never have arrived
    OutgoingEmail.objects.filter(pk=third.pk).update(status=OutgoingEmail.Status.SENT)
    assert issue_progress(issue=issue).complete


def test_a_refused_address_is_failed_after_max_attempts_and_not_retried(mailoutbox):
    issue = sending_issue()
    SubscriberFactory(status=CONFIRMED)
    issue_send_batch(issue_pk=issue.pk)
    refusal = smtplib.SMTPResponseException(451, b"try later")

    with mock.patch.object(mail.EmailMultiAlternatives, "send", side_effect=refusal) as send:
        for _ in range(MAX_ATTEMPTS + 2):
            email_send_queued()

    assert send.call_count == MAX_ATTEMPTS
    email = OutgoingEmail.objects.get()
    assert email.status == OutgoingEmail.Status.FAILED and email.attempts == MAX_ATTEMPTS
    progress = issue_progress(issue=issue)
    assert (progress.total, progress.failed, progress.sent) == (1, 1, 0)


def test_a_permanent_refusal_fails_at_once():
    issue = sending_issue()
    SubscriberFactory(status=CONFIRMED)
    issue_send_batch(issue_pk=issue.pk)
    refusal = smtplib.SMTPResponseException(550, b"no such user")

    with mock.patch.object(mail.EmailMultiAlternatives, "send", side_effect=refusal):
        email_send_queued()
        email_send_queued()

    assert OutgoingEmail.objects.get().attempts == 1
    assert issue_progress(issue=issue).failed == 1


# --- Test send ---------------------------------------------------------------------------------


def test_test_send_goes_to_one_address_with_prefix_and_no_delivery(
    django_capture_on_commit_callbacks, mailoutbox
):
    issue = IssueFactory(subject="Printemps")
    SubscriberFactory(status=CONFIRMED)

    with django_capture_on_commit_callbacks(execute=True):
        issue_send_test(issue=issue, to="cellule@example.org")
        issue_send_test(issue=issue, to="cellule@example.org")

    assert [m.subject for m in mailoutbox] == ["[TEST] Printemps", "[TEST] Printemps"]
    assert mailoutbox[0].to == ["cellule@example.org"]
    assert "Voir dans le navigateur" in mailoutbox[0].alternatives[0][0]
    assert not Delivery.objects.exists()
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT


def test_test_send_to_a_subscriber_carries_their_links_and_headers():
    issue = IssueFactory()
    subscriber = SubscriberFactory(email="cellule@example.org", status=CONFIRMED)

    issue_send_test(issue=issue, to="Cellule@example.org")

    email = OutgoingEmail.objects.get()
    assert subscriber.token in email.headers["List-Unsubscribe"]
    assert subscriber.token in email.body_html


@pytest.mark.parametrize("to", ["", "pas-une-adresse"])
def test_test_send_needs_an_address(to):
    with pytest.raises(ValidationError, match="adresse"):
        issue_send_test(issue=IssueFactory(), to=to)
    assert not OutgoingEmail.objects.exists()


# --- Filling a draft ---------------------------------------------------------------------------


def section(issue, title):
    return Section.objects.get(issue=issue, title=title)


def test_fill_draft_adds_agenda_and_news(settings):
    settings.SITE_URL = "https://portail.example"
    now = timezone.now()
    soon = EventFactory(title="Rencontre [Namur]", start=now + datetime.timedelta(days=3))
    EventFactory(title="Trop tard", start=now + datetime.timedelta(days=90))
    EventFactory(title="Brouillon", status=Event.Status.DRAFT)
    EventFactory(title="Passée", start=now - datetime.timedelta(days=3))
    cancelled = EventFactory(title="Annulée", status=Event.Status.CANCELLED)
    IssueFactory(sent=True, sent_at=now - datetime.timedelta(days=10))
    News.objects.create(
        title="Nouvelle récente",
        slug="recente",
        summary="Un chapeau",
        published_at=now - datetime.timedelta(days=2),
    )
    News.objects.create(
        title="Déjà parue",
        slug="ancienne",
        summary="x",
        published_at=now - datetime.timedelta(days=20),
    )
    News.objects.create(title="Brouillon", slug="brouillon", summary="x")
    issue = IssueFactory()
    SectionFactory(issue=issue, title="Édito", order=1)

    issue_fill_draft(issue=issue)

    agenda = section(issue, "Agenda").body
    assert f"(https://portail.example{soon.get_absolute_url()})" in agenda
    assert "Rencontre \\[Namur\\]" in agenda and soon.venue in agenda
    assert "(annulé)" in agenda and cancelled.title in agenda
    assert "Trop tard" not in agenda and "Brouillon" not in agenda and "Passée" not in agenda
    news = section(issue, "Actualités").body
    assert "[Nouvelle récente](https://portail.example/actualites/recente/)" in news
    assert "Un chapeau" in news
    assert "Déjà parue" not in news and "Brouillon" not in news
    assert list(issue.sections.values_list("title", flat=True)) == [
        "Édito",
        "Agenda",
        "Actualités",
    ]
    # The Brussels date is written out, and the Markdown renders.
    html, _ = issue_render(issue=issue).generic()
    assert f'href="https://portail.example{soon.get_absolute_url()}"' in html


def test_fill_draft_replaces_what_it_wrote_before():
    EventFactory(title="Première")
    issue = IssueFactory()
    issue_fill_draft(issue=issue)
    Event.objects.update(title="Renommée")

    issue_fill_draft(issue=issue)

    agenda = issue.sections.filter(title="Agenda")
    assert agenda.count() == 1 and "Renommée" in agenda.get().body
    assert not issue.sections.filter(title="Actualités").exists()  # no news: no section


def test_fill_draft_without_previous_issue_takes_recent_news():
    now = timezone.now()
    News.objects.create(
        title="Récente", slug="r", summary="x", published_at=now - datetime.timedelta(days=5)
    )
    News.objects.create(
        title="Vieille", slug="v", summary="x", published_at=now - datetime.timedelta(days=200)
    )
    issue = IssueFactory()

    issue_fill_draft(issue=issue)

    news = section(issue, "Actualités").body
    assert "Récente" in news and "Vieille" not in news


def test_fill_draft_keeps_the_segment_and_wallonia():
    namur, liege = ProvinceFactory(), ProvinceFactory()
    bio = ChantierFactory()
    EventFactory(title="À Namur", province=namur)
    EventFactory(title="À Liège", province=liege)
    EventFactory(title="Bio à Liège", province=liege, chantier=bio)
    EventFactory(title="Partout", province=None)
    issue = IssueFactory()
    issue.provinces.set([namur])
    issue.chantiers.set([bio])

    issue_fill_draft(issue=issue)

    agenda = section(issue, "Agenda").body
    assert "À Namur" in agenda and "Bio à Liège" in agenda and "Partout" in agenda
    assert "À Liège" not in agenda


def test_fill_draft_refuses_an_issue_being_sent():
    EventFactory()
    issue = sending_issue()
    with pytest.raises(ValidationError):
        issue_fill_draft(issue=issue)
    assert not issue.sections.filter(title="Agenda").exists()
