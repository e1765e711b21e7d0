"""The facilitators' admin list: import (preview, then all or nothing) and export (CSV, XLSX)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from expertises.models import Category, Facilitator
from expertises.resources import COLUMNS, EXPORT_ORDER, FacilitatorResource, facilitator_import
from portal.admin_exports import SpreadsheetExportMixin
from portal.admin_imports import SpreadsheetImportMixin
from portal.imports import ImportReport
from territoires.models import Province


class FacilitatorSpreadsheetMixin(SpreadsheetImportMixin, SpreadsheetExportMixin):
    import_template = "admin/expertises/facilitator/import.html"
    import_title = _("Importer des facilitateurs (CSV ou XLSX)")
    export_resource_class = FacilitatorResource
    export_filename = "facilitateurs"
    # Contact names, e-mail addresses and telephone numbers.
    export_personal_data = True

    def import_file(
        self, data: bytes, *, file_format: str, dry_run: bool
    ) -> ImportReport[Facilitator]:
        return facilitator_import(data=data, file_format=file_format, dry_run=dry_run)

    def import_context(self) -> dict[str, Any]:
        return {
            "columns": EXPORT_ORDER,
            "required_columns": COLUMNS.required,
            "provinces": Province.objects.values_list("name", flat=True),
            "categories": Category.objects.values_list("name", flat=True),
        }

    def import_failed_message(self, count: int) -> str:
        return ngettext(
            "Aucun facilitateur n'a été importé : le fichier contient %(count)d erreur.",
            "Aucun facilitateur n'a été importé : le fichier contient %(count)d erreurs.",
            count,
        ) % {"count": count}

    def import_succeeded_message(self, count: int) -> str:
        return ngettext(
            "%(count)d facilitateur importé et publié.",
            "%(count)d facilitateurs importés et publiés.",
            count,
        ) % {"count": count}

    def import_success_url(self) -> str:
        return reverse(f"{self.admin_site.name}:expertises_facilitator_changelist")  # type: ignore[attr-defined]
