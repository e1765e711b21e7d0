"""Markdown written by staff and officers, rendered to sanitised HTML and to plain text.

Markdown lets authors write raw HTML, so its output is never trusted: nh3 (the Ammonia
sanitiser) keeps a small list of tags and attributes and drops everything else, script and
event handlers included. The plain text is the Markdown itself with links spelt out, which is
what a reader of a text-only email expects.
"""

from __future__ import annotations

import re

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
URL_SCHEMES = {"http", "https", "mailto"}

_LINK = re.compile(r"!?\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")


def markdown_to_html(text: str) -> SafeString:
    """Sanitised HTML of ``text``: safe to print in a page or an email as it is."""
    html = markdown_lib.markdown(text or "", extensions=["sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return mark_safe(clean)


def markdown_to_text(text: str) -> str:
    """Plain text of ``text``: links become ``label (address)``, bold markers go."""
    plain = _LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})" if m.group(1) else m.group(2), text)
    return _EMPHASIS.sub(r"\2", plain or "").strip()
