"""The projects' spreadsheet (django-import-export): the columns staff import and export.

An import creates projects, unconfirmed, through ``project_create_many``; an export writes the
very columns the import reads, so that it imports back unchanged.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, widgets

from portal.imports import (
    Columns,
    ImportReport,
    LinkWidget,
    ListField,
    NamedListWidget,
    NamedWidget,
    ServiceResource,
    TextWidget,
    fold,
    run_import,
)
from portal.models import in_wallonia
from projets.models import Project, ProjectType
from projets.services import project_create_many
from territoires.models import Province

COLUMNS = Columns(
    required=("nom", "province", "porteurs", "source"),
    optional=("communes", "latitude", "longitude", "site_web", "types"),
)
COORDINATE_STEP = Decimal("0.00001")


def _provinces() -> dict[str, Province]:
    provinces = list(Province.objects.all())
    found = {fold(p.name): p for p in provinces}
    for province in provinces:
        found.setdefault(fold(province.code), province)
        found.setdefault(fold(province.slug), province)
    return found


def _province_names() -> str:
    return ", ".join(Province.objects.values_list("name", flat=True))


class CoordinateWidget(widgets.Widget):
    def __init__(self, *, label: Any, limit: int) -> None:
        super().__init__()
        self.label, self.limit = label, limit

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Decimal | None:
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        try:
            number = Decimal(text.replace(",", ".").replace(" ", ""))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise ValueError(
                _("%(label)s illisible : « %(value)s » (nombre attendu, par ex. 50.46).")
                % {"label": self.label, "value": text}
            )
        if abs(number) > self.limit:
            raise ValueError(
                _("%(label)s hors limites : %(value)s (entre -%(limit)s et %(limit)s).")
                % {"label": self.label, "value": text, "limit": self.limit}
            )
        return number.quantize(COORDINATE_STEP, rounding=ROUND_HALF_UP)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else str(value)


class ProjectResource(ServiceResource[Project]):
    columns = COLUMNS
    exists_message = gettext_lazy(
        "Un projet nommé « %(name)s » existe déjà : l'import ne modifie jamais un projet existant."
    )

    nom = fields.Field("name", "nom", TextWidget(column="nom", max_length=200))
    province = fields.Field(
        "province",
        "province",
        NamedWidget(
            choices=_provinces,
            known=_province_names,
            unknown=gettext_lazy(
                "Province inconnue : « %(value)s » (provinces connues : %(known)s)."
            ),
            label=lambda province: province.name,
        ),
    )
    porteurs = fields.Field("promoters", "porteurs", TextWidget(column="porteurs", max_length=500))
    source = fields.Field("source", "source", TextWidget(column="source", max_length=300))
    communes = fields.Field("communes", "communes", TextWidget(column="communes", max_length=300))
    latitude = fields.Field(
        "latitude", "latitude", CoordinateWidget(label=gettext_lazy("Latitude"), limit=90)
    )
    longitude = fields.Field(
        "longitude", "longitude", CoordinateWidget(label=gettext_lazy("Longitude"), limit=180)
    )
    site_web = fields.Field(
        "website",
        "site_web",
        LinkWidget(
            invalid=gettext_lazy("Adresse du site web invalide : « %(value)s »."), max_length=200
        ),
    )
    types = ListField(
        "types",
        "types",
        NamedListWidget(
            choices=lambda: {fold(t.name): t for t in ProjectType.objects.all()},
            known=lambda: ", ".join(ProjectType.objects.values_list("name", flat=True)),
            unknown=gettext_lazy(
                "Type de projet inconnu : « %(value)s » (types connus : %(known)s)."
            ),
            label=lambda project_type: project_type.name,
        ),
    )

    class Meta:
        model = Project
        fields = COLUMNS.all
        import_order = COLUMNS.all
        export_order = COLUMNS.all
        skip_diff = True
        use_transactions = True

    def row_errors(self, instance: Any, row: dict[str, Any]) -> list[str]:
        latitude, longitude = row.get("latitude"), row.get("longitude")
        if latitude and not longitude:
            return [_("Latitude sans longitude : indiquez les deux, ou aucune.")]
        if longitude and not latitude:
            return [_("Longitude sans latitude : indiquez les deux, ou aucune.")]
        if (
            instance.latitude is not None
            and instance.longitude is not None
            and not in_wallonia(float(instance.latitude), float(instance.longitude))
        ):
            # The admin form lets staff override this; an import cannot, so it refuses.
            return [
                _(
                    "Le point (%(latitude)s, %(longitude)s) se trouve hors de Wallonie : "
                    "latitude et longitude inversées ?"
                )
                % {"latitude": instance.latitude, "longitude": instance.longitude}
            ]
        return []

    def create_rows(self, instances: list[Project]) -> list[Project]:
        return project_create_many(
            projects=instances,
            types=[getattr(p, "import_lists", {}).get("types") or [] for p in instances],
        )

    def get_export_queryset(self) -> Any:
        return Project.objects.select_related("province").prefetch_related("types")


def project_import(
    *, data: bytes, file_format: str = "csv", dry_run: bool = False, **limits: int
) -> ImportReport[Project]:
    """Import projects from a CSV or XLSX file, all or nothing.

    Columns ``nom, province, porteurs, source`` are required; ``communes, latitude,
    longitude, site_web, types`` (names separated by ``;``) are optional. Every row is checked
    first; if any is wrong, nothing is created and the report lists each bad line with its
    reason. Otherwise every row becomes a project, unconfirmed, in one transaction (unless
    ``dry_run``: a preview). An import never updates a project: a name already in the base is
    an error.
    """
    return run_import(
        ProjectResource(),
        data,
        file_format=file_format,
        dry_run=dry_run,
        empty_message=_("Le fichier ne contient aucune ligne de projet sous l'en-tête."),
        **limits,
    )
