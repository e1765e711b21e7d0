"""The public archive: sent issues listed, each at its own address, sanitised; drafts hidden."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from newsletter.models import Issue
from tests.newsletter.factories import IssueFactory, SectionFactory
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db

EVIL = (
    "Texte <script>alert('x')</script> suite.\n\n"
    '<img src="x" onerror="alert(1)">\n\n'
    "[piège](javascript:alert(2))"
)


def test_list_shows_sent_issues_only_with_a_subscribe_link(client):
    sent = IssueFactory(sent=True, subject="Numéro de printemps")
    IssueFactory(subject="Brouillon secret")
    IssueFactory(subject="En cours d'envoi", status=Issue.Status.SENDING, number=99)

    response = client.get(reverse("newsletter:issue_list"))

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Numéro de printemps" in html and sent.get_absolute_url() in html
    assert "Brouillon secret" not in html and "En cours d'envoi" not in html
    assert reverse("newsletter:subscribe") in html
    assert f"N° {sent.number}" in html


def test_list_is_paginated(client, settings):
    settings.PAGINATE_BY = 2
    IssueFactory.create_batch(3, sent=True)

    first = client.get(reverse("newsletter:issue_list"))
    second = client.get(reverse("newsletter:issue_list"), {"page": 2})

    assert len(first.context["page"]) == 2 and len(second.context["page"]) == 1


def test_detail_of_a_sent_issue_is_public_and_sanitised(client):
    issue = IssueFactory(sent=True, subject="Printemps", introduction=EVIL)
    SectionFactory(issue=issue, title="Agenda", body=EVIL)

    response = client.get(issue.get_absolute_url())

    html = response.content.decode().lower()
    assert response.status_code == HTTPStatus.OK
    assert "<h1>printemps</h1>" in html and "<h2>agenda</h2>" in html
    assert "<script>alert" not in html
    assert "onerror" not in html and "javascript:" not in html
    assert reverse("newsletter:subscribe") in html


def test_an_issue_being_sent_is_readable_at_its_address(client):
    """Its email, with the link to this page, is already in people's inboxes."""
    issue = IssueFactory(status=Issue.Status.SENDING, number=3)

    assert client.get(issue.get_absolute_url()).status_code == HTTPStatus.OK


def test_a_draft_is_not_found(client, admin_client):
    issue = IssueFactory()

    assert client.get(issue.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    # Staff preview drafts in the admin, not here.
    assert admin_client.get(issue.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    assert client.get("/lettre/inconnu/").status_code == HTTPStatus.NOT_FOUND


def test_list_queries_are_constant(client):
    assert_constant_queries(
        client,
        reverse("newsletter:issue_list"),
        lambda n: IssueFactory.create_batch(n, sent=True),
    )


def test_detail_queries_are_constant(client):
    issue = IssueFactory(sent=True)
    assert_constant_queries(
        client,
        issue.get_absolute_url(),
        lambda n: SectionFactory.create_batch(n, issue=issue),
    )
