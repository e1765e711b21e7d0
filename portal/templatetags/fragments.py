"""``{% shared_fragment "name" key… %}…{% endshared_fragment %}``: a part of a page that is the
same for everyone who sees it (a chantier's échéancier), rendered once per content version of
the page cache (``portal.page_cache``), language and keys, then reused by every rendering of
any page that holds it, signed-in visitors' included. It follows the page cache exactly: a
write bumps the version, and an entry lives no longer than the next change by time.

Only for parts that hold nothing of the visitor (no ``user``, no form, no CSRF token).
"""

from __future__ import annotations

import hashlib

from django import template
from django.core.cache import cache
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.template.context import Context
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from portal import page_cache
from portal.cache import shared_call

register = template.Library()


class SharedFragmentNode(template.Node):
    def __init__(self, nodelist: NodeList, name: FilterExpression, keys: list[FilterExpression]):
        self.nodelist = nodelist
        self.name = name
        self.keys = keys

    def render(self, context: Context) -> SafeString:
        parts = [str(self.name.resolve(context))]
        parts += [str(key.resolve(context)) for key in self.keys]
        # The key holds no version: the entry does, so that the first fragment of a page reads
        # the version and itself in one round trip, and a new entry replaces the stale one.
        raw = "|".join([str(page_cache.FORMAT), translation.get_language() or "", *parts])
        key = "pages:fragment:" + hashlib.sha256(raw.encode()).hexdigest()
        version, entry = page_cache.request_version_and(context.get("request"), key)
        if version is None:  # the shared store cannot answer (Redis down): built each time
            return mark_safe(self.nodelist.render(context))
        if entry is not None and entry[0] == version:
            html = entry[1]
        else:
            html = str(self.nodelist.render(context))
            timeout = page_cache.lifetime(timezone.now(), version)
            if timeout > 0:
                shared_call(cache, "set", key, (version, html), timeout)
        # Rendered (and escaped) by the template engine before it was stored.
        return mark_safe(html)


@register.tag
def shared_fragment(parser: Parser, token: Token) -> SharedFragmentNode:
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("shared_fragment takes a name, then keys")
    nodelist = parser.parse(("endshared_fragment",))
    parser.delete_first_token()
    return SharedFragmentNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]]
    )
