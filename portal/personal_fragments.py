"""Parts of a signed-in page that are one person's alone ("Mon espace"), kept in the cache for
that person: rendered once per person, content version of the page cache (``portal.page_cache``),
language and keys, then served to that person alone until something they show changes.

Never another person's: the person's primary key is part of the key, and a part is looked up
only for the person signed in on the request. Never stale: what such a part shows are rows of
the content apps (projects, requests, provinces, the User), whose every write bumps the content
version; an entry lives no longer than the next change by time either. While Redis is down
(the breaker open, ``portal.circuit``) nothing is kept: each process would keep its own copy,
which another process's write would not reach. What is personal but
not such a row never goes in: the session's messages, a form, a CSRF token (the chrome writes
those at each rendering; a page kept whole is kept without its header), and whatever the keys
must say instead (a staff member's permissions, which live in ``django.contrib.auth``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from portal import page_cache
from portal.cache import shared_call


def _key(user_pk: object, name: str, keys: Iterable[object]) -> str:
    raw = "|".join(
        [str(page_cache.FORMAT), str(user_pk), translation.get_language() or "", name]
        + [str(key) for key in keys]
    )
    return "pages:personal:" + hashlib.sha256(raw.encode()).hexdigest()


def personal_fragment(
    request: HttpRequest,
    name: str,
    keys: Iterable[object],
    build: Callable[[], tuple[str, bool]],
) -> SafeString:
    """The part ``name`` of the signed-in person's page for ``keys`` (few values each: a page
    number the page has), from the cache or from ``build()``, which gives the HTML (rendered by
    the template engine, hence escaped) and whether it may be kept (the page asked for exists)."""
    user = request.user
    if not user.is_authenticated:
        raise ValueError("A personal fragment needs a signed-in person.")
    key = _key(user.pk, name, keys)
    # From the shared store alone: with Redis down the cache would answer from this process's
    # memory, which another process's write does not reach. Built each time then.
    version, entry = page_cache.version_and_entry(key)
    if version is None:
        return mark_safe(build()[0])
    if entry is not None and entry[0] == version:
        return mark_safe(entry[1])
    # Built from the rows as they are after the version was read: a write meanwhile bumps the
    # version, and this entry, stored under the old one, is never served.
    html, keep = build()
    if keep:
        timeout = page_cache.lifetime(timezone.now(), version)
        if timeout > 0:
            shared_call(cache, "set", key, (version, str(html)), timeout)
    return mark_safe(html)


# --- Whole pages ----------------------------------------------------------------------------------
# A page whose every part is the person's kept body or the chrome (no form, no message) can be
# kept whole: the page as rendered for them, with where its header lies, so that a return to it
# renders nothing. The page is kept without its header, which is written afresh at each
# serving, with the CSRF token drawn for that response.


def personal_page(request: HttpRequest, name: str, keys: Iterable[object]) -> HttpResponse | None:
    """The page ``name`` kept for the person signed in on ``request`` under ``keys`` (the full
    path among them: the language switcher sends back to it), with their header; ``None``: to
    be built, then given to ``personal_page_keep``. Never with messages waiting (the page
    would show them), never while the shared store cannot answer."""
    from portal.templatetags.chrome import signed_in_header

    user = request.user
    if not user.is_authenticated or request.method not in ("GET", "HEAD"):
        return None
    if len(messages.get_messages(request)) != 0:  # type: ignore[arg-type]
        return None
    key = _key(user.pk, name, keys)
    version, entry = page_cache.version_and_entry(key)
    if version is None:
        return None
    request._personal_page = (key, version)  # type: ignore[attr-defined]
    if entry is None or entry[0] != version:
        return None
    header = signed_in_header(request)
    if header is None:  # this process has not rendered it yet: built once
        return None
    start, end = entry[3]
    response = HttpResponse(b"".join((entry[1][:start], header, entry[1][end:])))
    response["Content-Type"] = entry[2]
    response[page_cache.HEADER] = "hit"
    return response


def personal_page_keep(request: HttpRequest, response: HttpResponseBase) -> None:
    """Keep ``response``, the page just built after ``personal_page`` found none, under the
    version read before it was built: a 200 to a GET, no message shown, its header found."""
    from portal.templatetags.chrome import signed_in_header_span

    looked_up = getattr(request, "_personal_page", None)
    if looked_up is None or request.method != "GET" or response.status_code != 200:
        return
    if not isinstance(response, HttpResponse):
        return
    storage = getattr(request, "_messages", None)
    if storage is not None and (getattr(storage, "used", False) or storage.added_new):
        return
    span = signed_in_header_span(response.content, request)
    if span is None:
        return
    key, version = looked_up
    timeout = page_cache.lifetime(timezone.now(), version)
    if timeout > 0:
        # Kept without its header, whose CSRF token is this response's alone.
        start, end = span
        content = response.content[:start] + response.content[end:]
        entry = (version, content, response["Content-Type"], (start, start))
        shared_call(cache, "set", key, entry, timeout)
