"""An issue of the newsletter rendered once per send: its Markdown to sanitised HTML and to
text, then the email templates, with markers where each subscriber's own links go (a batch only
replaces the markers)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import strip_tags

from newsletter.models import Issue, Section, Subscriber
from portal.markdown import markdown_to_html, markdown_to_text

SITE_NAME = "Chantiers communs"
ONE_CLICK = "List-Unsubscribe=One-Click"


@dataclass(frozen=True)
class RenderedIssue:
    """An issue's email, rendered once: ``html`` and ``text`` hold markers where each
    recipient's unsubscribe and preferences addresses go (``for_recipient`` fills them)."""

    subject: str
    html: str
    text: str
    web_url: str
    unsubscribe_mark: str
    preferences_mark: str

    def for_recipient(self, *, unsubscribe_url: str, preferences_url: str) -> tuple[str, str]:
        """(html, text) for one recipient, given absolute addresses."""

        def fill(body: str) -> str:
            return body.replace(self.unsubscribe_mark, unsubscribe_url).replace(
                self.preferences_mark, preferences_url
            )

        return fill(self.html), fill(self.text)

    def for_subscriber(self, subscriber: Subscriber) -> tuple[str, str]:
        return self.for_recipient(
            unsubscribe_url=unsubscribe_url(subscriber),
            preferences_url=absolute(subscriber.get_preferences_url()),
        )

    def generic(self) -> tuple[str, str]:
        """(html, text) for someone who is no subscriber (preview, test send): both links lead
        to the subscription page."""
        subscribe = absolute(reverse("newsletter:subscribe"))
        return self.for_recipient(unsubscribe_url=subscribe, preferences_url=subscribe)


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def unsubscribe_url(subscriber: Subscriber) -> str:
    return absolute(subscriber.get_unsubscribe_url())


def issue_content(*, issue: Issue, sections: list[Section] | None = None) -> dict[str, Any]:
    """The issue's introduction and sections as sanitised HTML and plain text, for the email
    templates and the web version (``templates/emails/newsletter_issue_content.html``). Raw
    HTML typed in the Markdown is dropped from the text too: a text reader wants none."""
    if sections is None:
        sections = list(issue.sections.all())
    return {
        "intro_html": markdown_to_html(issue.introduction),
        "intro_text": strip_tags(markdown_to_text(issue.introduction)),
        "sections": [
            {
                "title": section.title,
                "html": markdown_to_html(section.body),
                "text": strip_tags(markdown_to_text(section.body)),
            }
            for section in sections
        ],
    }


def issue_render(*, issue: Issue) -> RenderedIssue:
    """Subject, HTML and text of the issue's email (two queries: its sections, nothing else)."""
    marks = secrets.token_hex(8)
    # Random markers: the Markdown of the issue cannot contain them and steer a replacement.
    unsubscribe_mark = f"newsletter-unsubscribe-{marks}"
    preferences_mark = f"newsletter-preferences-{marks}"
    web_url = absolute(issue.get_absolute_url())
    context = {
        "SITE_URL": settings.SITE_URL,
        "SITE_NAME": SITE_NAME,
        "issue": issue,
        "web_url": web_url,
        "unsubscribe_url": unsubscribe_mark,
        "preferences_url": preferences_mark,
        **issue_content(issue=issue),
    }
    return RenderedIssue(
        subject=" ".join(issue.subject.split()),
        html=render_to_string("emails/newsletter_issue_body.html", context),
        text=render_to_string("emails/newsletter_issue_body.txt", context),
        web_url=web_url,
        unsubscribe_mark=unsubscribe_mark,
        preferences_mark=preferences_mark,
    )


def unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 2369 and RFC 8058: mail clients show an unsubscribe button that POSTs to ``url``."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": ONE_CLICK}
