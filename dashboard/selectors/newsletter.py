"""The figures of the newsletter: subscribers at each month's end, each issue's messages."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dashboard.selectors.base import (
    ISSUES_SHOWN,
    MONTHS_BEFORE,
    Figure,
    Row,
    Scope,
    add_months,
    month_label,
    month_start_aware,
    months_window,
)
from newsletter.models import Issue, Subscriber
from portal.models import OutgoingEmail


def _subscribers(scope: Scope) -> QuerySet[Subscriber]:
    if scope.is_everything:
        return Subscriber.objects.all()
    # A subquery, not a join: a subscriber of two provinces is counted once.
    return Subscriber.objects.filter(
        pk__in=Subscriber.objects.filter(scope.q("provinces")).values("pk")
    )


def _subscriber_states(end: datetime.datetime) -> tuple[Q, Q, Q]:
    """Who was confirmed, pending and unsubscribed just before ``end``, read back from the
    current status and its dates (a person who subscribed again counts from their latest
    request: the service clears the earlier dates)."""
    status = Subscriber.Status
    not_yet_unsubscribed = Q(unsubscribed_at__isnull=True) | Q(unsubscribed_at__gte=end)
    not_yet_consented = Q(consent_at__isnull=True) | Q(consent_at__gte=end)
    unsubscribed = Q(status=status.UNSUBSCRIBED, unsubscribed_at__lt=end)
    confirmed = Q(consent_at__lt=end) & (
        Q(status=status.CONFIRMED) | (Q(status=status.UNSUBSCRIBED) & not_yet_unsubscribed)
    )
    pending = Q(created_at__lt=end) & (
        Q(status=status.PENDING)
        | (Q(status=status.CONFIRMED) & not_yet_consented)
        | (Q(status=status.UNSUBSCRIBED) & not_yet_unsubscribed & not_yet_consented)
    )
    return confirmed, pending, unsubscribed


def figure_subscribers(*, scope: Scope, now: datetime.datetime) -> Figure:
    """At the end of each month (today for the current one): confirmed, pending and
    unsubscribed subscribers, in one query."""
    months = months_window(now, before=MONTHS_BEFORE, after=0)
    aggregates: dict[str, Count] = {}
    for index, month in enumerate(months):
        end = min(month_start_aware(add_months(month, 1)), now)
        confirmed, pending, unsubscribed = _subscriber_states(end)
        aggregates[f"c{index}"] = Count("pk", filter=confirmed)
        aggregates[f"p{index}"] = Count("pk", filter=pending)
        aggregates[f"u{index}"] = Count("pk", filter=unsubscribed)
    counts = _subscribers(scope).aggregate(**aggregates)
    rows = tuple(
        Row(
            label=month_label(month),
            values=(counts[f"c{index}"], counts[f"p{index}"], counts[f"u{index}"]),
            month=month,
        )
        for index, month in enumerate(months)
    )
    description = _(
        "À la fin de chaque mois (aujourd'hui pour le mois en cours) : abonné·es confirmé·es, "
        "en attente de confirmation et désinscrit·es."
    )
    if not scope.is_everything:
        description += " " + _("Les abonné·es qui suivent l'une de vos provinces.")
    return Figure(
        slug="abonnes-lettre",
        title=_("Abonné·es à la lettre d'information"),
        description=description,
        row_heading=_("Mois"),
        series=(_("Confirmé·es"), _("En attente"), _("Désinscrit·es")),
        rows=rows,
        chart="months",
        stock=True,
    )


def figure_issues(*, scope: Scope, now: datetime.datetime) -> Figure:
    """Per issue sent (or being sent): its messages sent, failed and still to go."""
    deliveries = Q()
    if not scope.is_everything:
        deliveries = Q(deliveries__subscriber__in=_subscribers(scope).values("pk"))
    mail = OutgoingEmail.Status
    issues = (
        Issue.objects.exclude(status=Issue.Status.DRAFT)
        .annotate(
            sent=Count("deliveries", filter=deliveries & Q(deliveries__email__status=mail.SENT)),
            failed=Count(
                "deliveries", filter=deliveries & Q(deliveries__email__status=mail.FAILED)
            ),
            waiting=Count(
                "deliveries",
                filter=deliveries & Q(deliveries__email__status__in=[mail.QUEUED, mail.SENDING]),
            ),
        )
        .order_by("-sending_started_at", "-pk")
        .only("number", "subject", "slug", "status", "sending_started_at")[:ISSUES_SHOWN]
    )
    rows = []
    for issue in issues:
        label = (
            _("N° %(number)s – %(subject)s") % {"number": issue.number, "subject": issue.subject}
            if issue.number
            else issue.subject
        )
        started = issue.sending_started_at
        rows.append(
            Row(
                label=label,
                values=(issue.sent, issue.failed, issue.waiting),  # type: ignore[attr-defined]
                note=date_format(timezone.localtime(started), "j F Y") if started else "",
            )
        )
    return Figure(
        slug="envois-lettre",
        title=_("Envois de la lettre d'information"),
        description=_(
            "Les %(count)s derniers numéros envoyés : messages partis, en échec et encore en file."
        )
        % {"count": ISSUES_SHOWN},
        row_heading=_("Numéro"),
        note_heading=_("Envoi commencé le"),
        series=(_("Envoyés"), _("En échec"), _("En file")),
        rows=tuple(rows),
    )
