"""A draft issue filled with the coming events ("Agenda") and the news since the last issue
("Actualités"), in Markdown that staff edit afterwards."""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chantiers.models import News
from events.models import Event
from newsletter.models import Issue, Section
from newsletter.services.rendering import absolute
from portal.dates import when as event_when

# The draft's agenda: public events starting within this many days.
AGENDA_DAYS = 60
# The draft's news when no issue was sent before: those of the last this many days.
NEWS_DAYS_WITHOUT_PREVIOUS = 30
FILL_LIMIT = 30  # items per generated section, at most

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _md(text: str) -> str:
    """Plain text made literal in Markdown (a title with brackets or stars stays a title)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _in_segment(issue: Issue) -> Q:
    """Events or news of the issue's provinces or chantiers, and those of all Wallonia."""
    provinces = list(issue.provinces.values_list("pk", flat=True))
    chantiers = list(issue.chantiers.values_list("pk", flat=True))
    if not provinces and not chantiers:
        return Q()
    return Q(province__isnull=True) | Q(province__in=provinces) | Q(chantier__in=chantiers)


def _place(event: Event) -> str:
    place = ", ".join(part for part in (event.venue, event.address) if part)
    if event.online_url:
        place = f"{place} ({_('et en ligne')})" if place else _("En ligne")
    return place


def _agenda(issue: Issue, now: datetime.datetime) -> str:
    events = (
        Event.objects.public()
        .upcoming(now)
        .filter(_in_segment(issue), start__lt=now + datetime.timedelta(days=AGENDA_DAYS))
        .order_by("start", "pk")[:FILL_LIMIT]
    )
    lines = []
    for event in events:
        title = f"[{_md(event.title)}]({absolute(event.get_absolute_url())})"
        if event.is_cancelled:
            title = _("%(title)s (annulé)") % {"title": title}
        parts = [f"**{_md(event_when(event))}**", title]
        if place := _place(event):
            parts.append(_md(place))
        lines.append("- " + " — ".join(parts))
    return "\n".join(lines)


def _news(issue: Issue, now: datetime.datetime) -> str:
    previous = (
        Issue.objects.sent()
        .exclude(pk=issue.pk)
        .filter(sent_at__isnull=False)
        .aggregate(last=Max("sent_at"))["last"]
    )
    since = previous or now - datetime.timedelta(days=NEWS_DAYS_WITHOUT_PREVIOUS)
    news = (
        News.objects.published(now)
        .filter(_in_segment(issue), published_at__gt=since)
        .order_by("-published_at", "pk")[:FILL_LIMIT]
    )
    lines = []
    for item in news:
        line = f"- [{_md(item.title)}]({absolute(item.get_absolute_url())})"
        if item.summary:
            line += f" — {_md(item.summary)}"
        lines.append(line)
    return "\n".join(lines)


@transaction.atomic
def issue_fill_draft(*, issue: Issue) -> None:
    """Add to a draft the sections "Agenda" (public events of the next days) and "Actualités"
    (news published since the last issue sent), or replace those a previous fill wrote (found
    by their title). In Markdown: staff edit them afterwards. A segment keeps the events and
    news of its provinces and chantiers, and those of all Wallonia; an empty list adds none."""
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    if not issue.is_draft:
        raise ValidationError(
            _("Seul un brouillon peut être complété : l'envoi de ce numéro a commencé."),
            code="not_draft",
        )
    now = timezone.now()
    generated = [(_("Agenda"), _agenda(issue, now)), (_("Actualités"), _news(issue, now))]
    last_order = issue.sections.aggregate(last=Max("order"))["last"] or 0
    for title, body in generated:
        existing = issue.sections.filter(title=title).order_by("order", "pk").first()
        if existing is not None:
            if body:
                existing.body = body
                existing.save(update_fields=["body"])
            else:
                existing.delete()
        elif body:
            last_order += 1
            Section.objects.create(issue=issue, title=title, body=body, order=last_order)
