"""Plain text on its way out: feeds, calendars and files carry text, never live markup, and
never the invisible control characters that XML 1.0 and iCalendar refuse."""

from __future__ import annotations

import re

from django.utils.html import escape

# C0 control characters except tab, line feed and carriage return: no keyboard types them,
# XML 1.0 refuses them (Django's feeds raise on one: a 500), iCalendar's TEXT excludes them.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def without_control_characters(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", text or "")


def single_line(text: str) -> str:
    """A title or a name on one line: inner line breaks and runs of spaces become one space
    (a crafted form can put a line break in a one-line field)."""
    return " ".join(without_control_characters(text).split())


def html_escaped_text(text: str) -> str:
    """``text`` for a field that readers take as HTML (an RSS description, an Atom summary of
    type "html"): escaped, so that ``<b>`` typed in a summary shows as ``<b>``, not bold."""
    return escape(without_control_characters(text))
