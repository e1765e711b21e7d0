"""Reading the CSV files that staff import: size, encoding, delimiter, records, and the
issues reported line by line (shared by the projects and the facilitators imports)."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal.links import link_clean
from portal.text import CONTROL_CHARACTERS

Row = TypeVar("Row")
Created = TypeVar("Created")


@dataclass(frozen=True)
class ImportIssue:
    """One reason why the file cannot be imported; line 1 is the header, None the whole file."""

    line: int | None
    message: str


@dataclass
class ImportReport(Generic[Created]):
    """What an import did: the rows it created, or the issues that stopped it."""

    created: list[Created] = field(default_factory=list)
    errors: list[ImportIssue] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def created_count(self) -> int:
        return len(self.created)


class CsvFileError(Exception):
    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.issue = ImportIssue(line=line, message=message)


def fold(text: str) -> str:
    """Case-, accent- and spacing-insensitive form of a name, for matching."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\s\-_]+", " ", stripped).strip().casefold()


def read_text(file: IO[str] | IO[bytes] | bytes, max_bytes: int) -> str:
    """The decoded text of the file, or a CsvFileError (too large, bad encoding, empty)."""
    too_large = CsvFileError(
        _("Le fichier dépasse la taille maximale de %(size)s Mo.")
        % {"size": f"{max_bytes / (1024 * 1024):g}"}
    )
    raw: str | bytes = file if isinstance(file, bytes) else file.read(max_bytes + 1)
    if isinstance(raw, str):
        # A str holds at most as many characters as its UTF-8 form has bytes.
        if len(raw) > max_bytes or len(raw.encode("utf-8")) > max_bytes:
            raise too_large
        text = raw.removeprefix("\ufeff")
    else:
        if len(raw) > max_bytes:
            raise too_large
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CsvFileError(
                _(
                    "Le fichier n'est pas encodé en UTF-8 : enregistrez-le au format "
                    "« CSV UTF-8 » (le premier caractère illisible est sur cette ligne)."
                ),
                line=raw[: exc.start].count(b"\n") + 1,
            ) from exc
    if not text.strip():
        raise CsvFileError(_("Le fichier est vide."))
    invalid = CONTROL_CHARACTERS.search(text)
    if invalid:
        # A NUL would make PostgreSQL refuse the whole import (a 500), the others break the
        # RSS feeds and spreadsheet exports later: no spreadsheet writes them in a cell.
        raise CsvFileError(
            _(
                "Le fichier contient un caractère de contrôle invisible (code %(code)s) : "
                "ouvrez-le dans un tableur, retapez la valeur de cette ligne et enregistrez-le "
                "à nouveau au format « CSV UTF-8 »."
            )
            % {"code": f"U+{ord(invalid.group()):04X}"},
            line=text.count("\n", 0, invalid.start()) + 1,
        )
    return text


def csv_delimiter(header_line: str) -> str:
    """Comma or semicolon, sniffed from the header line alone (its names hold neither).

    Only the delimiter is kept from the sniffer: on a line without quotes it also guesses
    ``doublequote=False``, which would misread a quoted name holding doubled quotes.
    """
    try:
        return csv.Sniffer().sniff(header_line, delimiters=",;").delimiter
    except csv.Error:
        return ","


def csv_records(text: str) -> Iterable[tuple[int, list[str]]]:
    """(first line number, cells) of each CSV record, a quoted field may span lines."""
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=csv_delimiter(first_line))
    previous_end = 0
    try:
        for cells in reader:
            yield previous_end + 1, cells
            previous_end = reader.line_num
    except csv.Error as exc:
        raise CsvFileError(
            _("Fichier CSV illisible à la ligne %(line)s : %(error)s.")
            % {"line": reader.line_num, "error": exc},
            reader.line_num,
        ) from exc


def csv_validate(
    text: str,
    *,
    header: Callable[[list[str]], dict[str, int]],
    row: Callable[[int, dict[str, str]], tuple[Row | None, list[str]]],
    issues: list[ImportIssue],
) -> tuple[int, list[Row]]:
    """Check every data record of the file: (how many records, the valid rows).

    ``header`` maps the header's cells to {column: index} (or raises CsvFileError); ``row``
    checks one record's {column: stripped value} and returns the row, or None, with its error
    messages. Blank records (spreadsheets leave ";;;" lines at the end) are skipped; a record
    with another number of values than the header is an issue of its own. Every issue goes to
    ``issues`` with its line number.
    """
    records = iter(csv_records(text))
    _line, header_cells = next(records, (1, []))
    columns = header(header_cells)
    count = 0
    rows: list[Row] = []
    for line, raw in records:
        if not any(cell.strip() for cell in raw):
            continue
        count += 1
        if len(raw) != len(header_cells):
            issues.append(
                ImportIssue(
                    line,
                    _(
                        "La ligne compte %(count)s valeurs au lieu de %(expected)s "
                        "(vérifiez le séparateur et les guillemets)."
                    )
                    % {"count": len(raw), "expected": len(header_cells)},
                )
            )
            continue
        valid, messages = row(
            line, {column: raw[index].strip() for column, index in columns.items()}
        )
        issues.extend(ImportIssue(line, message) for message in messages)
        if valid is not None:
            rows.append(valid)
    return count, rows


class RowChecks:
    """The checks every import makes on a row: column lengths, a name unique in the file and
    new to the base, a web address. An import's own validator adds its columns' checks."""

    # {column: the model field's max length}
    max_lengths: dict[str, int] = {}
    url_max_length = 200

    def __init__(self, *, existing_names: Iterable[str], exists_message: str) -> None:
        """``exists_message`` (with ``%(name)s``) tells that the base already holds the name."""
        self.existing = {fold(name) for name in existing_names}
        self.exists_message = exists_message
        self.seen: dict[str, int] = {}

    def length_errors(self, cells: dict[str, str]) -> list[str]:
        return [
            _("La colonne « %(column)s » dépasse %(limit)s caractères.")
            % {"column": column, "limit": limit}
            for column, limit in self.max_lengths.items()
            if len(cells.get(column, "")) > limit
        ]

    def name_errors(self, line: int, name: str) -> list[str]:
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

    def url(self, value: str, invalid: str) -> tuple[str, str | None]:
        """(the link, None), "https://" added when no scheme is given; or ("", the error):
        ``invalid`` (with ``%(value)s``) followed by the reason. Links are http, https or mailto
        only (portal.links): a ``javascript:`` address is refused and said so."""
        try:
            url = link_clean(value)
            if len(url) > self.url_max_length:
                raise ValidationError(
                    _("L'adresse dépasse %(limit)s caractères.") % {"limit": self.url_max_length}
                )
        except ValidationError as error:
            return "", " ".join([invalid % {"value": value}, *error.messages])
        return url, None


def csv_import(
    *,
    file: IO[str] | IO[bytes] | bytes,
    max_bytes: int,
    validate: Callable[[str, ImportReport[Created]], list[Row]],
    create: Callable[[list[Row]], list[Created]],
) -> ImportReport[Created]:
    """Import a CSV file all or nothing: ``validate`` checks every row first (reporting into
    the report); only when no row is wrong does ``create`` make them, in one transaction."""
    report: ImportReport[Created] = ImportReport()
    try:
        text = read_text(file, max_bytes)
        with transaction.atomic():
            rows = validate(text, report)
            if report.errors:
                return report
            report.created = create(rows)
    except CsvFileError as exc:
        report.errors.append(exc.issue)
    except IntegrityError:
        report.created = []
        report.errors.append(
            ImportIssue(
                None,
                _(
                    "Un autre enregistrement a eu lieu pendant l'import : rien n'a été importé, "
                    "réessayez."
                ),
            )
        )
    return report
