"""The facilitators' spreadsheet (django-import-export): the columns staff import and export.

An import creates published facilitators through ``facilitator_create_many``; an export writes
the very columns the import reads, so that it imports back unchanged (into a base that does not
hold those facilitators yet: an import never updates).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, widgets

from expertises.models import Category, Facilitator
from expertises.services import facilitator_create_many
from portal.imports import (
    Columns,
    ImportReport,
    LinksWidget,
    LinkWidget,
    ListField,
    NamedListWidget,
    ServiceResource,
    TextWidget,
    fold,
    run_import,
    split_list,
)
from projets.models import Organisation
from territoires.models import Province

COLUMNS = Columns(
    required=("nom", "offre", "categories"),
    optional=(
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
    ),
)
# The export's order (and the historical file's).
EXPORT_ORDER = (
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
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


def _categories() -> dict[str, Category]:
    found: dict[str, Category] = {}
    for category in Category.objects.all():
        found[fold(category.name)] = category
        found.setdefault(fold(category.slug), category)
    return found


def _provinces() -> dict[str, Province]:
    provinces = list(Province.objects.all())
    found = {fold(p.name): p for p in provinces}
    for province in provinces:
        found.setdefault(fold(province.code), province)
        found.setdefault(fold(province.slug), province)
    return found


class OrganisationWidget(widgets.Widget):
    """An organisation of the base when its name matches (folded), else the name as text."""

    def __init__(self) -> None:
        super().__init__()
        self._cache: dict[str, Organisation] | None = None

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> tuple[Organisation | None, str]:
        text = "" if value is None else str(value).strip()
        if len(text) > 200:
            raise ValueError(_("La colonne « organisation » dépasse 200 caractères."))
        if not text:
            return None, ""
        if self._cache is None:
            self._cache = {}
            for organisation in Organisation.objects.all():
                self._cache.setdefault(fold(organisation.name), organisation)
        found = self._cache.get(fold(text))
        return (found, "") if found else (None, text)


class OrganisationField(fields.Field):
    def save(self, instance: Any, row: Any, is_m2m: bool = False, **kwargs: Any) -> None:
        instance.organisation, instance.organisation_name = self.clean(row, **kwargs)

    def get_value(self, instance: Any) -> str:
        return instance.organisation.name if instance.organisation else instance.organisation_name

    def export(self, instance: Any, **kwargs: Any) -> str:
        return self.get_value(instance)


class CostWidget(widgets.Widget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = "" if value is None else str(value).strip()
        if not text:
            return Facilitator.Cost.FREE
        costs = {fold(label): cost for cost, label in COST_LABELS.items()}
        for cost in Facilitator.Cost:
            costs.setdefault(fold(str(cost.label)), cost)
            costs.setdefault(fold(cost.value), cost)
        found = costs.get(fold(text))
        if found is None:
            raise ValueError(
                _("Coût inconnu : « %(value)s » (gratuit, payant ou sur devis).") % {"value": text}
            )
        return found

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return COST_LABELS[Facilitator.Cost(value)]


class EmailWidget(TextWidget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        email = super().clean(value, row, **kwargs)
        if email:
            try:
                validate_email(email)
            except ValidationError:
                raise ValueError(
                    _("Adresse e-mail invalide : « %(value)s ».") % {"value": email}
                ) from None
        return email


class ReviewDateWidget(widgets.Widget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> datetime.date | None:
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        for date_format in DATE_FORMATS:
            try:
                # A calendar date: the time, and so the time zone, is dropped at once.
                return datetime.datetime.strptime(text, date_format).date()  # noqa: DTZ007
            except ValueError:
                continue
        raise ValueError(
            _("Date de vérification illisible : « %(value)s » (AAAA-MM-JJ ou JJ/MM/AAAA).")
            % {"value": text}
        )

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.isoformat() if value else ""


class PlacesField(ListField):
    """Provinces by name, code or slug, or « toute la Wallonie »."""

    def save(self, instance: Any, row: Any, is_m2m: bool = False, **kwargs: Any) -> None:
        parts = split_list(str(row.get(self.column_name) or ""))
        wallonia = {fold(ALL_WALLONIA), "wallonie"}
        instance.covers_all_wallonia = any(fold(part) in wallonia for part in parts)
        others = "; ".join(part for part in parts if fold(part) not in wallonia)
        if not hasattr(instance, "import_lists"):
            instance.import_lists = {}
        instance.import_lists["provinces"] = self.widget.clean(others)

    def export(self, instance: Any, **kwargs: Any) -> str:
        places = [p.name for p in instance.provinces.all()]
        if instance.covers_all_wallonia:
            places.insert(0, ALL_WALLONIA)
        return "; ".join(places)


class FacilitatorResource(ServiceResource[Facilitator]):
    columns = COLUMNS
    exists_message = gettext_lazy(
        "Un facilitateur nommé « %(name)s » existe déjà : l'import ne modifie jamais une "
        "fiche existante."
    )

    nom = fields.Field("name", "nom", TextWidget(column="nom", max_length=200))
    organisation = OrganisationField("organisation", "organisation", OrganisationWidget())
    offre = fields.Field("offer", "offre", TextWidget(column="offre", max_length=5000))
    categories = ListField(
        "categories",
        "categories",
        NamedListWidget(
            choices=_categories,
            known=lambda: ", ".join(Category.objects.values_list("name", flat=True)),
            unknown=gettext_lazy(
                "Catégorie inconnue : « %(value)s » (catégories connues : %(known)s)."
            ),
            label=lambda category: category.name,
        ),
    )
    provinces = PlacesField(
        "provinces",
        "provinces",
        NamedListWidget(
            choices=_provinces,
            known=lambda: ", ".join(Province.objects.values_list("name", flat=True)),
            unknown=gettext_lazy(
                "Province inconnue : « %(value)s » (provinces connues : %(known)s, "
                "ou « toute la Wallonie »)."
            ),
            label=lambda province: province.name,
        ),
    )
    public = fields.Field("audience", "public", TextWidget(column="public", max_length=300))
    cout = fields.Field("cost", "cout", CostWidget())
    contact_nom = fields.Field(
        "contact_name", "contact_nom", TextWidget(column="contact_nom", max_length=200)
    )
    contact_email = fields.Field(
        "contact_email", "contact_email", EmailWidget(column="contact_email", max_length=254)
    )
    contact_telephone = fields.Field(
        "contact_phone",
        "contact_telephone",
        TextWidget(column="contact_telephone", max_length=40),
    )
    site_web = fields.Field(
        "website",
        "site_web",
        LinkWidget(
            invalid=gettext_lazy("Adresse du site web invalide : « %(value)s »."), max_length=200
        ),
    )
    liens = fields.Field(
        "links",
        "liens",
        LinksWidget(invalid=gettext_lazy("Lien invalide : « %(value)s »."), max_length=200),
    )
    derniere_verification = fields.Field(
        "last_reviewed", "derniere_verification", ReviewDateWidget()
    )

    class Meta:
        model = Facilitator
        fields = EXPORT_ORDER
        import_order = EXPORT_ORDER
        export_order = EXPORT_ORDER
        skip_diff = True
        use_transactions = True

    def row_errors(self, instance: Any, row: dict[str, Any]) -> list[str]:
        errors = []
        if not instance.offer:
            errors.append(_("L'offre (colonne « offre ») est vide."))
        if not getattr(instance, "import_lists", {}).get("categories"):
            errors.append(_("Aucune catégorie : indiquez-en au moins une."))
        return errors

    def create_rows(self, instances: list[Facilitator]) -> list[Facilitator]:
        return facilitator_create_many(
            facilitators=[
                (
                    facilitator,
                    lists.get("categories") or [],
                    lists.get("provinces") or [],
                )
                for facilitator in instances
                for lists in [getattr(facilitator, "import_lists", {})]
            ]
        )

    def get_export_queryset(self) -> Any:
        return Facilitator.objects.select_related("organisation").prefetch_related(
            "categories", "provinces"
        )


def facilitator_import(
    *, data: bytes, file_format: str = "csv", dry_run: bool = False, **limits: int
) -> ImportReport[Facilitator]:
    """Import facilitators from a CSV or XLSX file, all or nothing.

    Every row is checked first; if any is wrong, nothing is created and the report lists each
    bad line with its reason. Otherwise every row becomes a published facilitator, in one
    transaction (unless ``dry_run``: a preview). A name already in the base is an error: an
    import never updates.
    """
    return run_import(
        FacilitatorResource(),
        data,
        file_format=file_format,
        dry_run=dry_run,
        empty_message=_("Le fichier ne contient aucune ligne de facilitateur sous l'en-tête."),
        **limits,
    )
