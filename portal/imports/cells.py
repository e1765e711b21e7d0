"""Spreadsheet cells: formulas kept from running, names folded for matching."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

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
