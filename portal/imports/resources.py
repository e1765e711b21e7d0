"""The resource base class that hands validated rows to a domain service, and ``run_import``."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar, Generic

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError
from django.utils.translation import gettext as _
from import_export import resources
from import_export.results import Result, RowResult

from portal.imports.cells import fold
from portal.imports.files import (
    LINE,
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    Columns,
    Created,
    ImportFileError,
    ImportIssue,
    ImportReport,
    read_file,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)


# --- The resource ------------------------------------------------------------------------------


class ServiceResource(resources.ModelResource, Generic[Created]):
    """An import that never updates: each valid row becomes a new instance, created by
    ``create_rows`` (the app's service) once every row is valid, in the import's transaction.

    A subclass names its file's ``columns`` (its fields' column names), the column holding
    the name (unique in the file and new to the base, folded) and the message telling that
    the base already holds a name (with ``%(name)s``); ``row_errors`` adds cross-column checks.
    """

    columns: ClassVar[Columns]
    name_column: ClassVar[str] = "nom"
    name_attribute: ClassVar[str] = "name"
    exists_message: ClassVar[StrOrPromise]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pending: list[Any] = []
        self.created: list[Created] = []
        self.seen: dict[str, int] = {}
        self.existing: set[str] = set()

    def existing_names(self) -> Iterable[str]:
        return self._meta.model.objects.values_list(self.name_attribute, flat=True)

    def create_rows(self, instances: list[Any]) -> list[Created]:
        raise NotImplementedError

    def row_errors(self, instance: Any, row: dict[str, Any]) -> list[str]:
        return []

    # import-export's hooks

    def before_import(self, dataset: tablib.Dataset, **kwargs: Any) -> None:
        self.existing = {fold(name) for name in self.existing_names()}

    def get_instance(self, instance_loader: Any, row: Any) -> None:
        return None  # an import never updates: a name already in the base is an error

    def import_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
        errors: dict[str, Any] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        messages = self._name_errors(int(row[LINE]), str(row.get(self.name_column) or "").strip())
        if not errors:
            messages += self.row_errors(instance, row)
        if messages:
            errors.setdefault(NON_FIELD_ERRORS, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def _name_errors(self, line: int, name: str) -> list[str]:
        """Empty, twice in the file (the first line is named), or already in the base."""
        if not name:
            return [_("Le nom est vide.")]
        errors = []
        key = fold(name)
        if key in self.seen:
            errors.append(
                _("Le nom « %(name)s » figure déjà à la ligne %(line)s du fichier.")
                % {"name": name, "line": self.seen[key]}
            )
        else:
            self.seen[key] = line
        if key in self.existing:
            errors.append(self.exists_message % {"name": name})
        return errors

    def save_instance(self, instance: Any, is_create: bool, row: Any, **kwargs: Any) -> None:
        self.pending.append(instance)  # created by the service, once every row is valid

    def save_m2m(self, instance: Any, row: Any, **kwargs: Any) -> None:
        pass  # kept on the instance by ListField

    def after_import(self, dataset: tablib.Dataset, result: Result, **kwargs: Any) -> None:
        if kwargs.get("dry_run") or result.has_errors() or result.has_validation_errors():
            return
        self.created = self.create_rows(self.pending)
        new_rows = [row for row in result.rows if row.import_type == RowResult.IMPORT_TYPE_NEW]
        for row_result, instance in zip(new_rows, self.created, strict=True):
            row_result.add_instance_info(instance)
            row_result.instance = instance

    class Meta:
        skip_diff = True
        use_transactions = True


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [
            str(message)
            for key in sorted(error.error_dict, key=lambda k: k != NON_FIELD_ERRORS)
            for item in error.error_dict[key]
            for message in item.messages
        ]
    return [str(message) for message in error.messages]


def run_import(
    resource: ServiceResource[Created],
    data: bytes,
    *,
    file_format: str = "csv",
    dry_run: bool = False,
    max_bytes: int = MAX_IMPORT_BYTES,
    max_rows: int = MAX_IMPORT_ROWS,
    empty_message: str = "",
) -> ImportReport[Created]:
    """Check a file and, unless ``dry_run`` or any line is wrong, import all its rows."""
    report: ImportReport[Created] = ImportReport()
    try:
        read = read_file(
            data,
            columns=resource.columns,
            file_format=file_format,
            max_bytes=max_bytes,
            max_rows=max_rows,
            empty_message=empty_message,
        )
    except ImportFileError as error:
        report.errors.append(error.issue)
        return report
    report.warnings, report.rows = read.warnings, read.rows
    try:
        result = resource.import_data(
            read.dataset,
            dry_run=dry_run or bool(read.issues),
            raise_errors=False,
            use_transactions=True,
            rollback_on_validation_errors=True,
        )
    except IntegrityError:
        result = None
    issues = list(read.issues)
    if result is not None:
        lines = read.dataset.get_col(0)
        for invalid in result.invalid_rows:
            line = int(lines[invalid.number - 1])
            issues.extend(ImportIssue(line, message) for message in _messages(invalid.error))
        for number, errors in result.row_errors():
            for row_error in errors:
                logger.error("Import row failed", exc_info=row_error.error)
            issues.append(
                ImportIssue(
                    int(lines[number - 1]),
                    _("Cette ligne n'a pas pu être lue : vérifiez ses valeurs."),
                )
            )
        for base_error in result.base_errors:
            if isinstance(base_error.error, IntegrityError):
                result = None
                break
            logger.error("Import failed", exc_info=base_error.error)
            issues.append(ImportIssue(None, _("L'import a échoué : rien n'a été importé.")))
    if result is None:
        issues.append(
            ImportIssue(
                None,
                _(
                    "Un autre enregistrement a eu lieu pendant l'import : rien n'a été importé, "
                    "réessayez."
                ),
            )
        )
    report.errors = sorted(issues, key=lambda issue: issue.line or 0)
    if report.ok:
        report.created = list(resource.created)
        report.headers = list(read.dataset.headers[1:])
        report.preview = [list(values[1:]) for values in read.dataset]
    return report
