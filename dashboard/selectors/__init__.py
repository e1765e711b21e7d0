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
from collections.abc import Callable

from django.utils import timezone

from dashboard.selectors.base import Figure, Row, Scope, dashboard_policy, scope_for
from dashboard.selectors.events import (
    figure_event_registrations,
    figure_registrations_by_chantier,
    figure_registrations_by_province,
)
from dashboard.selectors.expertise import figure_needs, figure_proposals
from dashboard.selectors.newsletter import figure_issues, figure_subscribers
from dashboard.selectors.outbox import figure_outbox
from dashboard.selectors.projects import figure_projects_by_chantier, figure_projects_by_province

__all__ = [
    "FIGURES",
    "Figure",
    "Row",
    "Scope",
    "dashboard_figure",
    "dashboard_figures",
    "dashboard_policy",
    "figure_slugs",
    "scope_for",
]

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
