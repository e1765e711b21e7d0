"""The stable identity of each piece of the seed content, and how to recognise its row.

A key names a piece of the seed by what the source document gives it (a province's slug, a
chantier's slug and a resource's title, a step's rank…), never by what a row holds now, which
staff may change. ``natural lookups`` find the row of a piece loaded before seed records
existed (the loader adopts it, and the data migration ``hub.0002`` back-filled them once); a
``Ref`` in a lookup stands for the row of another piece (a resource's chantier).

Shared by the loader and the data migration, so both recognise rows the same way.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.text import slugify

from hub.seed import content
from hub.seed.content import ChantierSeed, PartnerSeed, ResourceSeed, StepSeed

# The publicly reported projects of the seed (name, province, promoters, source).
PROJECTS_CSV = Path(__file__).resolve().parent / "projets-publics.csv"


def project_names() -> list[str]:
    with PROJECTS_CSV.open(encoding="utf-8", newline="") as file:
        return [line["nom"].strip() for line in csv.DictReader(file)]


@dataclass(frozen=True)
class Ref:
    """The row of another piece of the seed, by its key."""

    key: str


@dataclass(frozen=True)
class Identity:
    model: str  # "app_label.ModelName"
    key: str
    lookups: tuple[dict[str, object], ...] = field(default=())


def province(p: content.ProvinceSeed) -> Identity:
    return Identity(
        "territoires.Province",
        f"province:{p.slug}",
        ({"slug": p.slug}, {"name": p.name}, {"code": p.code}),
    )


def project_type(t: content.ProjectTypeSeed) -> Identity:
    return Identity(
        "projets.ProjectType", f"project-type:{t.slug}", ({"slug": t.slug}, {"name": t.name})
    )


def organisation(o: content.OrganisationSeed) -> Identity:
    return Identity(
        "projets.Organisation", f"organisation:{o.slug}", ({"slug": o.slug}, {"name": o.name})
    )


def chantier(c: ChantierSeed) -> Identity:
    return Identity(
        "chantiers.Chantier", f"chantier:{c.slug}", ({"slug": c.slug}, {"title": c.title})
    )


def resource(c: ChantierSeed, r: ResourceSeed) -> Identity:
    parent = Ref(chantier(c).key)
    return Identity(
        "chantiers.Resource",
        f"resource:{c.slug}:{slugify(r.title)}",
        ({"chantier": parent, "title": r.title},),
    )


def partnership(c: ChantierSeed, p: PartnerSeed) -> Identity:
    return Identity(
        "chantiers.Partnership",
        f"partnership:{c.slug}:{p.organisation}",
        (
            {
                "chantier": Ref(chantier(c).key),
                "organisation": Ref(f"organisation:{p.organisation}"),
            },
        ),
    )


def step(c: ChantierSeed, s: StepSeed) -> Identity:
    parent = Ref(chantier(c).key)
    return Identity(
        "chantiers.Step",
        f"step:{c.slug}:{s.order}",
        ({"chantier": parent, "order": s.order}, {"chantier": parent, "title": s.title}),
    )


def event(e: content.EventSeed) -> Identity:
    return Identity("events.Event", f"event:{e.slug}", ({"slug": e.slug},))


def project(name: str) -> Identity:
    return Identity(
        "projets.Project", f"project:{slugify(name)}", ({"slug": slugify(name)}, {"name": name})
    )


def every_identity() -> Iterator[Identity]:
    """Every piece of the seed known to ``hub.0002``, parents before the pieces that refer to
    them. Later pieces (the partnerships, ``partnership``) have their own data migration: this
    list is what the backfill of 0002 walks, on the models of its time."""
    yield from (province(p) for p in content.PROVINCES)
    yield from (project_type(t) for t in content.PROJECT_TYPES)
    yield from (organisation(o) for o in content.ORGANISATIONS)
    for c in content.CHANTIERS:
        yield chantier(c)
        yield from (resource(c, r) for r in c.resources)
    yield from (event(e) for e in content.EVENTS)
    for c in content.CHANTIERS:
        yield from (step(c, s) for s in c.steps)
    yield from (project(name) for name in project_names())
