"""The pages of the shared cache: their keys, the ``anonymous_page`` decorator that stores and
serves them, and ``PageCacheMiddleware``, which serves a hit before the session.

Only what is the same for every anonymous visitor is stored: never for a signed-in visitor
(who is never served an entry either), never a response that sets a cookie (a CSRF token
rendered, a session or a message written), never while messages wait to be shown, only 200s
to GET. The key holds only known parameters with valid values (each page names them); any
other query is answered without touching the cache, so garbage cannot fill it.

Each entry holds the content version it was built under (``portal.page_cache.version``): one
built under an older one is never served.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone, translation

from portal.cache import shared_call
from portal.page_cache.version import (
    FORMAT,
    VERSION_KEY,
    lifetime,
    version_and_entry,
    version_read,
)

HEADER = "X-Page-Cache"

Params = Callable[[HttpRequest], bool]


# --- Keys ----------------------------------------------------------------------------------------

PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,3}")


def no_query(request: HttpRequest) -> bool:
    """A page cached only without a query string."""
    return not request.META.get("QUERY_STRING")


def page_number(request: HttpRequest) -> bool:
    """A paginated page: cached without a query or with ``?page=N`` alone (N written plainly)."""
    return known_params(request, {"page": PAGE_NUMBER.fullmatch})


def known_params(request: HttpRequest, valid: dict[str, Callable[[str], Any]]) -> bool:
    """Each parameter known, given once, with a value its check accepts."""
    for name, values in request.GET.lists():
        check = valid.get(name)
        if check is None or len(values) != 1 or not check(values[0]):
            return False
    return True


def page_key(request: HttpRequest, language: str | None = None) -> str:
    """The page's key, without the version: an entry holds the version it was built under, so
    that one round trip (``get_many``) reads both, and a new entry replaces the old one.
    ``language``: the active one unless given (the middleware looks up before it is active)."""
    raw = "|".join(
        (
            str(FORMAT),
            request.get_host(),
            "https" if request.is_secure() else "http",
            language or translation.get_language() or "",
            request.path,
            request.META.get("QUERY_STRING", ""),
        )
    )
    return "pages:page:" + hashlib.sha256(raw.encode()).hexdigest()


# An entry: (version built under, body, content type, where the header lies in the body when
# a signed-in visitor may be served the page with their own header, else None).
Entry = tuple[str, bytes, str, tuple[int, int] | None]


def _hit(entry: Entry) -> HttpResponse:
    hit = HttpResponse(entry[1], content_type=entry[2])
    hit[HEADER] = "hit"
    return hit


def personal(request: HttpRequest) -> None:
    """Say that the page being built for ``request`` is not the same for a signed-in visitor
    as for an anonymous one, though its view is declared so (``anonymous_page(...,
    signed_in=True)``): a piste's page says how this visitor can take part."""
    request._page_cache_personal = True  # type: ignore[attr-defined]


# --- The decorator -----------------------------------------------------------------------------


def _messages_waiting(request: HttpRequest) -> bool:
    """Messages waiting to be shown make the page this visitor's (reading them keeps them)."""
    return len(messages.get_messages(request)) != 0  # type: ignore[arg-type]


def _without_messages(request: HttpRequest, *, signed_in: bool) -> bool:
    """A GET or HEAD by a visitor signed in (or not, as asked), with no message waiting."""
    if request.method not in ("GET", "HEAD"):
        return False
    user = getattr(request, "user", None)
    if user is None or user.is_authenticated != signed_in:
        return False
    return not _messages_waiting(request)


def _storable(request: HttpRequest, response: HttpResponseBase) -> bool:
    if request.method != "GET" or response.status_code != 200:
        return False
    if not isinstance(response, HttpResponse):  # a streaming or file response
        return False
    if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    storage = getattr(request, "_messages", None)
    return not (storage is not None and getattr(storage, "added_new", False))


# The keys a wrapped view of this process has served or stored (each a page with a valid key):
# the middleware looks up only these, so that no other request pays a round trip to the cache.
# Bounded by the pages (known parameters with valid values); emptied if it ever grows past this.
KNOWN_KEYS_MAX = 50_000
_known_keys: set[str] = set()


def _known(key: str) -> None:
    if len(_known_keys) >= KNOWN_KEYS_MAX:
        _known_keys.clear()
    _known_keys.add(key)


def _store(
    request: HttpRequest, response: HttpResponseBase, key: str, version: str, signed_in: bool
) -> None:
    """Store under the version read *before* the page was built: a write during the build
    bumps it, and the entry is never served. ``signed_in``: the view is declared the same for
    signed-in visitors but for the header, and this page did not say otherwise."""
    if not _storable(request, response) or not isinstance(response, HttpResponse):
        return
    timeout = lifetime(timezone.now(), version)
    if timeout > 0:
        header = None
        if signed_in and not getattr(request, "_page_cache_personal", False):
            from portal.templatetags.chrome import anonymous_header_span

            header = anonymous_header_span(response.content, request)
        entry: Entry = (version, response.content, response["Content-Type"], header)
        answered, _ = shared_call(cache, "set", key, entry, timeout)
        if answered:
            _known(key)


def anonymous_page(
    view: Callable[..., HttpResponseBase] | None = None,
    *,
    params: Params = no_query,
    signed_in: bool = False,
) -> Any:
    """Serve ``view`` from the shared cache to anonymous visitors. ``params(request)`` says
    whether the query string is one a key may hold (known names, valid values).

    ``signed_in=True`` declares the view's pages the same for a signed-in visitor but for the
    header of ``base.html`` (a page can still say otherwise: ``personal``): such a visitor is
    served the anonymous visitors' entry with the header swapped for theirs
    (``signed_in_header``), never storing one. ``tests/portal/test_page_cache_signed_in.py``
    holds, for every view so declared, that the page served equals the one built for them."""

    def decorate(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not _without_messages(request, signed_in=False):
                if signed_in and _without_messages(request, signed_in=True) and params(request):
                    return _signed_in(request, view, *args, **kwargs)
                return view(request, *args, **kwargs)
            if not params(request):
                return view(request, *args, **kwargs)
            key = page_key(request)
            looked_up = getattr(request, "_page_cache_looked_up", None)
            if looked_up is not None and looked_up[0] == key:
                # The middleware read both just now (a known page, stale or gone): not again.
                answered, found = True, looked_up[1]
            else:
                answered, found = shared_call(cache, "get_many", [VERSION_KEY, key])
            version = version_read(answered, found)
            if version is None:  # Redis down: built, never served from memory nor stored
                request._page_cache_version = None  # type: ignore[attr-defined]
                return view(request, *args, **kwargs)
            entry = found.get(key)
            if entry is not None and entry[0] == version:
                _known(key)
                return _hit(entry)
            request._page_cache_version = version  # type: ignore[attr-defined]
            response = view(request, *args, **kwargs)
            response[HEADER] = "miss"
            render = getattr(response, "add_post_render_callback", None)
            if render is not None and not response.is_rendered:  # type: ignore[attr-defined]
                render(lambda rendered: _store(request, rendered, key, version, signed_in))
            else:
                _store(request, response, key, version, signed_in)
            return response

        wrapped.page_cache_signed_in = signed_in  # type: ignore[attr-defined]
        return wrapped

    return decorate(view) if view is not None else decorate


def _signed_in(
    request: HttpRequest, view: Callable[..., HttpResponseBase], *args: Any, **kwargs: Any
) -> HttpResponseBase:
    """A signed-in visitor's page of a view declared the same for them: the anonymous entry
    with their header, when it is current and its page did not say it is personal; else
    built for them (and not stored). Either way the version is read once for the request."""
    from portal.templatetags.chrome import signed_in_header

    version, entry = version_and_entry(page_key(request))
    request._page_cache_version = version  # type: ignore[attr-defined]
    if entry is not None and entry[0] == version and entry[3] is not None:
        header = signed_in_header(request)
        if header is not None:
            start, end = entry[3]
            body = entry[1]
            response = HttpResponse(
                b"".join((body[:start], header, body[end:])), content_type=entry[2]
            )
            response[HEADER] = "hit"
            return response
    return view(request, *args, **kwargs)


# --- The middleware: a hit served before the session, authentication, CSRF and messages -------


def _request_language(request: HttpRequest) -> str:
    """The language ``LocaleMiddleware`` will activate for this request (its own steps)."""
    from django.conf import settings
    from django.conf.urls.i18n import is_language_prefix_patterns_used

    urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
    i18n_patterns_used, prefixed_default_language = is_language_prefix_patterns_used(urlconf)
    language = translation.get_language_from_request(request, check_path=i18n_patterns_used)
    language_from_path = translation.get_language_from_path(request.path_info)
    if not language_from_path and i18n_patterns_used and not prefixed_default_language:
        language = settings.LANGUAGE_CODE
    return language


class PageCacheMiddleware:
    """Serve a cache hit before the rest of the middleware runs (session, locale, CSRF,
    authentication, messages, the URL resolver): placed after the ones that add the security
    headers (security, CORS, X-Frame-Options, CSP), before ``SessionMiddleware``.

    Only a GET or HEAD carrying neither a session cookie nor a messages cookie: its visitor is
    anonymous and has no message waiting, as ``anonymous_page`` requires, and the key holds
    the very path and query string a wrapped view accepted and stored. Only keys a wrapped view
    of this process has served are looked up; anything else (a miss, a stale entry, another
    page) goes on as before, and the view's wrapper builds and stores it. The answer carries
    what the skipped middleware would add to a hit: ``Content-Language`` and
    ``Vary: Accept-Language, Cookie``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        from django.conf import settings
        from django.contrib.messages.storage.cookie import CookieStorage

        self.get_response = get_response
        self.cookies = (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        hit = self._lookup(request)
        return hit if hit is not None else self.get_response(request)

    def _lookup(self, request: HttpRequest) -> HttpResponse | None:
        from django.core.exceptions import DisallowedHost
        from django.utils.cache import patch_vary_headers

        if request.method not in ("GET", "HEAD") or not _known_keys:
            return None
        if any(name in request.COOKIES for name in self.cookies):
            return None
        language = _request_language(request)
        try:
            key = page_key(request, language)
        except DisallowedHost:  # answered by CommonMiddleware, as before
            return None
        if key not in _known_keys:
            return None
        answered, found = shared_call(cache, "get_many", [VERSION_KEY, key])
        if not answered:
            return None
        entry = found.get(key)
        if entry is None or entry[0] != found.get(VERSION_KEY):
            # The view's wrapper builds the page: what was read here spares it a round trip.
            request._page_cache_looked_up = (key, found)  # type: ignore[attr-defined]
            return None
        response = _hit(entry)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", language)
        response.headers.setdefault("Content-Length", str(len(response.content)))
        return response
