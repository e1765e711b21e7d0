"""Imports of spreadsheets (CSV or XLSX) with django-import-export: the file's checks, the
resource base class that hands validated rows to a domain service, and the line-by-line report.

How an import runs (``run_import``):

1. ``read_file`` checks the file as a whole (size, encoding, invisible control characters, the
   number of rows, the header) and turns it into a ``tablib.Dataset`` whose first column holds
   each row's line in the file (a quoted cell may span lines; blank rows are skipped). A formula
   cell, or a row with another number of cells than the header, is an issue of its line.
2. The app's ``ServiceResource`` checks each row with its widgets (each refusal in French and
   naming its column), without writing anything: an import never updates an existing row.
3. Only when no line is wrong, and not for a preview (``dry_run``), the resource hands every
   validated row to its domain service, in the same transaction: all or nothing.
"""

from __future__ import annotations

import csv
import datetime
import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.results import Result, RowResult

from portal.links import link_clean
from portal.text import CONTROL_CHARACTERS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)

MAX_IMPORT_BYTES = 2 * 1024 * 1024
# The portal counts dozens of projects and facilitators: past this, a file is a mistake (an
# export of something else, a sheet filled down to its last row), and a preview would not load.
MAX_IMPORT_ROWS = 5000
# The dataset's first column: the row's line in the file (1 is the header).
LINE = "__ligne__"
FORMATS = ("csv", "xlsx")

Created = TypeVar("Created", bound=models.Model)


# --- Spreadsheet cells: formulas ---------------------------------------------------------------

# A spreadsheet runs a cell starting with one of these as a formula (a tab or carriage return
# first hides the sign); the export prefixes them with an apostrophe, which spreadsheets read
# as "this is text" and the import takes off again.
_FORMULA_START = re.compile(r"^'*[=+\-@\t\r]")
_ESCAPED = re.compile(r"^'+[=+\-@\t\r]")
# In a file to import, a cell is a formula when it starts with "=", or with "+", "-" or "@"
# followed by a function call or a link to another program ("+HYPERLINK(…)", "-2+cmd|…!A0"):
# a telephone number ("+32 81 …") or a dash before a word stays text.
_FORMULA = re.compile(r"^\s*(=|[+\-@].*[(|!])", re.DOTALL)


def cell_escape(value: Any) -> Any:
    """An exported cell that no spreadsheet runs as a formula (text only; numbers are safe)."""
    if isinstance(value, str) and _FORMULA_START.match(value):
        return "'" + value
    return value


def cell_unescape(value: str) -> str:
    """The text an exported cell held before ``cell_escape``."""
    return value[1:] if _ESCAPED.match(value) else value


def is_formula(value: str) -> bool:
    return bool(_FORMULA.match(value))


def fold(text: str) -> str:
    """Case-, accent- and spacing-insensitive form of a name, for matching."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\s\-_]+", " ", stripped).strip().casefold()


def split_list(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


# --- The report --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportIssue:
    """One reason why the file cannot be imported; line 1 is the header, None the whole file."""

    line: int | None
    message: str


@dataclass
class ImportReport(Generic[Created]):
    """What an import did (or, for a preview, would do): the rows, or the issues that stop it."""

    created: list[Created] = field(default_factory=list)
    errors: list[ImportIssue] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rows: int = 0
    # For a preview: the header and each row's cells, as they will be imported.
    headers: list[str] = field(default_factory=list)
    preview: list[list[str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def created_count(self) -> int:
        return len(self.created)


class ImportFileError(Exception):
    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.issue = ImportIssue(line=line, message=message)


# --- Reading the file --------------------------------------------------------------------------


@dataclass(frozen=True)
class Columns:
    """The columns an import reads: required first, then optional, in the export's order."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def all(self) -> tuple[str, ...]:
        return self.required + self.optional


@dataclass
class ReadFile:
    dataset: tablib.Dataset
    issues: list[ImportIssue]
    warnings: list[str]
    rows: int


def _too_large(max_bytes: int) -> ImportFileError:
    return ImportFileError(
        _("Le fichier dépasse la taille maximale de %(size)s Mo.")
        % {"size": f"{max_bytes / (1024 * 1024):g}"}
    )


def _decode(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _(
                "Le fichier n'est pas encodé en UTF-8 : enregistrez-le au format "
                "« CSV UTF-8 » (le premier caractère illisible est sur cette ligne)."
            ),
            line=raw[: exc.start].count(b"\n") + 1,
        ) from exc
    return text


def _control_character_error(character: str, line: int) -> ImportFileError:
    # A NUL would make PostgreSQL refuse the whole import (a 500), the others break the RSS
    # feeds and spreadsheet exports later: no spreadsheet writes them in a cell.
    return ImportFileError(
        _(
            "Le fichier contient un caractère de contrôle invisible (code %(code)s) : "
            "ouvrez-le dans un tableur, retapez la valeur de cette ligne et enregistrez-le "
            "à nouveau au format « CSV UTF-8 »."
        )
        % {"code": f"U+{ord(character):04X}"},
        line=line,
    )


def _csv_records(text: str) -> Iterable[tuple[int, list[str]]]:
    """(first line number, cells) of each CSV record; a quoted field may span lines. The
    delimiter, comma or semicolon, is sniffed from the header line alone."""
    first_line = text.split("\n", 1)[0]
    try:
        delimiter = csv.Sniffer().sniff(first_line, delimiters=",;").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous_end = 0
    try:
        for cells in reader:
            yield previous_end + 1, cells
            previous_end = reader.line_num
    except csv.Error as exc:
        raise ImportFileError(
            _("Fichier CSV illisible à la ligne %(line)s : %(error)s.")
            % {"line": reader.line_num, "error": exc},
            reader.line_num,
        ) from exc


def _xlsx_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float | Decimal):
        return str(value)
    return str(value)


def _xlsx_records(raw: bytes) -> Iterable[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportFileError(
            _("Le fichier n'est pas un classeur XLSX lisible : enregistrez-le à nouveau.")
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), 1):
            cells = [_xlsx_text(value) for value in row]
            while cells and cells[-1] == "":
                cells.pop()
            yield number, cells
    finally:
        workbook.close()


def _header(cells: Sequence[str], columns: Columns, warnings: list[str]) -> list[str | None]:
    """Each cell's column (None when unknown: a warning); an ImportFileError when a required
    column is missing or one appears twice."""
    names: list[str | None] = []
    for cell in cells:
        name = fold(cell).replace(" ", "_")
        if not name:
            names.append(None)
            continue
        if name in names:
            raise ImportFileError(
                _("La colonne « %(name)s » apparaît deux fois.") % {"name": cell}, 1
            )
        if name not in columns.all:
            warnings.append(_("Colonne inconnue ignorée : « %(name)s ».") % {"name": cell.strip()})
            names.append(None)
            continue
        names.append(name)
    missing = [name for name in columns.required if name not in names]
    if missing:
        raise ImportFileError(
            _("Colonne(s) obligatoire(s) manquante(s) : %(missing)s (en-tête lu : %(header)s).")
            % {"missing": ", ".join(missing), "header": ", ".join(cells) or "—"},
            1,
        )
    return names


def read_file(
    data: bytes,
    *,
    columns: Columns,
    file_format: str = "csv",
    max_bytes: int = MAX_IMPORT_BYTES,
    max_rows: int = MAX_IMPORT_ROWS,
    empty_message: str = "",
) -> ReadFile:
    """The rows of a CSV or XLSX file as a dataset (see the module's docstring), or an
    ImportFileError that tells what is wrong with the file as a whole."""
    if len(data) > max_bytes:
        raise _too_large(max_bytes)
    if file_format == "xlsx":
        records = iter(_xlsx_records(data))
    else:
        text = _decode(data)
        if not text.strip():
            raise ImportFileError(_("Le fichier est vide."))
        invalid = CONTROL_CHARACTERS.search(text)
        if invalid:
            raise _control_character_error(
                invalid.group(), text.count("\n", 0, invalid.start()) + 1
            )
        records = iter(_csv_records(text))
    first = next(records, None)
    if first is None:
        raise ImportFileError(_("Le fichier est vide."))
    warnings: list[str] = []
    names = _header(first[1], columns, warnings)
    present = [name for name in names if name]
    dataset = tablib.Dataset(headers=[LINE, *present])
    issues: list[ImportIssue] = []
    count = 0
    for line, raw in records:
        if not any(cell.strip() for cell in raw):
            continue
        count += 1
        if count > max_rows:
            raise ImportFileError(
                _(
                    "Le fichier compte plus de %(limit)s lignes : un import en accepte "
                    "%(limit)s au plus. Découpez-le en plusieurs fichiers."
                )
                % {"limit": max_rows}
            )
        if len(raw) != len(names) and file_format != "xlsx":
            issues.append(
                ImportIssue(
                    line,
                    _(
                        "La ligne compte %(count)s valeurs au lieu de %(expected)s "
                        "(vérifiez le séparateur et les guillemets)."
                    )
                    % {"count": len(raw), "expected": len(names)},
                )
            )
            continue
        raw = raw + [""] * (len(names) - len(raw))
        values: dict[str, str] = {}
        row_issues = []
        for name, cell in zip(names, raw, strict=False):
            if name is None:
                continue
            invalid = CONTROL_CHARACTERS.search(cell)
            if invalid:
                raise _control_character_error(invalid.group(), line)
            value = cell.strip()
            if is_formula(value):
                row_issues.append(
                    ImportIssue(
                        line,
                        _(
                            "La colonne « %(column)s » contient une formule de tableur "
                            "(« %(value)s ») : remplacez-la par sa valeur, ou précédez-la "
                            "d'une apostrophe pour la garder comme texte."
                        )
                        % {"column": name, "value": value[:40]},
                    )
                )
            values[name] = cell_unescape(value)
        if row_issues:
            issues.extend(row_issues)
            continue
        dataset.append([line, *(values[name] for name in present)])
    if count == 0:
        raise ImportFileError(empty_message or _("Le fichier ne contient aucune ligne."))
    return ReadFile(dataset=dataset, issues=issues, warnings=warnings, rows=count)


# --- Widgets: each refusal in French, naming its column ----------------------------------------


class TextWidget(widgets.CharWidget):
    def __init__(self, *, column: str, max_length: int | None = None, required: bool = False):
        super().__init__(allow_blank=True)
        self.column, self.max_length, self.required = column, max_length, required

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = "" if value is None else str(value).strip()
        if self.required and not text:
            raise ValueError(_("La colonne « %(column)s » est vide.") % {"column": self.column})
        if self.max_length is not None and len(text) > self.max_length:
            raise ValueError(
                _("La colonne « %(column)s » dépasse %(limit)s caractères.")
                % {"column": self.column, "limit": self.max_length}
            )
        return text


class LinkWidget(widgets.CharWidget):
    """A web address: "https://" added when no scheme is given; http, https or mailto only."""

    def __init__(self, *, invalid: StrOrPromise, max_length: int = 200) -> None:
        super().__init__(allow_blank=True)
        self.invalid, self.max_length = invalid, max_length

    def clean_one(self, value: str) -> str:
        try:
            url = link_clean(value)
            if len(url) > self.max_length:
                raise ValidationError(
                    _("L'adresse dépasse %(limit)s caractères.") % {"limit": self.max_length}
                )
        except ValidationError as error:
            raise ValueError(" ".join([self.invalid % {"value": value}, *error.messages])) from None
        return url

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = "" if value is None else str(value).strip()
        return self.clean_one(text) if text else ""


class LinksWidget(LinkWidget):
    """Several web addresses separated by ";" in the file, one per line in the base."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        urls, errors = [], []
        for part in split_list(str(value or "")):
            try:
                urls.append(self.clean_one(part))
            except ValueError as error:
                errors.append(str(error))
        if errors:
            raise ValueError(" ".join(errors))
        return "\n".join(urls)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "; ".join(line.strip() for line in (value or "").splitlines() if line.strip())


class NamedWidget(widgets.Widget):
    """A row of another table, by one of its names (folded: case, accents and spaces ignored).

    ``choices`` returns {folded name: row} (read once per import); ``unknown`` (with
    ``%(value)s`` and ``%(known)s``) tells a name that matches none.
    """

    def __init__(
        self,
        *,
        choices: Callable[[], dict[str, Any]],
        known: Callable[[], str],
        unknown: StrOrPromise,
        label: Callable[[Any], str] = str,
    ) -> None:
        super().__init__()
        self.choices, self.known, self.unknown, self.label = choices, known, unknown, label
        self._cache: dict[str, Any] | None = None

    def lookup(self, value: str) -> Any:
        if self._cache is None:
            self._cache = self.choices()
        found = self._cache.get(fold(value))
        if found is None:
            raise ValueError(self.unknown % {"value": value, "known": self.known() or "—"})
        return found

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        text = "" if value is None else str(value).strip()
        return self.lookup(text) if text else None

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else self.label(value)


class NamedListWidget(NamedWidget):
    """Several rows of another table, names separated by ";"; each unknown name is an error."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> list[Any]:
        found, errors = [], []
        for part in split_list(str(value or "")):
            try:
                item = self.lookup(part)
            except ValueError as error:
                errors.append(str(error))
                continue
            if item not in found:
                found.append(item)
        if errors:
            raise ValueError(" ".join(errors))
        return found

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        items = value.all() if hasattr(value, "all") else (value or [])
        return "; ".join(self.label(item) for item in items)


class ListField(fields.Field):
    """A many-to-many column: checked with the row, kept on the instance until the service
    creates it (``instance.import_lists``), exported from the prefetched relation."""

    def save(self, instance: Any, row: Any, is_m2m: bool = False, **kwargs: Any) -> None:
        if not hasattr(instance, "import_lists"):
            instance.import_lists = {}
        instance.import_lists[self.attribute] = self.clean(row, **kwargs)


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
