"""The all-or-nothing CSV import of projects, and staff's confirmation of projects."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import IO

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from portal.csv_files import (
    CsvFileError,
    ImportReport,
    RowChecks,
    csv_import,
    csv_validate,
    fold,
)
from portal.models import in_wallonia
from portal.signals import rows_changed
from projets.models import Project, ProjectType
from territoires.models import Province

MAX_IMPORT_BYTES = 2 * 1024 * 1024
REQUIRED_COLUMNS = ("nom", "province", "porteurs", "source")
OPTIONAL_COLUMNS = ("communes", "latitude", "longitude", "site_web", "types")
COORDINATE_STEP = Decimal("0.00001")


def project_confirm_many(*, projects: QuerySet[Project]) -> int:
    """Mark projects as checked by the Cellule; returns how many changed."""
    changed = projects.filter(is_confirmed=False).update(
        is_confirmed=True, updated_at=timezone.now()
    )
    rows_changed.send(sender=Project)
    return changed


@dataclass
class _Row:
    line: int
    name: str
    province: Province | None
    promoters: str
    source: str
    communes: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    website: str = ""
    types: list[ProjectType] = field(default_factory=list)


def _header(cells: Sequence[str], report: ImportReport) -> dict[str, int]:
    """Column name → index; raises a CsvFileError when a required column is missing."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = fold(cell).replace(" ", "_")
        if not name:
            continue
        if name in columns:
            raise CsvFileError(_("La colonne « %(name)s » apparaît deux fois.") % {"name": cell}, 1)
        if name not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS:
            report.warnings.append(
                _("Colonne inconnue ignorée : « %(name)s ».") % {"name": cell.strip()}
            )
            continue
        columns[name] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise CsvFileError(
            _("Colonne(s) obligatoire(s) manquante(s) : %(missing)s (en-tête lu : %(header)s).")
            % {"missing": ", ".join(missing), "header": ", ".join(cells) or "—"},
            1,
        )
    return columns


def _coordinate(value: str, *, label: str, limit: int) -> tuple[Decimal | None, str | None]:
    if not value:
        return None, None
    try:
        number = Decimal(value.replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        return None, _("%(label)s illisible : « %(value)s » (nombre attendu, par ex. 50.46).") % {
            "label": label,
            "value": value,
        }
    if abs(number) > limit:
        return None, _("%(label)s hors limites : %(value)s (entre -%(limit)s et %(limit)s).") % {
            "label": label,
            "value": value,
            "limit": limit,
        }
    return number.quantize(COORDINATE_STEP, rounding=ROUND_HALF_UP), None


class _Validator(RowChecks):
    """Checks rows one by one against the base and the rows seen before."""

    # The model fields' max lengths; the web site's is checked after normalisation.
    max_lengths = {"nom": 200, "porteurs": 500, "source": 300, "communes": 300}

    def __init__(self) -> None:
        super().__init__(
            existing_names=Project.objects.values_list("name", flat=True),
            exists_message=_(
                "Un projet nommé « %(name)s » existe déjà : l'import ne modifie jamais "
                "un projet existant."
            ),
        )
        provinces = list(Province.objects.all())
        self.provinces: dict[str, Province] = {fold(p.name): p for p in provinces}
        for province in provinces:
            self.provinces.setdefault(fold(province.code), province)
        self.province_names = ", ".join(p.name for p in provinces) or "—"
        types = list(ProjectType.objects.all())
        self.types = {fold(t.name): t for t in types}
        self.type_names = ", ".join(t.name for t in types) or "—"

    def row(self, line: int, cells: dict[str, str]) -> tuple[_Row | None, list[str]]:
        errors = self.length_errors(cells)
        name = cells["nom"]
        errors += self.name_errors(line, name)

        province = None
        if cells["province"]:
            province = self.provinces.get(fold(cells["province"]))
            if province is None:
                errors.append(
                    _("Province inconnue : « %(value)s » (provinces connues : %(known)s).")
                    % {"value": cells["province"], "known": self.province_names}
                )

        latitude, error = _coordinate(cells.get("latitude", ""), label=_("Latitude"), limit=90)
        if error:
            errors.append(error)
        longitude, error = _coordinate(cells.get("longitude", ""), label=_("Longitude"), limit=180)
        if error:
            errors.append(error)
        if cells.get("latitude") and not cells.get("longitude"):
            errors.append(_("Latitude sans longitude : indiquez les deux, ou aucune."))
        elif cells.get("longitude") and not cells.get("latitude"):
            errors.append(_("Longitude sans latitude : indiquez les deux, ou aucune."))
        elif (
            latitude is not None
            and longitude is not None
            and not in_wallonia(float(latitude), float(longitude))
        ):
            # The admin form lets staff override this; an import cannot, so it refuses.
            errors.append(
                _(
                    "Le point (%(latitude)s, %(longitude)s) se trouve hors de Wallonie : "
                    "latitude et longitude inversées ?"
                )
                % {"latitude": latitude, "longitude": longitude}
            )

        website = ""
        if cells.get("site_web"):
            website, error = self.url(
                cells["site_web"], _("Adresse du site web invalide : « %(value)s ».")
            )
            if error:
                errors.append(error)

        types: list[ProjectType] = []
        for label in (cells.get("types") or "").split(";"):
            if not label.strip():
                continue
            project_type = self.types.get(fold(label))
            if project_type is None:
                errors.append(
                    _("Type de projet inconnu : « %(value)s » (types connus : %(known)s).")
                    % {"value": label.strip(), "known": self.type_names}
                )
            elif project_type not in types:
                types.append(project_type)

        if errors:
            return None, errors
        return (
            _Row(
                line=line,
                name=name,
                province=province,
                promoters=cells["porteurs"],
                source=cells["source"],
                communes=cells.get("communes", ""),
                latitude=latitude,
                longitude=longitude,
                website=website,
                types=types,
            ),
            [],
        )


def _unique_slug(name: str, taken: set[str]) -> str:
    base = slugify(name)[:190].strip("-") or "projet"
    slug, counter = base, 2
    while slug in taken:
        slug = f"{base}-{counter}"
        counter += 1
    taken.add(slug)
    return slug


def _validate(text: str, report: ImportReport[Project]) -> list[_Row]:
    report.rows, rows = csv_validate(
        text,
        header=lambda cells: _header(cells, report),
        row=_Validator().row,
        issues=report.errors,
    )
    if report.rows == 0 and not report.errors:
        raise CsvFileError(_("Le fichier ne contient aucune ligne de projet sous l'en-tête."))
    return rows


def _create(rows: list[_Row]) -> list[Project]:
    taken = set(Project.objects.values_list("slug", flat=True))
    projects = [
        Project(
            name=row.name,
            slug=_unique_slug(row.name, taken),
            province=row.province,
            promoters=row.promoters,
            source=row.source,
            communes=row.communes,
            latitude=row.latitude,
            longitude=row.longitude,
            website=row.website,
            is_confirmed=False,
        )
        for row in rows
    ]
    created = Project.objects.bulk_create(projects)
    if any(project.pk is None for project in created):
        # Backends that cannot return ids from a bulk insert: fetch them by slug.
        by_slug = Project.objects.in_bulk([p.slug for p in created], field_name="slug")
        created = [by_slug[p.slug] for p in created]
    Through = Project.types.through
    Through.objects.bulk_create(
        Through(project_id=project.pk, projecttype_id=project_type.pk)
        for project, row in zip(created, rows, strict=True)
        for project_type in row.types
    )
    # bulk_create sends no post_save: tell what derives from projects (the map's layers).
    rows_changed.send(sender=Project)
    return created


def project_import_csv(
    *, file: IO[str] | IO[bytes] | bytes, max_bytes: int = MAX_IMPORT_BYTES
) -> ImportReport[Project]:
    """Import projects from a CSV file, all or nothing.

    Columns ``nom, province, porteurs, source`` are required; ``communes, latitude,
    longitude, site_web, types`` (names separated by ``;``) are optional. Every row is checked
    first; if any is wrong, nothing is created and the report lists each bad line with its
    reason. Otherwise every row becomes a project, unconfirmed, in one transaction. An import
    never updates a project: a name already in the base is an error.
    """
    return csv_import(file=file, max_bytes=max_bytes, validate=_validate, create=_create)
