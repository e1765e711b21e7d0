"""Reading a file to import (CSV or XLSX) into a dataset, and the report of an import."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import tablib
from django.db import models
from django.utils.translation import gettext as _

from portal.imports.cells import cell_unescape, fold, is_formula
from portal.text import CONTROL_CHARACTERS

MAX_IMPORT_BYTES = 2 * 1024 * 1024
# The portal counts dozens of projects and facilitators: past this, a file is a mistake (an
# export of something else, a sheet filled down to its last row), and a preview would not load.
MAX_IMPORT_ROWS = 5000
# The dataset's first column: the row's line in the file (1 is the header).
LINE = "__ligne__"
FORMATS = ("csv", "xlsx")

Created = TypeVar("Created", bound=models.Model)


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
