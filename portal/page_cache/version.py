"""The page cache's content version, and how long an entry built under it may live.

Nothing is ever stale:

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

The page and the fragments of one request are built under the version read before the first of
them (``request_version``).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from portal.cache import shared_call
from portal.circuit import breaker_closed
from portal.commit_hooks import on_commit_once

VERSION_KEY = "pages:content-version"
# Raise when the pages' shape changes in a way the version cannot see (a deployment).
FORMAT = 2
# Longest life of an entry, in case a write ever bypasses the invalidation (a raw SQL fix).
MAX_AGE = 3600

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


def version_read(answered: bool, found: dict[str, Any]) -> str | None:
    """The content version in ``found``, what a ``get_many`` of ``VERSION_KEY`` and an entry
    gave (a new one if it was lost: no entry can hold it); ``None``: Redis did not answer."""
    version = found.get(VERSION_KEY) if answered else None
    if answered and version is None:
        version = content_version()
    return None if version is None else str(version)


def version_and_entry(key: str) -> tuple[str | None, Any]:
    """The content version and the entry at ``key``, in one round trip (``get_many``), from
    the shared store alone; ``(None, None)`` while it cannot answer (each process's memory
    would hold its own copy, which another process's write does not reach)."""
    answered, found = shared_call(cache, "get_many", [VERSION_KEY, key])
    version = version_read(answered, found)
    return (None, None) if version is None else (version, found.get(key))


def request_version_and(request: HttpRequest | None, key: str) -> tuple[str | None, Any]:
    """``request_version`` and the entry at ``key`` (None if absent or unread): one round
    trip (``get_many``) when the version is not read yet, as for the first fragment of a
    signed-in visitor's page; else the entry alone."""
    version = getattr(request, "_page_cache_version", _UNREAD)
    if version is _UNREAD:
        version, entry = version_and_entry(key)
        if request is not None:
            request._page_cache_version = version  # type: ignore[attr-defined]
        return version, entry
    if version is None:
        return None, None
    _answered, entry = shared_call(cache, "get", key)
    return str(version), entry
