"""The shared page cache for anonymous visitors, in the configured cache (Redis in production).

A page wrapped with ``anonymous_page`` is rendered once per (path, known query, language,
host, content version) and served from the cache to every anonymous visitor until the content
changes. Nothing is ever stale:

- every save, deletion or many-to-many change of a model of the content apps bumps the version
  (model signals, so every door is covered: pages, "Mon espace", the admin, commands, the seed),
  as does ``portal.signals.rows_changed``, which bulk writes and conditional UPDATEs send (a
  seat taken, projects confirmed, an issue marked sent); the bump happens once per
  transaction, after its commit (``portal.commit_hooks``): only then can other processes read
  the new rows, and a reader that read the old version before the commit stored its entry
  under that old version, never served again. Outside a transaction it happens at once;
- what changes with time alone (an event starting or ending, a registration window opening or
  closing, a scheduled news item coming out, a new day) bounds each entry's life: the apps
  register the next such moment (``time_boundary_register``), and an entry never outlives it.

Only what is the same for every anonymous visitor is stored: never for a signed-in visitor
(who is never served an entry either), never a response that sets a cookie (a CSRF token
rendered, a session or a message written), never while messages wait to be shown, only 200s
to GET. The key holds only known parameters with valid values (each page names them); any
other query is answered without touching the cache, so garbage cannot fill it.
"""

from __future__ import annotations

import functools
import hashlib
import re
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone, translation

from portal.cache import shared_call
from portal.circuit import breaker_closed
from portal.commit_hooks import on_commit_once

VERSION_KEY = "pages:content-version"
# Raise when the pages' shape changes in a way the version cannot see (a deployment).
FORMAT = 1
# Longest life of an entry, in case a write ever bypasses the invalidation (a raw SQL fix).
MAX_AGE = 3600
HEADER = "X-Page-Cache"

# The apps whose rows pages show; a change to any of their models (but the ones below, which
# no page shows) bumps the version. ``portal`` for the User: names of officers and leaders.
CONTENT_APPS = frozenset(
    {"portal", "territoires", "chantiers", "projets", "events", "expertises", "newsletter"}
)
IGNORED_MODELS = frozenset(
    {
        "portal.outgoingemail",
        "events.calendarfeedtoken",
        "newsletter.subscriber",
        "newsletter.delivery",
    }
)
# A User saved for these fields alone (a sign-in) changes no page.
USER_PRIVATE_FIELDS = frozenset({"last_login", "password"})

Params = Callable[[HttpRequest], bool]
Boundary = Callable[[datetime], datetime | None]

_boundaries: list[Boundary] = []


# --- The version ------------------------------------------------------------------------------


def _new_version() -> str:
    return f"{time.time_ns()}-{uuid.uuid4().hex[:8]}"


def content_version() -> str | None:
    """The current version, from the shared store alone; ``None`` while it cannot answer
    (Redis down): then nothing is served from the cache or stored in it."""
    answered, version = shared_call(cache, "get", VERSION_KEY)
    if not answered:
        return None
    if version is None:
        # Lost (evicted, a fresh cache): any new value is as good, none can be stale.
        shared_call(cache, "add", VERSION_KEY, _new_version(), None)
        answered, version = shared_call(cache, "get", VERSION_KEY)
        if not answered or version is None:
            return None
    return str(version)


def version_bump() -> None:
    """A new version: no page cached before is served again. With Redis down the bump is lost,
    and nothing is cached meanwhile; Redis answering again bumps (``_redis_back``)."""
    shared_call(cache, "set", VERSION_KEY, _new_version(), None)


def _redis_back(sender: Any, **kwargs: Any) -> None:
    """Redis answers this process again: the writes it served meanwhile bumped no version
    there, so pages cached before the outage must not be served."""
    if getattr(cache, "breaker", None) is sender:
        version_bump()


def content_changed() -> None:
    """What pages show changed: bump once the transaction commits (one Redis write however
    many rows it changes; none if it rolls back), at once outside a transaction.

    Pages and fragments are built by GET views outside any transaction (no
    ``ATOMIC_REQUESTS``): none is built where it could read rows not committed yet."""
    on_commit_once(version_bump)


def _watched(model: type[models.Model]) -> bool:
    meta = model._meta
    if meta.app_label not in CONTENT_APPS or meta.label_lower in IGNORED_MODELS:
        return False
    # django-simple-history's records go with a save that is already caught.
    return not (meta.model_name or "").startswith("historical")


def _saved(sender: Any, **kwargs: Any) -> None:
    if not _watched(sender):
        return
    fields = kwargs.get("update_fields")
    if sender._meta.label_lower == "portal.user" and fields and set(fields) <= USER_PRIVATE_FIELDS:
        return
    content_changed()


def _deleted(sender: Any, **kwargs: Any) -> None:
    if _watched(sender):
        content_changed()


def _m2m_changed(sender: Any, **kwargs: Any) -> None:
    if kwargs.get("action", "").startswith("post_") and _watched(kwargs["model"]):
        content_changed()


def _rows_changed(sender: Any, **kwargs: Any) -> None:
    if isinstance(sender, type) and issubclass(sender, models.Model) and _watched(sender):
        content_changed()


def connect() -> None:
    """Called once by ``PortalConfig.ready``: receivers for every model, filtered by app."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from portal.signals import rows_changed

    post_save.connect(_saved, dispatch_uid="portal.page_cache.save")
    post_delete.connect(_deleted, dispatch_uid="portal.page_cache.delete")
    m2m_changed.connect(_m2m_changed, dispatch_uid="portal.page_cache.m2m")
    rows_changed.connect(_rows_changed, dispatch_uid="portal.page_cache.rows_changed")
    breaker_closed.connect(_redis_back, dispatch_uid="portal.page_cache.redis_back")


# --- Time ---------------------------------------------------------------------------------------


def time_boundary_register(boundary: Boundary) -> None:
    """``boundary(now)`` gives the next moment after ``now`` when a page of the app changes by
    time alone (``None``: none known). Apps register theirs in ``AppConfig.ready``."""
    if boundary not in _boundaries:
        _boundaries.append(boundary)


def _next_midnight(now: datetime) -> datetime:
    local = timezone.localtime(now)
    tomorrow = (local + timedelta(days=1)).date()
    return timezone.make_aware(datetime.combine(tomorrow, datetime.min.time()))


# The next change by time under one content version, in this process: (version, moment).
_next_change: tuple[str, datetime] | None = None


def next_change(now: datetime, version: str | None = None) -> datetime:
    """The first moment after ``now`` when some page changes by time alone. Kept in this
    process under the content version (``version``: the one a page or fragment being stored
    was built under, read before it) until it passes: computed once per version and process,
    so that the misses after a write do not query for it again. The boundaries' statements
    are compiled once (two cheap queries): computing again costs less than a round trip to
    share the result through the cache."""
    global _next_change
    if version is None:
        version = content_version()
    known = _next_change
    if known is not None and version is not None and known[0] == version and known[1] > now:
        return known[1]
    moments = [_next_midnight(now)]
    for boundary in _boundaries:
        moment = boundary(now)
        if moment is not None and moment > now:
            moments.append(moment)
    result = min(moments)
    if version is not None:
        _next_change = (version, result)
    return result


def lifetime(now: datetime, version: str) -> int:
    """How long, in seconds, an entry built under ``version`` may live from ``now``."""
    return min(MAX_AGE, int((next_change(now, version) - now).total_seconds()))


_UNREAD = object()


def request_version(request: HttpRequest | None) -> str | None:
    """The content version this request's page and fragments are built under: read once, before
    the first of them is built (``anonymous_page`` gives the one it read). ``None``: the shared
    store cannot answer, nothing is cached for this request."""
    version = getattr(request, "_page_cache_version", _UNREAD)
    if version is _UNREAD:
        version = content_version()
        if request is not None:
            request._page_cache_version = version  # type: ignore[attr-defined]
    return None if version is None else str(version)


def request_version_and(request: HttpRequest | None, key: str) -> tuple[str | None, Any]:
    """``request_version`` and the entry at ``key`` (None if absent or unread): one round
    trip (``get_many``) when the version is not read yet, as for the first fragment of a
    signed-in visitor's page; else the entry alone."""
    version = getattr(request, "_page_cache_version", _UNREAD)
    if version is _UNREAD:
        answered, found = shared_call(cache, "get_many", [VERSION_KEY, key])
        version = found.get(VERSION_KEY) if answered else None
        if answered and version is None:
            version = content_version()  # lost: a new one (no entry can hold it)
        if request is not None:
            request._page_cache_version = version  # type: ignore[attr-defined]
        return (None, None) if version is None else (str(version), found.get(key))
    if version is None:
        return None, None
    _answered, entry = shared_call(cache, "get", key)
    return str(version), entry


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


def _hit(entry: tuple[str, bytes, str]) -> HttpResponse:
    hit = HttpResponse(entry[1], content_type=entry[2])
    hit[HEADER] = "hit"
    return hit


# --- The decorator -----------------------------------------------------------------------------


def _anonymous_without_messages(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    user = getattr(request, "user", None)
    if user is None or user.is_authenticated:
        return False
    # Messages waiting to be shown make the page this visitor's (reading them keeps them).
    return len(messages.get_messages(request)) == 0  # type: ignore[arg-type]


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


def _store(request: HttpRequest, response: HttpResponseBase, key: str, version: str) -> None:
    """Store under the version read *before* the page was built: a write during the build
    bumps it, and the entry is never served."""
    if not _storable(request, response) or not isinstance(response, HttpResponse):
        return
    timeout = lifetime(timezone.now(), version)
    if timeout > 0:
        answered, _ = shared_call(
            cache, "set", key, (version, response.content, response["Content-Type"]), timeout
        )
        if answered:
            _known(key)


def anonymous_page(
    view: Callable[..., HttpResponseBase] | None = None, *, params: Params = no_query
) -> Any:
    """Serve ``view`` from the shared cache to anonymous visitors. ``params(request)`` says
    whether the query string is one a key may hold (known names, valid values)."""

    def decorate(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not (_anonymous_without_messages(request) and params(request)):
                return view(request, *args, **kwargs)
            key = page_key(request)
            looked_up = getattr(request, "_page_cache_looked_up", None)
            if looked_up is not None and looked_up[0] == key:
                # The middleware read both just now (a known page, stale or gone): not again.
                answered, found = True, looked_up[1]
            else:
                answered, found = shared_call(cache, "get_many", [VERSION_KEY, key])
            version = found.get(VERSION_KEY) if answered else None
            if answered and version is None:
                version = content_version()
            if version is None:  # Redis down: built, never served from memory nor stored
                request._page_cache_version = None  # type: ignore[attr-defined]
                return view(request, *args, **kwargs)
            entry = found.get(key)
            if entry is not None and entry[0] == version:
                _known(key)
                return _hit(entry)
            request._page_cache_version = str(version)  # type: ignore[attr-defined]
            response = view(request, *args, **kwargs)
            response[HEADER] = "miss"
            render = getattr(response, "add_post_render_callback", None)
            if render is not None and not response.is_rendered:  # type: ignore[attr-defined]
                render(lambda rendered: _store(request, rendered, key, str(version)))
            else:
                _store(request, response, key, str(version))
            return response

        return wrapped

    return decorate(view) if view is not None else decorate


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
