"""The admin's import page, shared by the models staff import in bulk (projects, facilitators):
upload a CSV or XLSX file, see every bad line (nothing imported) or a preview of every row,
then confirm; the import runs all or nothing through the app's resource and service, and the
admin log records each row created.

Between the preview and the confirmation, the file waits in the database
(``portal.imports.uploads``: never on this web server's disk, since the confirmation may reach
another process or host), and the staff member's session holds only its id: the confirmation
takes no file, name or id from the request. The confirmation form repeats the id, so that a
preview left open in another tab, since replaced by a newer file, cannot confirm the newer one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from portal.imports import MAX_IMPORT_BYTES, ImportReport
from portal.imports.uploads import GONE, import_upload_create, import_upload_take
from portal.models import User

PREVIEW_ROWS = 200


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier CSV ou XLSX"),
        help_text=_(
            "CSV encodé en UTF-8, séparé par des virgules ou des points-virgules, ou classeur "
            "XLSX (première feuille) ; 2 Mo au plus."
        ),
        widget=forms.FileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def __init__(self, *args: Any, max_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        # Checked from the size the upload handler measured, before anything is read.
        if upload.size is not None and upload.size > self.max_bytes:
            raise forms.ValidationError(
                _("Le fichier dépasse la taille maximale de %(size)s Mo."),
                code="too_large",
                params={"size": self.max_bytes // (1024 * 1024)},
            )
        return upload

    @property
    def file_format(self) -> str:
        name = (self.cleaned_data["file"].name or "").lower()
        return "xlsx" if name.endswith(".xlsx") else "csv"


class SpreadsheetImportMixin:
    """For a ModelAdmin: ``import/`` checks an uploaded file, previews it, then imports it.

    A subclass names its template (extending ``admin/spreadsheet_import.html``) and says how
    to import (``import_file``: the app's ``<model>_import``), what to tell, and where to go.
    """

    import_template: str
    import_title: Any
    import_max_bytes: int = MAX_IMPORT_BYTES

    def import_file(self, data: bytes, *, file_format: str, dry_run: bool) -> ImportReport[Any]:
        raise NotImplementedError

    def import_context(self) -> dict[str, Any]:
        """What the template shows about the expected file (columns, known values)."""
        return {}

    def import_failed_message(self, count: int) -> str:
        raise NotImplementedError

    def import_succeeded_message(self, count: int) -> str:
        raise NotImplementedError

    def import_success_url(self) -> str:
        raise NotImplementedError

    def get_urls(self) -> list[URLPattern]:
        admin = cast(Any, self)
        opts = admin.opts
        # Before the default URLs, whose "<path:object_id>/" would swallow "import/".
        return [
            path(
                "import/",
                admin.admin_site.admin_view(self.import_view),
                name=f"{opts.app_label}_{opts.model_name}_import",
            ),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def _session_key(self) -> str:
        return f"import:{cast(Any, self).opts.label_lower}"

    def import_view(self, request: HttpRequest) -> HttpResponse:
        admin = cast(Any, self)
        if not admin.has_add_permission(request):
            raise PermissionDenied
        report = None
        upload_id = None
        form = ImportForm(max_bytes=self.import_max_bytes)
        if request.method == "POST" and "confirm" in request.POST:
            try:
                report = self._confirm(request)
            except ValidationError as refusal:
                for message in refusal.messages:
                    messages.error(request, message)
            else:
                if report.ok:
                    return self._import_succeeded(request, report)
                messages.error(request, self.import_failed_message(len(report.errors)))
        elif request.method == "POST":
            form = ImportForm(request.POST, request.FILES, max_bytes=self.import_max_bytes)
            if form.is_valid():
                # One byte more than allowed is enough for the import to tell "too large".
                data = form.cleaned_data["file"].read(self.import_max_bytes + 1)
                report = self.import_file(data, file_format=form.file_format, dry_run=True)
                if report.ok:
                    upload_id = self._keep(
                        request, data, form.file_format, form.cleaned_data["file"].name
                    )
                else:
                    messages.error(request, self.import_failed_message(len(report.errors)))
        request.current_app = admin.admin_site.name
        context = {
            **admin.admin_site.each_context(request),
            "opts": admin.opts,
            "title": self.import_title,
            "form": form,
            "report": report,
            "preview": report is not None and report.ok and not report.created,
            "preview_rows": report.preview[:PREVIEW_ROWS] if report else [],
            "upload_id": upload_id,
            "max_megabytes": self.import_max_bytes // (1024 * 1024),
            "has_view_permission": admin.has_view_permission(request),
            **self.import_context(),
        }
        return TemplateResponse(request, self.import_template, context)

    def _keep(self, request: HttpRequest, data: bytes, file_format: str, name: str | None) -> int:
        upload = import_upload_create(
            user=cast(User, request.user),
            import_label=cast(Any, self).opts.label_lower,
            name=Path(name or "").name,
            file_format=file_format,
            data=data,
        )
        request.session[self._session_key()] = upload.pk
        return upload.pk

    def _confirm(self, request: HttpRequest) -> ImportReport[Any]:
        """Import the file this person previewed last; refuses (``ValidationError``) when it is
        gone, replaced by a newer preview, another person's or too old."""
        upload_id = request.session.get(self._session_key())
        posted = request.POST.get("upload")
        if not isinstance(upload_id, int) or (posted is not None and posted != str(upload_id)):
            # No preview in this session, or the form is of a preview a newer one replaced
            # (and deleted): the newer one stays for its own form.
            raise ValidationError(GONE, code="gone")
        del request.session[self._session_key()]
        with transaction.atomic():
            upload = import_upload_take(
                user=cast(User, request.user),
                upload_id=upload_id,
                import_label=cast(Any, self).opts.label_lower,
            )
            return self.import_file(upload.data, file_format=upload.file_format, dry_run=False)

    def _import_succeeded(self, request: HttpRequest, report: ImportReport[Any]) -> HttpResponse:
        created = report.created
        if created:
            LogEntry.objects.log_actions(
                user_id=cast(int, request.user.pk),
                queryset=created,
                action_flag=ADDITION,
                change_message=str(_("Importé depuis un fichier.")),
            )
        messages.success(request, self.import_succeeded_message(len(created)))
        for warning in report.warnings:
            messages.warning(request, warning)
        return HttpResponseRedirect(self.import_success_url())
