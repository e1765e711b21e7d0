"""The dashboard's figures: counts gathered from every app, in the database, in a bounded
number of queries whatever the number of rows.

Each figure is a plain ``Figure``: its rows (an event, a month, a chantier…) and its series
(confirmed, waiting… or one province per column), which make the table behind its chart and
its CSV. A ``Scope`` says whose figures they are: staff see everything; a territorial officer
sees the provinces they follow, by the one rule of ``territoires.permissions.ProvincePolicy``
(a Wallonia-wide row is staff's alone).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from chantiers.models import Participation
from events.models import Event, Registration
from expertises.matching import match_counts
from expertises.models import Need, WorkshopProposal
from newsletter.models import Issue, Subscriber
from portal.models import OutgoingEmail, uncertain_q
from portal.types import Visitor
from projets.models import Project
from territoires.permissions import ProvincePolicy, followed_province_ids

# Staff of the Cellule (the permission every member of its group holds) see every figure;
# an officer, the figures of the provinces they follow.
dashboard_policy = ProvincePolicy(model=Project, staff_permission="projets.view_project")

# How many events, issues and proposals a figure lists (the latest, or the most supported).
EVENTS_SHOWN = 10
ISSUES_SHOWN = 10
PROPOSALS_SHOWN = 10
# The months a figure over time covers: these many before the current one, and after it
# (meetings are planned ahead; subscriptions have no future).
MONTHS_BEFORE = 11
MONTHS_AFTER = 3


# --- What a figure is ----------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One line of a figure's table: its label, its values (one per series), a note (a date,
    a status) and where it leads."""

    label: str
    values: tuple[int, ...]
    note: str = ""
    url: str = ""
    month: datetime.date | None = None


@dataclass(frozen=True)
class Figure:
    """A figure: drawn as ``chart`` ("bars": grouped bars per row; "months": one small chart
    per series, a bar per month), its table, its CSV."""

    slug: str
    title: str
    description: str
    row_heading: str
    series: tuple[str, ...]
    rows: tuple[Row, ...]
    chart: str = "bars"
    note_heading: str = ""
    links: tuple[tuple[str, str], ...] = field(default=())

    @property
    def is_empty(self) -> bool:
        return not any(any(row.values) for row in self.rows)

    @property
    def has_table(self) -> bool:
        """A table of zeros says nothing, unless its lines lead somewhere (the outbox)."""
        return bool(self.rows) and (not self.is_empty or any(row.url for row in self.rows))

    def header(self) -> list[str]:
        columns = [self.row_heading]
        if self.note_heading:
            columns.append(self.note_heading)
        return [*columns, *self.series]

    def table(self) -> list[list[Any]]:
        """The rows as cells, in the order of ``header``."""
        lines: list[list[Any]] = []
        for row in self.rows:
            cells: list[Any] = [row.label]
            if self.note_heading:
                cells.append(row.note)
            lines.append([*cells, *row.values])
        return lines


@dataclass(frozen=True)
class Scope:
    """Whose figures: ``province_ids`` None for everything (staff), else those provinces."""

    province_ids: frozenset[int] | None
    outbox: bool = False

    @property
    def is_everything(self) -> bool:
        return self.province_ids is None

    def q(self, province_field: str) -> Q:
        """The condition that keeps the rows of the scope's provinces (none Wallonia-wide)."""
        if self.province_ids is None:
            return Q()
        return Q(**{f"{province_field}__in": sorted(self.province_ids)})


def scope_for(user: Visitor) -> Scope | None:
    """Staff see everything (and the outbox if they may read it); an officer their provinces;
    anyone else nothing (None)."""
    if dashboard_policy.is_staff(user):
        return Scope(None, outbox=user.has_perm("portal.view_outgoingemail"))
    provinces = followed_province_ids(user)
    if provinces:
        return Scope(frozenset(provinces))
    return None


# --- Months ------------------------------------------------------------------------------


def _month_start(moment: datetime.datetime) -> datetime.date:
    local = timezone.localtime(moment)
    return datetime.date(local.year, local.month, 1)


def _add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def _aware(month: datetime.date) -> datetime.datetime:
    """Midnight on the first of the month, in Brussels."""
    zone = ZoneInfo(settings.TIME_ZONE)
    return datetime.datetime(month.year, month.month, 1, tzinfo=zone)


def months_window(now: datetime.datetime, *, before: int, after: int) -> list[datetime.date]:
    current = _month_start(now)
    return [_add_months(current, offset) for offset in range(-before, after + 1)]


def _month_key(value: datetime.datetime | datetime.date) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return datetime.date(value.year, value.month, 1)


def month_label(month: datetime.date) -> str:
    return date_format(month, "F Y")


def _by_month(
    rows: Iterable[dict[str, Any]],
    months: list[datetime.date],
    *,
    key: Callable[[dict[str, Any]], tuple[Any, str]],
) -> tuple[tuple[str, ...], tuple[Row, ...]]:
    """Rows ``{month, …, n}`` as one table line per month and one column per series, the
    series in the order of ``key`` (a sort key, then the label)."""
    counts: dict[tuple[datetime.date, str], int] = {}
    series: dict[str, Any] = {}
    for line in rows:
        order, label = key(line)
        series[label] = order
        slot = (_month_key(line["month"]), label)
        counts[slot] = counts.get(slot, 0) + line["n"]
    labels = tuple(sorted(series, key=lambda label: (series[label], label)))
    table = tuple(
        Row(
            label=month_label(month),
            values=tuple(counts.get((month, label), 0) for label in labels),
            month=month,
        )
        for month in months
    )
    return labels, table


# --- Events ------------------------------------------------------------------------------


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


def _confirmed_by_month(scope: Scope, months: list[datetime.date], *fields: str) -> Any:
    return (
        Registration.objects.filter(
            status=Registration.Status.CONFIRMED,
            event__status=Event.Status.PUBLISHED,
            event__start__gte=_aware(months[0]),
            event__start__lt=_aware(_add_months(months[-1], 1)),
        )
        .filter(scope.q("event__province"))
        .annotate(month=TruncMonth("event__start"))
        .values("month", *fields)
        .annotate(n=Count("pk"))
        .order_by()
    )


def figure_registrations_by_province(*, scope: Scope, now: datetime.datetime) -> Figure:
    months = months_window(now, before=MONTHS_BEFORE, after=MONTHS_AFTER)
    rows = _confirmed_by_month(scope, months, "event__province__order", "event__province__name")
    wallonia = _("Toute la Wallonie")
    series, table = _by_month(
        rows,
        months,
        key=lambda line: (
            (1, 0)
            if line["event__province__name"] is None
            else (0, line["event__province__order"]),
            line["event__province__name"] or wallonia,
        ),
    )
    return Figure(
        slug="inscriptions-par-province",
        title=_("Inscriptions par province et par mois"),
        description=_(
            "Inscriptions confirmées aux événements publiés, selon le mois de l'événement et "
            "sa province."
        ),
        row_heading=_("Mois"),
        series=series,
        rows=table,
        chart="months",
    )


def figure_registrations_by_chantier(*, scope: Scope, now: datetime.datetime) -> Figure:
    months = months_window(now, before=MONTHS_BEFORE, after=MONTHS_AFTER)
    rows = _confirmed_by_month(scope, months, "event__chantier__order", "event__chantier__title")
    no_chantier = _("Sans chantier")
    series, table = _by_month(
        rows,
        months,
        key=lambda line: (
            (1, 0)
            if line["event__chantier__title"] is None
            else (0, line["event__chantier__order"]),
            line["event__chantier__title"] or no_chantier,
        ),
    )
    return Figure(
        slug="inscriptions-par-chantier",
        title=_("Inscriptions par chantier et par mois"),
        description=_(
            "Inscriptions confirmées aux événements publiés, selon le mois de l'événement et "
            "son chantier."
        ),
        row_heading=_("Mois"),
        series=series,
        rows=table,
        chart="months",
    )


# --- Projects ----------------------------------------------------------------------------


def _projects(scope: Scope) -> QuerySet[Project]:
    return Project.objects.public().filter(scope.q("province"))


def figure_projects_by_chantier(*, scope: Scope, now: datetime.datetime) -> Figure:
    """Per chantier, its projects by role (withdrawn projects left out)."""
    roles = (
        Participation.Role.LEAD,
        Participation.Role.CONTRIBUTOR,
        Participation.Role.INTERESTED,
    )
    lines = (
        Participation.objects.filter(project__in=_projects(scope).values("pk"))
        .values("chantier__order", "chantier__title", "role")
        .annotate(n=Count("pk"))
        .order_by("chantier__order", "chantier__title")
    )
    counts: dict[str, dict[str, int]] = {}
    for line in lines:
        counts.setdefault(line["chantier__title"], {})[line["role"]] = line["n"]
    rows = tuple(
        Row(label=title, values=tuple(by_role.get(role, 0) for role in roles))
        for title, by_role in counts.items()
    )
    return Figure(
        slug="projets-par-chantier",
        title=_("Projets par chantier et par rôle"),
        description=_(
            "Les projets qui prennent part à chaque chantier (projets retirés exclus), "
            "selon leur rôle."
        ),
        row_heading=_("Chantier"),
        series=tuple(str(role.label) for role in roles),
        rows=rows,
    )


def figure_projects_by_province(*, scope: Scope, now: datetime.datetime) -> Figure:
    lines = (
        _projects(scope)
        .values("province__order", "province__name")
        .annotate(
            confirmed=Count("pk", filter=Q(is_confirmed=True)),
            unconfirmed=Count("pk", filter=Q(is_confirmed=False)),
        )
        .order_by()
    )
    wallonia = _("Toute la Wallonie")
    ordered = sorted(
        lines,
        key=lambda line: (
            line["province__name"] is None,
            line["province__order"] or 0,
            line["province__name"] or "",
        ),
    )
    rows = tuple(
        Row(
            label=line["province__name"] or wallonia,
            values=(line["confirmed"], line["unconfirmed"]),
        )
        for line in ordered
    )
    return Figure(
        slug="projets-par-province",
        title=_("Projets par province : fiches confirmées et à confirmer"),
        description=_(
            "Les projets (retirés exclus) de chaque province, selon que la Cellule a confirmé "
            "leur fiche ou non."
        ),
        row_heading=_("Province"),
        series=(_("Confirmées"), _("À confirmer")),
        rows=rows,
    )


# --- Newsletter --------------------------------------------------------------------------


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
        end = min(_aware(_add_months(month, 1)), now)
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


# --- Expertise ---------------------------------------------------------------------------


def figure_needs(*, scope: Scope, now: datetime.datetime) -> Figure:
    """Per category: open needs, those a published facilitator fits, those a peer offer
    fits, and those nothing fits (the matching rules of ``expertises.matching``)."""
    needs = list(
        Need.objects.open()
        .filter(scope.q("province"))
        .select_related("category")
        .only("pk", "project_id", "province_id", "category__name", "category__order")
    )
    matches = match_counts(needs)
    by_category: dict[tuple[int, str], list[int]] = {}
    for need in needs:
        facilitators, offers = matches[need.pk]
        counts = by_category.setdefault((need.category.order, need.category.name), [0, 0, 0, 0])
        counts[0] += 1
        counts[1] += facilitators > 0
        counts[2] += offers > 0
        counts[3] += facilitators == 0 and offers == 0
    rows = tuple(
        Row(label=name, values=tuple(counts))
        for (_order, name), counts in sorted(by_category.items())
    )
    return Figure(
        slug="besoins-ouverts",
        title=_("Besoins ouverts et leurs correspondances"),
        description=_(
            "Par catégorie : les besoins ouverts, ceux auxquels répond au moins un "
            "facilitateur du catalogue, au moins une offre d'un autre projet, ou rien encore."
        ),
        row_heading=_("Catégorie"),
        series=(
            _("Besoins ouverts"),
            _("Avec un facilitateur"),
            _("Avec une offre"),
            _("Sans correspondance"),
        ),
        rows=rows,
    )


def figure_proposals(*, scope: Scope, now: datetime.datetime) -> Figure:
    """The open workshop proposals most supported (proposals are public, for all provinces)."""
    proposals = (
        WorkshopProposal.objects.filter(status=WorkshopProposal.Status.OPEN)
        .annotate(n=Count("supports"))
        .select_related("chantier")
        .only("title", "created_at", "chantier__title")
        .order_by("-n", "-created_at", "pk")[:PROPOSALS_SHOWN]
    )
    rows = tuple(
        Row(
            label=proposal.title,
            values=(proposal.n,),  # type: ignore[attr-defined]
            note=proposal.chantier.title if proposal.chantier else "",
            url=proposal.get_absolute_url(),
        )
        for proposal in proposals
    )
    return Figure(
        slug="propositions-ateliers",
        title=_("Propositions d'ateliers par soutiens"),
        description=_("Les %(count)s propositions ouvertes les plus soutenues.")
        % {"count": PROPOSALS_SHOWN},
        row_heading=_("Proposition"),
        note_heading=_("Chantier"),
        series=(_("Soutiens"),),
        rows=rows,
    )


# --- Outbox ------------------------------------------------------------------------------


def figure_outbox(*, scope: Scope, now: datetime.datetime) -> Figure:
    """The messages that need an eye: queued, being sent, uncertain (interrupted mid-send)
    and failed, each with the outbox's list filtered on it."""
    status = OutgoingEmail.Status
    uncertain = uncertain_q(now=now)
    counts = OutgoingEmail.objects.aggregate(
        queued=Count("pk", filter=Q(status=status.QUEUED)),
        sending=Count("pk", filter=Q(status=status.SENDING) & ~uncertain),
        uncertain=Count("pk", filter=uncertain),
        failed=Count("pk", filter=Q(status=status.FAILED)),
    )
    changelist = reverse("admin:portal_outgoingemail_changelist")
    states = (
        ("queued", status.QUEUED, _("En attente")),
        ("sending", "in_progress", _("Envoi en cours")),
        ("uncertain", "uncertain", _("Incertains")),
        ("failed", status.FAILED, _("En échec")),
    )
    rows = tuple(
        Row(label=label, values=(counts[key],), url=f"{changelist}?etat={value}")
        for key, value, label in states
    )
    return Figure(
        slug="boite-envoi",
        title=_("Boîte d'envoi des e-mails"),
        description=_(
            "Les messages en attente, en cours d'envoi, incertains (interrompus pendant "
            "l'envoi : peut-être reçus) et en échec ; chaque ligne mène à leur liste."
        ),
        row_heading=_("État"),
        series=(_("Messages"),),
        rows=rows,
    )


# --- All of them -------------------------------------------------------------------------

FigureBuilder = Callable[..., Figure]

# In the order of the page; the slugs are the CSV's names.
FIGURES: dict[str, FigureBuilder] = {
    "inscriptions-par-evenement": figure_event_registrations,
    "inscriptions-par-province": figure_registrations_by_province,
    "inscriptions-par-chantier": figure_registrations_by_chantier,
    "projets-par-chantier": figure_projects_by_chantier,
    "projets-par-province": figure_projects_by_province,
    "abonnes-lettre": figure_subscribers,
    "envois-lettre": figure_issues,
    "besoins-ouverts": figure_needs,
    "propositions-ateliers": figure_proposals,
    "boite-envoi": figure_outbox,
}
STAFF_ONLY = frozenset({"boite-envoi"})


def figure_slugs(scope: Scope) -> list[str]:
    return [slug for slug in FIGURES if slug not in STAFF_ONLY or scope.outbox]


def dashboard_figures(*, scope: Scope, now: datetime.datetime | None = None) -> list[Figure]:
    """Every figure this scope sees, in the order of the page."""
    now = now or timezone.now()
    return [FIGURES[slug](scope=scope, now=now) for slug in figure_slugs(scope)]


def dashboard_figure(
    *, scope: Scope, slug: str, now: datetime.datetime | None = None
) -> Figure | None:
    """One figure by its slug (None when unknown or not for this scope)."""
    if slug not in figure_slugs(scope):
        return None
    return FIGURES[slug](scope=scope, now=now or timezone.now())
