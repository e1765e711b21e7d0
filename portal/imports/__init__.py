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

from portal.imports.cells import cell_escape, cell_unescape, fold, is_formula, split_list
from portal.imports.files import (
    FORMATS,
    LINE,
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    Columns,
    ImportFileError,
    ImportIssue,
    ImportReport,
    ReadFile,
    read_file,
)
from portal.imports.resources import ServiceResource, run_import
from portal.imports.widgets import (
    LinksWidget,
    LinkWidget,
    ListField,
    NamedListWidget,
    NamedWidget,
    TextWidget,
)

__all__ = [
    "FORMATS",
    "LINE",
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_ROWS",
    "Columns",
    "ImportFileError",
    "ImportIssue",
    "ImportReport",
    "LinkWidget",
    "LinksWidget",
    "ListField",
    "NamedListWidget",
    "NamedWidget",
    "ReadFile",
    "ServiceResource",
    "TextWidget",
    "cell_escape",
    "cell_unescape",
    "fold",
    "is_formula",
    "read_file",
    "run_import",
    "split_list",
]
