"""The admin's CSV import page, shared by the models staff import in bulk (projects,
facilitators): an upload form, an all-or-nothing import by the app's service, a line-by-line
report when it fails, and the admin log when it succeeds."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from portal.csv_files import ImportReport


class CsvImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier CSV"),
        help_text=_(
            "Encodé en UTF-8, séparé par des virgules ou des points-virgules, 2 Mo au plus."
        ),
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
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


class CsvImportMixin:
    """For a ModelAdmin: ``import/`` runs ``import_csv`` on an uploaded file.

    A subclass names its template (extending ``admin/csv_import.html``), its size limit, and
    says how to import, what to tell, and where to go after success.
    """

    import_template: str
    import_title: Any
    import_max_bytes: int

    def import_csv(self, data: bytes) -> ImportReport[Any]:
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

    def import_view(self, request: HttpRequest) -> HttpResponse:
        admin = cast(Any, self)
        if not admin.has_add_permission(request):
            raise PermissionDenied
        report = None
        if request.method == "POST":
            form = CsvImportForm(request.POST, request.FILES, max_bytes=self.import_max_bytes)
            if form.is_valid():
                # One byte more than allowed is enough for the service to tell "too large".
                report = self.import_csv(form.cleaned_data["file"].read(self.import_max_bytes + 1))
                if report.ok:
                    return self._import_succeeded(request, report)
                messages.error(request, self.import_failed_message(len(report.errors)))
        else:
            form = CsvImportForm(max_bytes=self.import_max_bytes)
        request.current_app = admin.admin_site.name
        context = {
            **admin.admin_site.each_context(request),
            "opts": admin.opts,
            "title": self.import_title,
            "form": form,
            "report": report,
            "max_megabytes": self.import_max_bytes // (1024 * 1024),
            "has_view_permission": admin.has_view_permission(request),
            **self.import_context(),
        }
        return TemplateResponse(request, self.import_template, context)

    def _import_succeeded(self, request: HttpRequest, report: ImportReport[Any]) -> HttpResponse:
        created = report.created
        if created:
            LogEntry.objects.log_actions(
                user_id=cast(int, request.user.pk),
                queryset=created,
                action_flag=ADDITION,
                change_message=str(_("Importé depuis un fichier CSV.")),
            )
        messages.success(request, self.import_succeeded_message(len(created)))
        for warning in report.warnings:
            messages.warning(request, warning)
        return HttpResponseRedirect(self.import_success_url())
