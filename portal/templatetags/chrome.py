"""``{% chrome "name" key=value… with slot=value… %}…{% endchrome %}``: a part of the site's
chrome (header, navigation, footer) that holds nothing of the database, only addresses,
translations and constants. It is rendered once per process for each language and set of keys,
then reused by every page, anonymous or signed in: the chrome is the same from one content
version to the next, so it needs no version and no round trip to the cache.

The part sees only what the tag names, as an ``{% include … only %}`` would:

- each ``key=value`` before ``with`` is part of the memo's key, so it must take few values
  (a section of the site, whether the visitor is signed in);
- each ``slot=value`` after ``with`` is a value of this request (a path, a CSRF token): the part
  is rendered with a marker in its place, and at each rendering the value is written there,
  escaped as ``{{ value }}`` would be. Inside the part a slot is written plainly, ``{{ slot }}``,
  without filters; a slot absent from the part's HTML is never evaluated (an anonymous header
  never asks for a CSRF token, which would set a cookie).

No ``{% block %}`` inside (a page's override would be stored for every page); nothing of the
visitor but what a slot carries.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.http import HttpRequest
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.template.context import Context
from django.template.loader_tags import BlockNode
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# The parts kept by this process: (name, language, script prefix, URLconf, keys) -> pieces.
# Bounded by the parts and their keys' few values; emptied if it ever grows past this.
MEMO_MAX = 1000
_memo: dict[tuple[Any, ...], list[str]] = {}

# The names of each part's keys, in the order its tag gives them (``part`` forms the memo's key
# from them); ``None`` if two tags of one name give different keys.
_key_names: dict[str, tuple[str, ...] | None] = {}

# Private-use characters: escaping leaves them alone, no translation or address holds them.
_OPEN, _CLOSE = "\ue000", "\ue001"
_MARKER = re.compile(f"{_OPEN}([a-z_]+){_CLOSE}")


def _forget(**kwargs: Any) -> None:
    """A setting changed (tests: languages, URLconf, static storage): render parts again."""
    _memo.clear()


setting_changed.connect(_forget, dispatch_uid="portal.templatetags.chrome.forget")


class ChromeNode(template.Node):
    # Each rendering of a page that extends base.html walks base.html's nodes for its blocks
    # (ExtendsNode); a part holds none (refused below), so the walk need not enter it.
    child_nodelists = ()

    def __init__(
        self,
        nodelist: NodeList,
        name: str,
        keys: dict[str, FilterExpression],
        slots: dict[str, FilterExpression],
    ) -> None:
        self.nodelist = nodelist
        self.name = name
        self.keys = keys
        self.slots = slots
        names = tuple(keys)
        if _key_names.setdefault(name, names) != names:
            _key_names[name] = None

    def render(self, context: Context) -> SafeString:
        keys = tuple((name, value.resolve(context)) for name, value in self.keys.items())
        memo_key = (self.name, translation.get_language(), get_script_prefix(), get_urlconf(), keys)
        pieces = _memo.get(memo_key)
        if pieces is None:
            pieces = self._build(context, dict(keys))
            if len(_memo) >= MEMO_MAX:
                _memo.clear()
            _memo[memo_key] = pieces
        return _fill(pieces, lambda slot: self.slots[slot].resolve(context))

    def _build(self, context: Context, keys: dict[str, Any]) -> list[str]:
        """The part rendered with its keys and a marker for each slot: text, slot, text…"""
        values = {**keys, **{slot: f"{_OPEN}{slot}{_CLOSE}" for slot in self.slots}}
        isolated = Context(
            values,
            autoescape=context.autoescape,
            use_l10n=context.use_l10n,
            use_tz=context.use_tz,
        )
        # What an include inside the part needs (its engine, the loaders' cache).
        isolated.template = context.template
        isolated.template_name = context.template_name
        isolated.render_context = context.render_context
        pieces = _MARKER.split(str(self.nodelist.render(isolated)))
        texts = pieces[0::2]
        if any(_OPEN in text or _CLOSE in text for text in texts):
            raise template.TemplateSyntaxError(
                f"chrome {self.name!r}: a slot is written through a filter; write it plainly."
            )
        return pieces


def _fill(pieces: list[str], value: Callable[[str], Any]) -> SafeString:
    """A memoised part with each slot's ``value`` written in, escaped (each asked for once)."""
    if len(pieces) == 1:
        return mark_safe(pieces[0])
    values: dict[str, str] = {}
    out = [pieces[0]]
    for index in range(1, len(pieces), 2):
        slot = pieces[index]
        if slot not in values:
            values[slot] = conditional_escape(value(slot))
        out.append(values[slot])
        out.append(pieces[index + 1])
    # Every piece was rendered (and escaped) by the template engine, every value escaped.
    return mark_safe("".join(out))


def _pieces(name: str, keys: dict[str, Any]) -> list[str] | None:
    """The pieces of the part ``name`` this process rendered for ``keys`` in the active
    language (texts and slots in turn); ``None`` if not rendered yet or the keys are not the
    tag's."""
    names = _key_names.get(name)
    if names is None or set(names) != set(keys):
        return None
    memo_key = (
        name,
        translation.get_language(),
        get_script_prefix(),
        get_urlconf(),
        tuple((key, keys[key]) for key in names),
    )
    return _memo.get(memo_key)


def part(name: str, keys: dict[str, Any], slots: dict[str, Callable[[], Any]]) -> str | None:
    """The part ``name`` as this process rendered it for ``keys`` in the active language, each
    slot written from ``slots`` (called only if the part holds it), exactly as its tag would
    write it; ``None`` if no page of this process rendered it yet, or if the keys or slots
    are not the tag's."""
    pieces = _pieces(name, keys)
    if pieces is None or not set(pieces[1::2]) <= set(slots):
        return None
    return _fill(pieces, lambda slot: slots[slot]())


def part_span(content: bytes, name: str, keys: dict[str, Any]) -> tuple[int, int] | None:
    """Where the part ``name``, rendered for ``keys`` with whatever its slots held, lies in
    ``content``; ``None`` if this process has not rendered it, or it is not there exactly
    once. A slot's value is escaped text: no ``<``, ``>`` or ``"`` in it."""
    pieces = _pieces(name, keys)
    if pieces is None:
        return None
    texts = [text.encode() for text in pieces[0::2]]
    start = content.find(texts[0])
    if start < 0 or content.find(texts[0], start + 1) >= 0:
        return None
    end = start + len(texts[0])
    for text in texts[1:]:
        found = content.find(text, end)
        if found < 0 or any(mark in content[end:found] for mark in (b"<", b">", b'"')):
            return None
        end = found + len(text)
    return start, end


@register.tag
def chrome(parser: Parser, token: Token) -> ChromeNode:
    bits = token.split_contents()[1:]
    if not bits or bits[0][0] not in "\"'" or bits[0][-1] != bits[0][0]:
        raise template.TemplateSyntaxError('chrome takes a quoted name: {% chrome "header" %}')
    name = bits[0][1:-1]
    keys: dict[str, FilterExpression] = {}
    slots: dict[str, FilterExpression] = {}
    target = keys
    for bit in bits[1:]:
        if bit == "with" and target is keys:
            target = slots
            continue
        argument, sep, expression = bit.partition("=")
        if not sep or not re.fullmatch("[a-z_]+", argument):
            raise template.TemplateSyntaxError(f"chrome {name!r}: name=value expected, not {bit}")
        target[argument] = parser.compile_filter(expression)
    nodelist = parser.parse(("endchrome",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode):
        raise template.TemplateSyntaxError(
            f"chrome {name!r}: no block inside (pages override them)"
        )
    return ChromeNode(nodelist, name, keys, slots)


# The sections of the main navigation, by the start of the path: the link of the section a page
# belongs to is marked aria-current. The échéancier lies under /chantiers/ but is its own.
_SECTIONS = (
    ("/chantiers/", "chantiers"),
    ("/projets/", "projets"),
    ("/expertises/", "expertises"),
    ("/territoires/", "territoires"),
    ("/carte/", "carte"),
    ("/evenements/", "evenements"),
    ("/actualites/", "actualites"),
    ("/espace/", "espace"),
)


@register.filter
def nav_section(path: str) -> str:
    """The section of the site ``path`` is in ("" for none): a key of the header's part."""
    if path == reverse("chantiers:timeline"):
        return "echeancier"
    for prefix, section in _SECTIONS:
        if path.startswith(prefix):
            return section
    return ""


def _header_keys(request: HttpRequest, signed_in: bool) -> dict[str, Any]:
    """The keys of the header's tag in ``base.html`` for ``request``."""
    from portal.context_processors import SITE_NAME

    return {"site_name": SITE_NAME, "section": nav_section(request.path), "signed_in": signed_in}


def anonymous_header_span(content: bytes, request: HttpRequest) -> tuple[int, int] | None:
    """Where the anonymous visitor's header lies in ``content``, a page just rendered for
    ``request`` (so its header is in this process's memory); ``None`` if it is not there
    exactly once."""
    return part_span(content, "header", _header_keys(request, signed_in=False))


def signed_in_header_span(content: bytes, request: HttpRequest) -> tuple[int, int] | None:
    """Where the signed-in visitor's header (with the CSRF token it was rendered with) lies in
    ``content``, a page just rendered for them; ``None`` if it is not there exactly once."""
    return part_span(content, "header", _header_keys(request, signed_in=True))


def signed_in_header(request: HttpRequest) -> bytes | None:
    """The signed-in visitor's header for ``request``, with their CSRF token; ``None`` if this
    process has not rendered it for this section and language yet (it then builds the page)."""
    from django.middleware.csrf import get_token

    keys = _header_keys(request, signed_in=True)
    header = part("header", keys, {"csrf_token": lambda: get_token(request)})
    return None if header is None else header.encode()
