"""Create-only loader of the seed content: whatever is missing is created, nothing is updated."""

from __future__ import annotations

import csv
from dataclasses import dataclass, fields
from decimal import Decimal
from pathlib import Path
from typing import Protocol, TypeVar

from django.db import models, transaction
from django.utils.text import slugify
from django.utils.translation import ngettext_lazy

from chantiers.models import Chantier, Resource, Step
from events.models import Event
from hub.seed import content
from projets.models import Organisation, Project, ProjectType
from territoires.models import Province

SEED_DIR = Path(__file__).resolve().parent
PROJECTS_CSV = SEED_DIR / "projets-publics.csv"
LOCATIONS_CSV = SEED_DIR / "projets-localisation.csv"

M = TypeVar("M", bound=models.Model)


@dataclass
class SeedReport:
    """How many rows of each kind one run created (0 everywhere on a re-run)."""

    provinces: int = 0
    project_types: int = 0
    organisations: int = 0
    chantiers: int = 0
    resources: int = 0
    steps: int = 0
    events: int = 0
    projects: int = 0

    @property
    def total(self) -> int:
        return sum(getattr(self, f.name) for f in fields(self))

    def lines(self) -> list[str]:
        """One French line per kind, such as « Chantiers : 12 créés »."""
        lines = []
        for name, message in _MESSAGES:
            count = getattr(self, name)
            # French takes the singular for 0 as for 1; the untranslated fallback would not.
            lines.append(str(message % {"count": count, "form": max(count, 1)}))
        return lines


# French agrees the participle with the noun, hence one message per kind.
_MESSAGES = (
    (
        "provinces",
        ngettext_lazy("Provinces : %(count)d créée", "Provinces : %(count)d créées", "form"),
    ),
    (
        "project_types",
        ngettext_lazy(
            "Types de projet : %(count)d créé", "Types de projet : %(count)d créés", "form"
        ),
    ),
    (
        "organisations",
        ngettext_lazy(
            "Organisations : %(count)d créée", "Organisations : %(count)d créées", "form"
        ),
    ),
    (
        "chantiers",
        ngettext_lazy("Chantiers : %(count)d créé", "Chantiers : %(count)d créés", "form"),
    ),
    (
        "resources",
        ngettext_lazy("Ressources : %(count)d créée", "Ressources : %(count)d créées", "form"),
    ),
    ("steps", ngettext_lazy("Étapes : %(count)d créée", "Étapes : %(count)d créées", "form")),
    (
        "events",
        ngettext_lazy("Événements : %(count)d créé", "Événements : %(count)d créés", "form"),
    ),
    ("projects", ngettext_lazy("Projets : %(count)d créé", "Projets : %(count)d créés", "form")),
)


class _Writer(Protocol):
    def write(self, text: str, /) -> object: ...


@transaction.atomic
def seed_load(*, stdout: _Writer | None = None) -> SeedReport:
    """Create the seed rows that are missing, looked up by natural key; never update a row.

    Provinces, project types and organisations are looked up by slug (or by their other unique
    field, so that a slug changed by staff does not make the load fail), chantiers by slug (or
    title), resources by (chantier, title), steps by (chantier, order), events and projects by
    slug. An existing row is left exactly as it is, so a second run changes nothing and never
    overwrites what staff edited. The accepted trade-off: a seed row that staff deleted is
    created again by the next run.

    With ``stdout``, each created row is reported on its own line.
    """
    report = SeedReport()

    def note(kind: str, obj: models.Model) -> None:
        setattr(report, kind, getattr(report, kind) + 1)
        if stdout is not None:
            stdout.write(f"+ {obj._meta.verbose_name} : {obj}\n")

    provinces: dict[str, Province] = {}
    for p in content.PROVINCES:
        province, created = _get_or_create_only(
            lookups=[{"slug": p.slug}, {"name": p.name}, {"code": p.code}],
            new=Province(
                name=p.name,
                slug=p.slug,
                code=p.code,
                centre_latitude=p.centre_latitude,
                centre_longitude=p.centre_longitude,
                zoom=p.zoom,
                order=p.order,
            ),
        )
        provinces[p.slug] = province
        if created:
            note("provinces", province)

    for t in content.PROJECT_TYPES:
        project_type, created = _get_or_create_only(
            lookups=[{"slug": t.slug}, {"name": t.name}],
            new=ProjectType(name=t.name, slug=t.slug, order=t.order),
        )
        if created:
            note("project_types", project_type)

    organisations: dict[str, Organisation] = {}
    for o in content.ORGANISATIONS:
        organisation, created = _get_or_create_only(
            lookups=[{"slug": o.slug}, {"name": o.name}],
            new=Organisation(name=o.name, acronym=o.acronym, slug=o.slug, kind=o.kind),
        )
        organisations[o.slug] = organisation
        if created:
            note("organisations", organisation)

    chantiers: dict[str, Chantier] = {}
    for c in content.CHANTIERS:
        chantier, created = _get_or_create_only(
            lookups=[{"slug": c.slug}, {"title": c.title}],
            new=Chantier(
                title=c.title,
                slug=c.slug,
                summary=c.summary,
                objective=c.objective,
                description=c.description,
                status=c.status,
                order=c.order,
            ),
        )
        chantiers[c.slug] = chantier
        if created:
            note("chantiers", chantier)
        for r in c.resources:
            resource, created = _get_or_create_only(
                lookups=[{"chantier": chantier, "title": r.title}],
                new=Resource(
                    chantier=chantier,
                    title=r.title,
                    description=r.description,
                    provider=organisations[r.provider] if r.provider else None,
                    url=r.url,
                    order=r.order,
                ),
            )
            if created:
                note("resources", resource)

    events: dict[str, Event] = {}
    for e in content.EVENTS:
        event, created = _get_or_create_only(
            lookups=[{"slug": e.slug}],
            new=Event(
                title=e.title,
                slug=e.slug,
                kind=e.kind,
                chantier=chantiers[e.chantier],
                province=provinces[e.province] if e.province else None,
                start=e.start,
                end=e.end,
                time_to_be_confirmed=e.time_to_be_confirmed,
                summary=e.summary,
                description=e.description,
                capacity=e.capacity,
                status=e.status,
                organiser=organisations[e.organiser],
            ),
        )
        events[e.slug] = event
        if created:
            note("events", event)

    for c in content.CHANTIERS:
        chantier = chantiers[c.slug]
        for s in c.steps:
            step, created = _get_or_create_only(
                lookups=[{"chantier": chantier, "order": s.order}],
                new=Step(
                    chantier=chantier,
                    order=s.order,
                    title=s.title,
                    description=s.description,
                    start_date=s.start_date,
                    end_date=s.end_date,
                    date_precision=s.date_precision,
                    is_continuous=s.is_continuous,
                    status=s.status,
                    event=events[s.event] if s.event else None,
                ),
            )
            if created:
                note("steps", step)

    locations = _read_locations()
    for row in _read_csv(PROJECTS_CSV):
        name = row["nom"].strip()
        location = locations.get(name)
        project, created = _get_or_create_only(
            lookups=[{"slug": slugify(name)}],
            new=Project(
                name=name,
                slug=slugify(name),
                province=_province_named(provinces, row["province"]),
                promoters=row["porteurs"].strip(),
                source=row["source"].strip(),
                status=Project.Status.ONGOING,
                is_confirmed=False,
                communes=location.communes if location else "",
                latitude=location.latitude if location else None,
                longitude=location.longitude if location else None,
                location_is_approximate=location is not None,
            ),
        )
        if created:
            note("projects", project)

    return report


def _get_or_create_only(*, lookups: list[dict[str, object]], new: M) -> tuple[M, bool]:
    """The first row matching one of the lookups (in order), or else `new`, validated and saved."""
    for lookup in lookups:
        existing = type(new)._default_manager.filter(**lookup).first()
        if existing is not None:
            return existing, False
    # SQLite ignores max_length and choices: validating here lets the SQLite suite catch what
    # PostgreSQL would refuse.
    new.full_clean()
    new.save()
    return new, True


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


@dataclass(frozen=True)
class _Location:
    communes: str
    latitude: Decimal
    longitude: Decimal


def _read_locations() -> dict[str, _Location]:
    """Approximate commune-centre points, for the projects whose name or promoters say where."""
    return {
        row["nom"].strip(): _Location(
            communes=row["communes"].strip(),
            latitude=Decimal(row["latitude"]),
            longitude=Decimal(row["longitude"]),
        )
        for row in _read_csv(LOCATIONS_CSV)
    }


def _province_named(provinces: dict[str, Province], name: str) -> Province | None:
    """The seed province of that name; an empty name means Wallonia as a whole."""
    name = name.strip()
    if not name:
        return None
    by_name = {p.name: p.slug for p in content.PROVINCES}
    return provinces[by_name[name]]
