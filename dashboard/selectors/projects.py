"""The figures of projects: per chantier and role, per province confirmed or not."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from chantiers.models import Participation
from dashboard.selectors.base import (
    Figure,
    Row,
    Scope,
)
from projets.models import Project


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
