"""The projects' admin list: import (preview, then all or nothing) and export (CSV, XLSX)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.admin_exports import SpreadsheetExportMixin
from portal.admin_imports import SpreadsheetImportMixin
from portal.imports import ImportReport
from projets.models import Project, ProjectType
from projets.resources import COLUMNS, ProjectResource, project_import
from territoires.models import Province


class ProjectSpreadsheetMixin(SpreadsheetImportMixin, SpreadsheetExportMixin):
    import_template = "admin/projets/project/import.html"
    import_title = _("Importer des projets (CSV ou XLSX)")
    export_resource_class = ProjectResource
    export_filename = "projets"

    def import_file(self, data: bytes, *, file_format: str, dry_run: bool) -> ImportReport[Project]:
        return project_import(data=data, file_format=file_format, dry_run=dry_run)

    def import_context(self) -> dict[str, Any]:
        return {
            "required_columns": COLUMNS.required,
            "optional_columns": COLUMNS.optional,
            "provinces": Province.objects.values_list("name", flat=True),
            "project_types": ProjectType.objects.values_list("name", flat=True),
        }

    def import_failed_message(self, count: int) -> str:
        return ngettext(
            "Aucun projet n'a été importé : le fichier contient %(count)d erreur.",
            "Aucun projet n'a été importé : le fichier contient %(count)d erreurs.",
            count,
        ) % {"count": count}

    def import_succeeded_message(self, count: int) -> str:
        return ngettext(
            "%(count)d projet importé ; il reste à confirmer par la Cellule.",
            "%(count)d projets importés ; ils restent à confirmer par la Cellule.",
            count,
        ) % {"count": count}

    def import_success_url(self) -> str:
        changelist = reverse(f"{self.admin_site.name}:projets_project_changelist")  # type: ignore[attr-defined]
        return f"{changelist}?confirmation=non"
