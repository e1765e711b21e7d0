"""Admin of the newsletter: issue pages and their buttons (fill, preview, test, send), progress
and failed addresses, read-only once sent; subscribers. As staff, and refused to others."""

import datetime
import re
from http import HTTPStatus
from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from newsletter.models import Delivery, Issue, Subscriber
from newsletter.services import issue_send_batch
from portal.models import UNCERTAIN_AFTER, OutgoingEmail
from tests.events.factories import EventFactory
from tests.newsletter.factories import IssueFactory, SectionFactory, SubscriberFactory
from tests.portal.factories import UserFactory
from tests.querycount import assert_constant_queries
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db

CONFIRMED = Subscriber.Status.CONFIRMED


def url(name, issue):
    return reverse(f"admin:newsletter_issue_{name}", args=[issue.pk])


@pytest.fixture
def staff(client):
    user = UserFactory(email="cellule@example.org", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


@pytest.fixture
def viewer(client):
    """Staff who may only view issues."""
    user = UserFactory(email="lecteur@example.org", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_issue"))
    client.force_login(user)
    return user


@pytest.fixture
def draft():
    issue = IssueFactory(subject="Printemps", introduction="Bonjour **tous**.")
    SectionFactory(issue=issue, title="Édito", body="<script>alert(1)</script>Texte")
    return issue


def sent_issue():
    issue = IssueFactory(status=Issue.Status.SENDING, number=1)
    SectionFactory(issue=issue)
    return issue


# --- Pages -------------------------------------------------------------------------------------


def test_pages_answer_for_staff(client, staff, draft):
    SubscriberFactory(status=CONFIRMED, provinces=[ProvinceFactory()])
    for page in [
        reverse("admin:newsletter_issue_changelist"),
        reverse("admin:newsletter_issue_add"),
        url("change", draft),
        reverse("admin:newsletter_subscriber_changelist"),
        reverse("admin:newsletter_subscriber_changelist") + "?status__exact=confirmed",
        reverse("admin:newsletter_subscriber_changelist") + "?provinces__id__exact=1",
        reverse("admin:newsletter_subscriber_changelist") + "?q=example",
        reverse("admin:newsletter_subscriber_change", args=[Subscriber.objects.get().pk]),
    ]:
        assert client.get(page).status_code == HTTPStatus.OK, page


def test_draft_page_has_the_buttons(client, staff, draft):
    html = client.get(url("change", draft)).content.decode()

    for name in ("fill", "test", "send", "preview"):
        assert url(name, draft) in html
    assert "Remplir avec l'agenda et les actualités" in html
    assert "csrfmiddlewaretoken" in html
    assert 'http-equiv="refresh"' not in html


def test_add_issue_records_its_author(client, staff):
    response = client.post(
        reverse("admin:newsletter_issue_add"),
        {
            "subject": "Été",
            "slug": "ete",
            "introduction": "Bonjour",
            "sections-TOTAL_FORMS": "1",
            "sections-INITIAL_FORMS": "0",
            "sections-0-title": "Rubrique",
            "sections-0-body": "Texte",
            "sections-0-order": "1",
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    issue = Issue.objects.get()
    assert issue.created_by == staff and issue.status == Issue.Status.DRAFT
    assert issue.sections.get().title == "Rubrique"


def test_changelist_shows_progress_in_constant_queries(client, staff):
    def grow(n):
        for _ in range(n):
            issue = IssueFactory(status=Issue.Status.SENDING, number=Issue.objects.count() + 1)
            SubscriberFactory(status=CONFIRMED)
            issue_send_batch(issue_pk=issue.pk)

    assert_constant_queries(client, reverse("admin:newsletter_issue_changelist"), grow)
    html = client.get(reverse("admin:newsletter_issue_changelist")).content.decode()
    assert "0 envoyés sur 1, 1 en attente, 0 en échec" in html


def status_column(client):
    [status] = re.findall(
        r'class="field-status_label">([^<]*)<',
        client.get(reverse("admin:newsletter_issue_changelist")).text,
    )
    return status


def test_an_issue_is_not_shown_as_sent_while_messages_wait_or_are_uncertain(client, staff):
    issue = IssueFactory(status=Issue.Status.SENDING, number=1)
    SubscriberFactory.create_batch(2, status=CONFIRMED)
    issue_send_batch(issue_pk=issue.pk)
    issue_send_batch(issue_pk=issue.pk)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT  # everyone's message is in the outbox
    first, second = OutgoingEmail.objects.order_by("pk")
    changelist = reverse("admin:newsletter_issue_changelist")

    assert status_column(client) == "Envoi en cours"
    assert 'http-equiv="refresh"' in client.get(url("change", issue)).text

    # A worker died while sending the second: past the stated delay it is uncertain.
    OutgoingEmail.objects.filter(pk=first.pk).update(status=OutgoingEmail.Status.SENT)
    OutgoingEmail.objects.filter(pk=second.pk).update(
        status=OutgoingEmail.Status.SENDING,
        claimed_at=timezone.now() - UNCERTAIN_AFTER - datetime.timedelta(minutes=1),
    )
    assert status_column(client) == "Envoi incomplet : 1 message incertain"
    assert "1 envoyés sur 2, 0 en attente, 0 en échec, 1 incertain" in client.get(changelist).text
    change = client.get(url("change", issue)).text
    assert "Envoi incomplet : 1 message incertain" in change
    assert "1 message a été interrompu pendant son envoi" in change
    assert reverse("admin:portal_outgoingemail_changelist") + "?etat=uncertain" in change

    OutgoingEmail.objects.filter(pk=second.pk).update(status=OutgoingEmail.Status.SENT)
    assert status_column(client) == "Envoyée"
    assert "2 envoyés sur 2" in client.get(changelist).text


# --- Fill, preview, test send ------------------------------------------------------------------


def test_fill_adds_the_agenda(client, staff, draft):
    EventFactory(title="Rencontre à Namur")

    response = client.post(url("fill", draft))

    assert response.status_code == HTTPStatus.FOUND
    assert "Rencontre à Namur" in draft.sections.get(title="Agenda").body


def test_fill_needs_post(client, staff, draft):
    assert client.get(url("fill", draft)).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert not draft.sections.filter(title="Agenda").exists()


def test_fill_of_an_issue_being_sent_is_refused_with_a_message(client, staff):
    EventFactory()
    issue = sent_issue()

    response = client.post(url("fill", issue), follow=True)

    assert "Seul un brouillon" in response.content.decode()
    assert not issue.sections.filter(title="Agenda").exists()


def test_preview_renders_the_email_sanitised(client, staff, draft):
    response = client.get(url("preview", draft))

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "<strong>tous</strong>" in html and "Voir dans le navigateur" in html
    assert "<script" not in html and "Texte" in html


def test_test_send_goes_to_the_staff_member(client, staff, draft):
    response = client.post(url("test", draft))

    assert response.status_code == HTTPStatus.FOUND
    email = OutgoingEmail.objects.get()
    assert email.to == "cellule@example.org" and email.subject == "[TEST] Printemps"
    assert not Delivery.objects.exists()


# --- Sending -----------------------------------------------------------------------------------


def test_send_confirmation_shows_the_number_of_recipients(client, staff, draft):
    namur = ProvinceFactory(name="Namur")
    draft.provinces.set([namur])
    SubscriberFactory(status=CONFIRMED, provinces=[namur])
    SubscriberFactory(status=CONFIRMED)  # no interests: everything
    SubscriberFactory(status=CONFIRMED, provinces=[ProvinceFactory()])
    SubscriberFactory(status=Subscriber.Status.PENDING)

    response = client.get(url("send", draft))

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "partira à 2 abonné·es" in html and "Namur" in html
    draft.refresh_from_db()
    assert draft.status == Issue.Status.DRAFT


def test_send_post_starts_the_sending(client, staff, draft, django_capture_on_commit_callbacks):
    SubscriberFactory.create_batch(2, status=CONFIRMED)

    with (
        mock.patch("newsletter.tasks.send_issue.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(url("send", draft), follow=True)

    draft.refresh_from_db()
    assert draft.status == Issue.Status.SENDING and draft.number == 1
    delay.assert_called_once_with(draft.pk)
    html = response.content.decode()
    assert "Envoi commencé pour 2 abonné·es" in html
    assert 'http-equiv="refresh"' in html  # the page follows the progress


def test_send_twice_is_refused(client, staff):
    issue = sent_issue()

    response = client.post(url("send", issue), follow=True)

    assert "déjà commencé" in response.content.decode()
    assert client.get(url("send", issue)).status_code == HTTPStatus.FOUND


def test_an_issue_being_sent_is_read_only_with_its_progress_and_failures(client, staff):
    issue = sent_issue()
    SubscriberFactory(email="ok@example.org", status=CONFIRMED)
    SubscriberFactory(email="refuse@example.org", status=CONFIRMED)
    issue_send_batch(issue_pk=issue.pk)
    OutgoingEmail.objects.filter(to="ok@example.org").update(status=OutgoingEmail.Status.SENT)
    OutgoingEmail.objects.filter(to="refuse@example.org").update(
        status=OutgoingEmail.Status.FAILED, attempts=5, last_error="550 no such user"
    )

    response = client.get(url("change", issue))

    html = response.content.decode()
    assert "1 envoyés sur 2 · 0 en attente · 1 en échec" in html
    assert "refuse@example.org" in html and "550 no such user" in html
    assert 'http-equiv="refresh"' in html
    assert url("send", issue) not in html and url("fill", issue) not in html
    admin_form = response.context["adminform"]
    assert "subject" in admin_form.readonly_fields
    assert not response.context["has_delete_permission"]
    inline = response.context["inline_admin_formsets"][0]
    assert not inline.has_add_permission and not inline.has_change_permission


# --- Who may ------------------------------------------------------------------------------------


def test_non_staff_are_sent_to_the_login(client, draft):
    client.force_login(UserFactory())
    for name in ("preview", "send", "fill", "test"):
        response = (
            client.post(url(name, draft))
            if name in {"fill", "test"}
            else client.get(url(name, draft))
        )
        assert response.status_code == HTTPStatus.FOUND, name
        assert "/admin/login/" in response["Location"], name
    assert not Event.objects.exists() and not OutgoingEmail.objects.exists()


def test_view_only_staff_preview_but_do_not_act(client, viewer, draft):
    SubscriberFactory(status=CONFIRMED)

    assert client.get(url("preview", draft)).status_code == HTTPStatus.OK
    assert client.get(url("send", draft)).status_code == HTTPStatus.FORBIDDEN
    assert client.post(url("send", draft)).status_code == HTTPStatus.FORBIDDEN
    assert client.post(url("test", draft)).status_code == HTTPStatus.FORBIDDEN
    assert client.post(url("fill", draft)).status_code == HTTPStatus.FORBIDDEN
    draft.refresh_from_db()
    assert draft.status == Issue.Status.DRAFT and not OutgoingEmail.objects.exists()


def test_unknown_issue_is_not_found(client, staff):
    assert client.get("/admin/newsletter/issue/999999/preview/").status_code == HTTPStatus.NOT_FOUND


# --- Subscribers -------------------------------------------------------------------------------


def test_subscribers_cannot_be_added_and_consent_is_read_only(client, staff):
    subscriber = SubscriberFactory(status=CONFIRMED, consent_source="/lettre/inscription/")

    assert client.get(reverse("admin:newsletter_subscriber_add")).status_code == (
        HTTPStatus.FORBIDDEN
    )
    response = client.get(reverse("admin:newsletter_subscriber_change", args=[subscriber.pk]))
    readonly = response.context["adminform"].readonly_fields
    assert {"consent_at", "consent_source", "status", "email"} <= set(readonly)


def test_staff_unsubscribe_someone_who_asks(client, staff):
    subscriber = SubscriberFactory(status=CONFIRMED)

    client.post(
        reverse("admin:newsletter_subscriber_changelist"),
        {"action": "unsubscribe", "_selected_action": [subscriber.pk]},
    )

    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


# --- Writes through the services (issue 10) ----------------------------------------------------


def test_send_from_the_admin_queues_one_message_per_subscriber(
    client, staff, draft, django_capture_on_commit_callbacks
):
    readers = SubscriberFactory.create_batch(2, status=CONFIRMED)
    SubscriberFactory(status=Subscriber.Status.PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("send", draft))

    sent = OutgoingEmail.objects.filter(subject__contains="Printemps")
    assert sorted(e.to for e in sent) == sorted(r.email for r in readers)
    assert all("List-Unsubscribe" in e.headers for e in sent)
    assert Delivery.objects.filter(issue=draft).count() == 2


def test_interests_changed_in_the_admin_are_saved_by_the_service(client, staff):
    subscriber = SubscriberFactory(status=CONFIRMED)
    province = ProvinceFactory(name="Hainaut")
    page = reverse("admin:newsletter_subscriber_change", args=[subscriber.pk])

    response = client.post(page, {"provinces": [province.pk], "chantiers": []})

    assert response.status_code == HTTPStatus.FOUND
    subscriber.refresh_from_db()
    assert list(subscriber.provinces.all()) == [province]
    assert not subscriber.chantiers.exists()
