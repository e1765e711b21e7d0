"""The figures of events: registrations per event, and per province and chantier by month."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dashboard.selectors.base import (
    EVENTS_SHOWN,
    MONTHS_AFTER,
    MONTHS_BEFORE,
    Figure,
    Row,
    Scope,
    add_months,
    by_month,
    month_start_aware,
    months_window,
)
from events.models import Event, Registration


def _events(scope: Scope) -> QuerySet[Event]:
    return Event.objects.exclude(status=Event.Status.DRAFT).filter(scope.q("province"))


def figure_event_registrations(*, scope: Scope, now: datetime.datetime) -> Figure:
    """Per event (the latest, upcoming ones included): its registrations by status, and
    those marked present."""
    status = Registration.Status
    events = (
        _events(scope)
        .annotate(
            confirmed=Count("registrations", filter=Q(registrations__status=status.CONFIRMED)),
            waiting=Count("registrations", filter=Q(registrations__status=status.WAITING)),
            cancelled=Count("registrations", filter=Q(registrations__status=status.CANCELLED)),
            present=Count("registrations", filter=Q(registrations__attended=True)),
        )
        .order_by("-start", "pk")
        .only("title", "slug", "start", "status")[:EVENTS_SHOWN]
    )
    rows = []
    for event in events:
        note = date_format(timezone.localtime(event.start), "j F Y")
        if event.status == Event.Status.CANCELLED:
            note = _("%(date)s (annulé)") % {"date": note}
        rows.append(
            Row(
                label=event.title,
                values=(event.confirmed, event.waiting, event.cancelled, event.present),  # type: ignore[attr-defined]
                note=note,
                url=event.get_absolute_url(),
            )
        )
    return Figure(
        slug="inscriptions-par-evenement",
        title=_("Inscriptions par événement"),
        description=_(
            "Les %(count)s derniers événements publiés ou annulés, à venir compris : "
            "inscriptions confirmées, en liste d'attente, annulées, et présences notées."
        )
        % {"count": EVENTS_SHOWN},
        row_heading=_("Événement"),
        note_heading=_("Date"),
        series=(_("Confirmées"), _("En attente"), _("Annulées"), _("Présences")),
        rows=tuple(rows),
    )


def _confirmedby_month(scope: Scope, months: list[datetime.date], *fields: str) -> Any:
    return (
        Registration.objects.filter(
            status=Registration.Status.CONFIRMED,
            event__status=Event.Status.PUBLISHED,
            event__start__gte=month_start_aware(months[0]),
            event__start__lt=month_start_aware(add_months(months[-1], 1)),
        )
        .filter(scope.q("event__province"))
        .annotate(month=TruncMonth("event__start"))
        .values("month", *fields)
        .annotate(n=Count("pk"))
        .order_by()
    )


def _registrations_by_month(
    *,
    scope: Scope,
    now: datetime.datetime,
    order: str,
    name: str,
    unnamed: str,
    slug: str,
    title: str,
    description: str,
) -> Figure:
    """Confirmed registrations by the event's month, one series per value of ``name`` (the
    rows without one last, as ``unnamed``), ordered by ``order``."""
    months = months_window(now, before=MONTHS_BEFORE, after=MONTHS_AFTER)
    rows = _confirmedby_month(scope, months, order, name)
    series, table = by_month(
        rows,
        months,
        key=lambda line: (
            (1, 0) if line[name] is None else (0, line[order]),
            line[name] or unnamed,
        ),
    )
    return Figure(
        slug=slug,
        title=title,
        description=description,
        row_heading=_("Mois"),
        series=series,
        rows=table,
        chart="months",
    )


def figure_registrations_by_province(*, scope: Scope, now: datetime.datetime) -> Figure:
    return _registrations_by_month(
        scope=scope,
        now=now,
        order="event__province__order",
        name="event__province__name",
        unnamed=_("Toute la Wallonie"),
        slug="inscriptions-par-province",
        title=_("Inscriptions par province et par mois"),
        description=_(
            "Inscriptions confirmées aux événements publiés, selon le mois de l'événement et "
            "sa province."
        ),
    )


def figure_registrations_by_chantier(*, scope: Scope, now: datetime.datetime) -> Figure:
    return _registrations_by_month(
        scope=scope,
        now=now,
        order="event__chantier__order",
        name="event__chantier__title",
        unnamed=_("Sans chantier"),
        slug="inscriptions-par-chantier",
        title=_("Inscriptions par chantier et par mois"),
        description=_(
            "Inscriptions confirmées aux événements publiés, selon le mois de l'événement et "
            "son chantier."
        ),
    )
