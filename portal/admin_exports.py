"""Exports of the admin's lists as CSV or XLSX, staff only, with the columns of a
django-import-export resource.

Each list gets ``export/`` (what the list shows, with its filters and search: the page tells
how many rows and, for personal data, warns before the download) and an action for the rows
ticked. Files stream: the CSV row by row over ``QuerySet.iterator()``, the XLSX through
openpyxl's write-only mode (rows written to a temporary file as they come), so that a large
table is never held whole in memory. Every text cell that a spreadsheet would run as a formula
is prefixed with an apostrophe (``portal.imports.cell_escape``), which the imports take off.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any, cast

from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import FieldError, PermissionDenied
from django.db.models import QuerySet
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export import resources
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from portal.imports import cell_escape

EXPORT_FORMATS = {"csv": "CSV", "xlsx": "XLSX"}
CHUNK_SIZE = 500
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Echo:
    """A file that hands back what is written: csv.writer then formats one row at a time."""

    def write(self, value: str) -> str:
        return value


def export_rows(resource: resources.Resource, queryset: QuerySet[Any]) -> Iterator[list[Any]]:
    """The header, then each object's cells (escaped), reading the table by chunks."""
    yield [cell_escape(str(header)) for header in resource.get_export_headers()]
    objects: Iterable[Any] = (
        queryset.iterator(chunk_size=CHUNK_SIZE) if isinstance(queryset, QuerySet) else queryset
    )
    for obj in objects:
        yield [cell_escape(value) for value in resource.export_resource(obj)]


def csv_response(rows: Iterator[list[Any]], filename: str) -> StreamingHttpResponse:
    """``;``-separated, BOM first: what spreadsheets in Belgium open as they are."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")

    def lines() -> Iterator[str]:
        yield "\ufeff"
        for row in rows:
            yield writer.writerow(["" if value is None else value for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, str):
        # openpyxl refuses the control characters no spreadsheet stores.
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def xlsx_response(rows: Iterator[list[Any]], filename: str, title: str) -> FileResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Export")
    for row in rows:
        sheet.append([_xlsx_cell(value) for value in row])
    output = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    workbook.save(output)
    output.seek(0)
    return FileResponse(
        output, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_TYPE
    )


class SpreadsheetExportMixin:
    """For a ModelAdmin: ``export/`` and the action ``export_selected``.

    A subclass names its resource (``export_resource_class``, whose ``get_export_queryset``
    may add the joins its columns need), its file name, and whether the rows hold personal
    data (``export_personal_data``: the page warns before the download).
    """

    export_resource_class: type[resources.ModelResource]
    export_filename: str = "export"
    export_personal_data: bool = False
    export_template = "admin/spreadsheet_export.html"

    def get_urls(self) -> list[URLPattern]:
        admin = cast(Any, self)
        opts = admin.opts
        return [
            path(
                "export/",
                admin.admin_site.admin_view(self.export_view),
                name=f"{opts.app_label}_{opts.model_name}_export",
            ),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None):  # type: ignore[no-untyped-def]
        admin = cast(Any, self)
        if admin.has_view_permission(request):
            opts = admin.opts
            extra_context = {
                **(extra_context or {}),
                "export_url": reverse(
                    f"{admin.admin_site.name}:{opts.app_label}_{opts.model_name}_export"
                ),
            }
        return super().changelist_view(request, extra_context)  # type: ignore[misc]

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)  # type: ignore[misc]
        if cast(Any, self).has_view_permission(request):
            actions["export_selected"] = (
                SpreadsheetExportMixin.export_selected,
                "export_selected",
                _("Exporter la sélection (CSV ou XLSX)"),
            )
        return cast(dict[str, Any], actions)

    def export_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        resource = self.export_resource_class()
        joined = getattr(resource, "get_export_queryset", None)
        base = joined() if joined else queryset.model._default_manager.all()
        rows = base.filter(pk__in=queryset.values("pk"))
        # The list's order, unless it sorts on a column of its own (an annotation of the
        # list's queryset that the export's does not have): then the model's order.
        try:
            return rows.order_by(*queryset.query.order_by)
        except FieldError:
            return rows.order_by(*(cast(Any, self).get_ordering(None) or ("pk",)))

    def export_response(self, queryset: QuerySet[Any], file_format: str) -> HttpResponseBase:
        opts = cast(Any, self).opts
        stamp = timezone.localtime().strftime("%Y-%m-%d")
        filename = f"{self.export_filename}-{stamp}"
        rows = export_rows(self.export_resource_class(), self.export_queryset(queryset))
        if file_format == "xlsx":
            return xlsx_response(rows, filename, str(opts.verbose_name_plural))
        return csv_response(rows, filename)

    def _export_page(
        self, request: HttpRequest, queryset: QuerySet[Any], *, selected: list[str] | None
    ) -> TemplateResponse:
        admin = cast(Any, self)
        request.current_app = admin.admin_site.name
        context = {
            **admin.admin_site.each_context(request),
            "opts": admin.opts,
            "title": _("Exporter : %(name)s") % {"name": admin.opts.verbose_name_plural},
            "count": queryset.count(),
            "formats": EXPORT_FORMATS,
            "personal_data": self.export_personal_data,
            "selected": selected,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "has_view_permission": True,
        }
        return TemplateResponse(request, self.export_template, context)

    def export_view(self, request: HttpRequest) -> HttpResponseBase:
        """The list's rows, with its filters and search (from the query string)."""
        admin = cast(Any, self)
        if not admin.has_view_permission(request):
            raise PermissionDenied
        try:
            queryset = admin.get_changelist_instance(request).get_queryset(request)
        except IncorrectLookupParameters:
            changelist = reverse(
                f"{admin.admin_site.name}:{admin.opts.app_label}_{admin.opts.model_name}_changelist"
            )
            return HttpResponseRedirect(f"{changelist}?e=1")
        file_format = request.POST.get("format")
        if request.method == "POST" and file_format in EXPORT_FORMATS:
            return self.export_response(queryset, file_format)
        return self._export_page(request, queryset, selected=None)

    def export_selected(self, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponseBase:
        file_format = request.POST.get("format")
        if file_format in EXPORT_FORMATS:
            return self.export_response(queryset, file_format)
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        return self._export_page(request, queryset, selected=selected)
