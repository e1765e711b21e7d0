"""Create-only loader of the seed content: what was never loaded is created, nothing is
updated, and nothing staff deleted comes back."""

from __future__ import annotations

import csv
from dataclasses import dataclass, fields
from decimal import Decimal
from pathlib import Path
from typing import Protocol, TypeVar, cast

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.text import slugify
from django.utils.translation import ngettext_lazy

from chantiers.models import Chantier, Partnership, Resource, Step
from events.models import Event
from hub.models import SeedRecord
from hub.seed import content, identity
from hub.seed.identity import Identity, Ref
from projets.models import Organisation, Project, ProjectType
from territoires.models import Province

SEED_DIR = Path(__file__).resolve().parent
PROJECTS_CSV = identity.PROJECTS_CSV
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
    partnerships: int = 0
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
    (
        "partnerships",
        ngettext_lazy(
            "Partenaires de chantiers : %(count)d créé",
            "Partenaires de chantiers : %(count)d créés",
            "form",
        ),
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


class _Seeds:
    """The seed records, read once: the row of each key, found or created, and remembered."""

    def __init__(self) -> None:
        self.records = {r.key: r for r in SeedRecord.objects.select_related("content_type")}

    def has_any(self) -> bool:
        return bool(self.records)

    def was_loaded(self, key: str) -> bool:
        return key in self.records

    def row(self, key: str) -> models.Model | None:
        """The row of an already loaded piece; None if never loaded, or deleted by staff."""
        record = self.records.get(key)
        if record is None:
            return None
        model = record.content_type.model_class()
        assert model is not None
        return model._default_manager.filter(pk=record.object_id).first()

    def find(self, identity: Identity) -> models.Model | None:
        """A row that matches the piece's natural lookups (loaded before records existed)."""
        model = apps.get_model(identity.model)
        for lookup in identity.lookups:
            resolved: dict[str, object] = {}
            for name, value in lookup.items():
                if isinstance(value, Ref):
                    parent = self.row(value.key)
                    if parent is None:
                        break
                    value = parent
                resolved[name] = value
            else:
                existing = model._default_manager.filter(**resolved).first()
                if existing is not None:
                    return existing
        return None

    def remember(self, key: str, row: models.Model) -> None:
        self.records[key] = SeedRecord.objects.create(
            key=key, content_type=ContentType.objects.get_for_model(row), object_id=row.pk
        )


@transaction.atomic
def seed_load(*, stdout: _Writer | None = None, initial: bool = False) -> SeedReport:
    """Create the pieces of the seed never loaded into this database; never update a row.

    Each piece has a stable key (``hub.seed.identity``), recorded with its row
    (``hub.models.SeedRecord``) when it is created or found. A piece already recorded is left
    exactly as it is, renamed or not, and stays deleted if staff deleted its row; a piece not
    recorded yet adopts a matching row (one loaded before records existed) or is created. So a
    second run changes nothing, whatever staff changed or deleted in between.

    With ``initial``, nothing happens unless nothing was ever loaded: what a container runs at
    each start. With ``stdout``, each created row is reported on its own line.
    """
    report = SeedReport()
    seeds = _Seeds()
    if initial and seeds.has_any():
        return report

    def load(kind: str, piece: Identity, new: M) -> M | None:
        """The piece's row: recorded (None if staff deleted it), adopted, or ``new`` saved."""
        if seeds.was_loaded(piece.key):
            return cast(M | None, seeds.row(piece.key))
        row = cast(M | None, seeds.find(piece))
        if row is None:
            row = new
            # SQLite ignores max_length and choices: validating here lets the SQLite suite
            # catch what PostgreSQL would refuse.
            row.full_clean()
            row.save()
            setattr(report, kind, getattr(report, kind) + 1)
            if stdout is not None:
                stdout.write(f"+ {row._meta.verbose_name} : {row}\n")
        seeds.remember(piece.key, row)
        return row

    provinces: dict[str, Province | None] = {}
    for p in content.PROVINCES:
        provinces[p.slug] = load(
            "provinces",
            identity.province(p),
            Province(
                name=p.name,
                slug=p.slug,
                code=p.code,
                centre_latitude=p.centre_latitude,
                centre_longitude=p.centre_longitude,
                zoom=p.zoom,
                order=p.order,
            ),
        )

    for t in content.PROJECT_TYPES:
        load(
            "project_types",
            identity.project_type(t),
            ProjectType(name=t.name, slug=t.slug, order=t.order),
        )

    organisations: dict[str, Organisation | None] = {}
    for o in content.ORGANISATIONS:
        organisations[o.slug] = load(
            "organisations",
            identity.organisation(o),
            Organisation(name=o.name, acronym=o.acronym, slug=o.slug, kind=o.kind),
        )

    chantiers: dict[str, Chantier | None] = {}
    for c in content.CHANTIERS:
        chantier = load(
            "chantiers",
            identity.chantier(c),
            Chantier(
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
        if chantier is None:
            continue  # staff deleted the chantier: its resources and steps went with it
        for r in c.resources:
            load(
                "resources",
                identity.resource(c, r),
                Resource(
                    chantier=chantier,
                    title=r.title,
                    description=r.description,
                    provider=organisations.get(r.provider) if r.provider else None,
                    url=r.url,
                    page=r.page,
                    order=r.order,
                ),
            )
        for partner in c.partners:
            organisation = organisations.get(partner.organisation)
            if organisation is None:
                continue  # staff deleted the organisation: no partner to show
            load(
                "partnerships",
                identity.partnership(c, partner),
                Partnership(
                    chantier=chantier,
                    organisation=organisation,
                    role=partner.role,
                    order=partner.order,
                ),
            )

    events: dict[str, Event | None] = {}
    for e in content.EVENTS:
        events[e.slug] = load(
            "events",
            identity.event(e),
            Event(
                title=e.title,
                slug=e.slug,
                kind=e.kind,
                chantier=chantiers.get(e.chantier),
                province=provinces.get(e.province) if e.province else None,
                start=e.start,
                end=e.end,
                time_to_be_confirmed=e.time_to_be_confirmed,
                summary=e.summary,
                description=e.description,
                capacity=e.capacity,
                status=e.status,
                organiser=organisations.get(e.organiser),
            ),
        )

    for c in content.CHANTIERS:
        parent = chantiers[c.slug]
        if parent is None:
            continue
        for s in c.steps:
            load(
                "steps",
                identity.step(c, s),
                Step(
                    chantier=parent,
                    order=s.order,
                    title=s.title,
                    description=s.description,
                    start_date=s.start_date,
                    end_date=s.end_date,
                    date_precision=s.date_precision,
                    is_continuous=s.is_continuous,
                    status=s.status,
                    event=events.get(s.event) if s.event else None,
                ),
            )

    locations = _read_locations()
    for line in _read_csv(PROJECTS_CSV):
        name = line["nom"].strip()
        location = locations.get(name)
        load(
            "projects",
            identity.project(name),
            Project(
                name=name,
                slug=slugify(name),
                province=_province_named(provinces, line["province"]),
                promoters=line["porteurs"].strip(),
                source=line["source"].strip(),
                status=Project.Status.ONGOING,
                is_confirmed=False,
                communes=location.communes if location else "",
                latitude=location.latitude if location else None,
                longitude=location.longitude if location else None,
                location_is_approximate=location is not None,
            ),
        )

    return report


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


def _province_named(provinces: dict[str, Province | None], name: str) -> Province | None:
    """The seed province of that name; an empty name means Wallonia as a whole."""
    name = name.strip()
    if not name:
        return None
    by_name = {p.name: p.slug for p in content.PROVINCES}
    return provinces[by_name[name]]
