"""The figures of expertise: open needs and their matches, proposals by support."""

from __future__ import annotations

import datetime

from django.db.models import Count
from django.utils.translation import gettext as _

from dashboard.selectors.base import (
    PROPOSALS_SHOWN,
    Figure,
    Row,
    Scope,
)
from expertises.matching import match_counts
from expertises.models import Need, WorkshopProposal


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
