"""CSV import (all or nothing, with a line-by-line report) and export of the facilitators.

The export writes the very columns the import reads, so that an exported file can be imported
back unchanged (into a base that does not hold those facilitators yet: an import never updates).
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.text import slugify
from django.utils.translation import gettext as _

from expertises.models import Category, Facilitator

# The CSV reading of the projects import: same encodings, separators and file-level errors.
from portal.csv_files import (
    CsvFileError,
    ImportReport,
    RowChecks,
    csv_import,
    csv_validate,
    fold,
)
from projets.models import Organisation
from territoires.models import Province

MAX_IMPORT_BYTES = 2 * 1024 * 1024
REQUIRED_COLUMNS = ("nom", "offre", "categories")
OPTIONAL_COLUMNS = (
    "organisation",
    "provinces",
    "public",
    "cout",
    "contact_nom",
    "contact_email",
    "contact_telephone",
    "site_web",
    "liens",
    "derniere_verification",
)
COLUMNS = (
    "nom",
    "organisation",
    "offre",
    "categories",
    "provinces",
    "public",
    "cout",
    "contact_nom",
    "contact_email",
    "contact_telephone",
    "site_web",
    "liens",
    "derniere_verification",
)
ALL_WALLONIA = "toute la Wallonie"
COST_LABELS = {
    Facilitator.Cost.FREE: "gratuit",
    Facilitator.Cost.PAID: "payant",
    Facilitator.Cost.QUOTE: "sur devis",
}
# The model fields' limits; web addresses are checked after normalisation.
MAX_LENGTHS = {
    "nom": 200,
    "organisation": 200,
    "offre": 5000,
    "public": 300,
    "contact_nom": 200,
    "contact_email": 254,
    "contact_telephone": 40,
    "liens": 5000,
}
URL_MAX_LENGTH = 200
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


FacilitatorImportReport = ImportReport[Facilitator]


@dataclass
class _Row:
    line: int
    name: str
    offer: str
    categories: list[Category]
    provinces: list[Province]
    covers_all_wallonia: bool
    organisation: Organisation | None = None
    organisation_name: str = ""
    audience: str = ""
    cost: str = Facilitator.Cost.FREE
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    website: str = ""
    links: list[str] = field(default_factory=list)
    last_reviewed: datetime.date | None = None


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


class _Validator(RowChecks):
    """Checks rows one by one against the base and the rows seen before."""

    max_lengths = MAX_LENGTHS
    url_max_length = URL_MAX_LENGTH

    def __init__(self) -> None:
        super().__init__(
            existing_names=Facilitator.objects.values_list("name", flat=True),
            exists_message=_(
                "Un facilitateur nommé « %(name)s » existe déjà : l'import ne modifie "
                "jamais une fiche existante."
            ),
        )
        categories = list(Category.objects.all())
        self.categories: dict[str, Category] = {}
        for category in categories:
            self.categories[fold(category.name)] = category
            self.categories.setdefault(fold(category.slug), category)
        self.category_names = ", ".join(c.name for c in categories) or "—"
        provinces = list(Province.objects.all())
        self.provinces: dict[str, Province] = {fold(p.name): p for p in provinces}
        for province in provinces:
            self.provinces.setdefault(fold(province.code), province)
            self.provinces.setdefault(fold(province.slug), province)
        self.province_names = ", ".join(p.name for p in provinces) or "—"
        self.organisations: dict[str, Organisation] = {}
        for organisation in Organisation.objects.all():
            self.organisations.setdefault(fold(organisation.name), organisation)
        self.costs = {fold(label): cost for cost, label in COST_LABELS.items()}
        for cost in Facilitator.Cost:
            self.costs.setdefault(fold(str(cost.label)), cost)
            self.costs.setdefault(fold(cost.value), cost)

    def row(self, line: int, cells: dict[str, str]) -> tuple[_Row | None, list[str]]:
        errors = self.length_errors(cells)
        name = cells["nom"]
        errors += self.name_errors(line, name)
        offer = cells["offre"]
        if not offer:
            errors.append(_("L'offre (colonne « offre ») est vide."))

        categories: list[Category] = []
        for label in _split(cells["categories"]):
            category = self.categories.get(fold(label))
            if category is None:
                errors.append(
                    _("Catégorie inconnue : « %(value)s » (catégories connues : %(known)s).")
                    % {"value": label, "known": self.category_names}
                )
            elif category not in categories:
                categories.append(category)
        if not categories and not any(_split(cells["categories"])):
            errors.append(_("Aucune catégorie : indiquez-en au moins une."))

        provinces: list[Province] = []
        all_wallonia = False
        for label in _split(cells.get("provinces", "")):
            if fold(label) in (fold(ALL_WALLONIA), "wallonie"):
                all_wallonia = True
                continue
            province = self.provinces.get(fold(label))
            if province is None:
                errors.append(
                    _(
                        "Province inconnue : « %(value)s » (provinces connues : %(known)s, "
                        "ou « toute la Wallonie »)."
                    )
                    % {"value": label, "known": self.province_names}
                )
            elif province not in provinces:
                provinces.append(province)

        cost = Facilitator.Cost.FREE
        if cells.get("cout"):
            found = self.costs.get(fold(cells["cout"]))
            if found is None:
                errors.append(
                    _("Coût inconnu : « %(value)s » (gratuit, payant ou sur devis).")
                    % {"value": cells["cout"]}
                )
            else:
                cost = found

        email = cells.get("contact_email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(_("Adresse e-mail invalide : « %(value)s ».") % {"value": email})

        website = ""
        if cells.get("site_web"):
            website, error = self.url(
                cells["site_web"], _("Adresse du site web invalide : « %(value)s ».")
            )
            if error:
                errors.append(error)
        links: list[str] = []
        for value in _split(cells.get("liens", "")):
            url, error = self.url(value, _("Lien invalide : « %(value)s »."))
            if error:
                errors.append(error)
            else:
                links.append(url)

        last_reviewed = None
        if cells.get("derniere_verification"):
            for date_format in DATE_FORMATS:
                try:
                    # A calendar date: the time, and so the time zone, is dropped at once.
                    last_reviewed = datetime.datetime.strptime(  # noqa: DTZ007
                        cells["derniere_verification"], date_format
                    ).date()
                    break
                except ValueError:
                    continue
            else:
                errors.append(
                    _("Date de vérification illisible : « %(value)s » (AAAA-MM-JJ ou JJ/MM/AAAA).")
                    % {"value": cells["derniere_verification"]}
                )

        if errors:
            return None, errors
        organisation_label = cells.get("organisation", "")
        organisation = (
            self.organisations.get(fold(organisation_label)) if organisation_label else None
        )
        return (
            _Row(
                line=line,
                name=name,
                offer=offer,
                categories=categories,
                provinces=provinces,
                covers_all_wallonia=all_wallonia,
                organisation=organisation,
                organisation_name="" if organisation else organisation_label,
                audience=cells.get("public", ""),
                cost=cost,
                contact_name=cells.get("contact_nom", ""),
                contact_email=email,
                contact_phone=cells.get("contact_telephone", ""),
                website=website,
                links=links,
                last_reviewed=last_reviewed,
            ),
            [],
        )


def _header(cells: list[str], report: FacilitatorImportReport) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = fold(cell).replace(" ", "_")
        if not name:
            continue
        if name in columns:
            raise CsvFileError(_("La colonne « %(name)s » apparaît deux fois.") % {"name": cell}, 1)
        if name not in COLUMNS:
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


def _validate(text: str, report: FacilitatorImportReport) -> list[_Row]:
    report.rows, rows = csv_validate(
        text,
        header=lambda cells: _header(cells, report),
        row=_Validator().row,
        issues=report.errors,
    )
    if report.rows == 0 and not report.errors:
        raise CsvFileError(_("Le fichier ne contient aucune ligne de facilitateur sous l'en-tête."))
    return rows


def _unique_slug(name: str, taken: set[str]) -> str:
    base = slugify(name)[:190].strip("-") or "facilitateur"
    slug, counter = base, 2
    while slug in taken:
        slug = f"{base}-{counter}"
        counter += 1
    taken.add(slug)
    return slug


def _create(rows: list[_Row]) -> list[Facilitator]:
    taken = set(Facilitator.objects.values_list("slug", flat=True))
    created = []
    for row in rows:
        facilitator = Facilitator.objects.create(
            name=row.name,
            slug=_unique_slug(row.name, taken),
            organisation=row.organisation,
            organisation_name=row.organisation_name,
            offer=row.offer,
            covers_all_wallonia=row.covers_all_wallonia,
            audience=row.audience,
            cost=row.cost,
            contact_name=row.contact_name,
            contact_email=row.contact_email,
            contact_phone=row.contact_phone,
            website=row.website,
            links="\n".join(row.links),
            last_reviewed=row.last_reviewed,
        )
        facilitator.categories.set(row.categories)
        facilitator.provinces.set(row.provinces)
        created.append(facilitator)
    return created


def facilitator_import_csv(
    *, file: IO[str] | IO[bytes] | bytes, max_bytes: int = MAX_IMPORT_BYTES
) -> FacilitatorImportReport:
    """Import facilitators from a CSV file, all or nothing.

    Every row is checked first; if any is wrong, nothing is created and the report lists each
    bad line with its reason. Otherwise every row becomes a published facilitator, in one
    transaction. A name already in the base is an error: an import never updates.
    """
    return csv_import(file=file, max_bytes=max_bytes, validate=_validate, create=_create)


def _export_row(facilitator: Facilitator) -> list[str]:
    places = [p.name for p in facilitator.provinces.all()]
    if facilitator.covers_all_wallonia:
        places.insert(0, ALL_WALLONIA)
    return [
        facilitator.name,
        facilitator.organisation.name
        if facilitator.organisation
        else facilitator.organisation_name,
        facilitator.offer,
        "; ".join(c.name for c in facilitator.categories.all()),
        "; ".join(places),
        facilitator.audience,
        COST_LABELS[Facilitator.Cost(facilitator.cost)],
        facilitator.contact_name,
        facilitator.contact_email,
        facilitator.contact_phone,
        facilitator.website,
        "; ".join(facilitator.link_list),
        facilitator.last_reviewed.isoformat() if facilitator.last_reviewed else "",
    ]


def facilitator_export_csv(*, facilitators: Iterable[Facilitator]) -> str:
    """The facilitators as CSV text (``;``-separated, BOM first, for spreadsheets), in the
    columns the import reads. Pass a queryset with organisation, categories and provinces
    loaded to keep it to three queries."""
    output = io.StringIO()
    output.write("\ufeff")
    writer = csv.writer(output, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for facilitator in facilitators:
        writer.writerow(_export_row(facilitator))
    return output.getvalue()
