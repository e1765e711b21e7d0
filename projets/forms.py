"""Forms of the projets app: the CSV upload of the admin import."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from projets.services import MAX_IMPORT_BYTES


class ProjectImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier CSV"),
        help_text=_(
            "Encodé en UTF-8, séparé par des virgules ou des points-virgules, 2 Mo au plus."
        ),
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        # Checked here from the size the upload handler measured, before anything is read.
        if upload.size is not None and upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("Le fichier dépasse la taille maximale de %(size)s Mo."),
                code="too_large",
                params={"size": MAX_IMPORT_BYTES // (1024 * 1024)},
            )
        return upload
