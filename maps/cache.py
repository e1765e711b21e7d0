"""Cached GeoJSON responses, keyed by validated parameters and a version of the map's data.

A layer is built once per (layer, validated filters, language, data version) and served from
the configured cache until the data changes: every write to what the map shows bumps the
version (``maps.invalidation``), so no entry is ever read again after a change. A layer that
changes with time alone (upcoming events become past) is stored only until the first of its
events would move. Requests whose parameters are not all known and valid (free text, unknown
names, wrong values) are answered without touching the cache, so garbage cannot fill it.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import quote_etag

from portal.cache import shared_call
from portal.commit_hooks import on_commit_once

VERSION_KEY = "maps:data-version"
# Raise when the shape of the features changes, so that a deployment never serves old entries.
FORMAT = 1
# Longest life of an entry, in case a write ever bypasses the invalidation (a raw SQL fix).
MAX_AGE = 3600
CONTENT_TYPE = "application/geo+json"


@dataclass(frozen=True)
class Layer:
    """What a layer's builder returns: its features, and when they stop being true by time."""

    features: list[dict[str, Any]]
    expires_at: datetime | None = None


def _new_version() -> str:
    return f"{time.time_ns()}-{uuid.uuid4().hex[:8]}"


def data_version() -> str | None:
    """The current version, from the shared store alone (``None`` while Redis is down: layers
    are then built each time, never kept in one process's memory, which another process's
    write would not reach)."""
    answered, version = shared_call(cache, "get", VERSION_KEY)
    if answered and version is None:
        # Lost (evicted, or a fresh cache): any new value is as good, none can be stale.
        shared_call(cache, "add", VERSION_KEY, _new_version(), None)
        answered, version = shared_call(cache, "get", VERSION_KEY)
    return str(version) if answered and version is not None else None


def version_bump() -> None:
    """A new version: no entry cached before is read again."""
    shared_call(cache, "set", VERSION_KEY, _new_version(), None)


def redis_back(sender: Any, **kwargs: Any) -> None:
    """Redis answers this process again: writes it served meanwhile bumped no version there."""
    if getattr(cache, "breaker", None) is sender:
        version_bump()


def data_changed() -> None:
    """The map's data changed: bump once the transaction commits (one Redis write however
    many rows it changes; none if it rolls back), at once outside a transaction. Only then
    can other processes read the new rows; a reader that read the old version before the
    commit stored its layer under that old version, never read again. Layers are built by GET
    views outside any transaction, so none reads rows not committed yet."""
    on_commit_once(version_bump)


def cache_key(layer: str, params: Mapping[str, str]) -> str | None:
    """Only validated values reach here; the key is hashed so that its length is bounded too.
    ``None``: nothing may be cached now (Redis down)."""
    version = data_version()
    if version is None:
        return None
    parts = "&".join(f"{name}={value}" for name, value in sorted(params.items()) if value)
    raw = f"{FORMAT}|{layer}|{version}|{translation.get_language()}|{parts}"
    return "maps:layer:" + hashlib.sha256(raw.encode()).hexdigest()


def _body(layer: Layer) -> bytes:
    collection = {"type": "FeatureCollection", "features": layer.features}
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()


def _timeout(layer: Layer) -> int:
    if layer.expires_at is None:
        return MAX_AGE
    seconds = int((layer.expires_at - timezone.now()).total_seconds())
    return max(0, min(MAX_AGE, seconds))


def geojson_response(
    request: HttpRequest,
    *,
    layer: str,
    params: Mapping[str, str] | None,
    build: Callable[[], Layer],
) -> HttpResponse:
    """The layer as GeoJSON, from the cache when ``params`` (validated) allow it; ``None``
    means "not cacheable". Browsers revalidate each time and get a 304 while it is the same."""
    body: bytes | None = None
    key = cache_key(layer, params) if params is not None else None
    if key is not None:
        _answered, body = shared_call(cache, "get", key)
        if body is None:
            built = build()
            body = _body(built)
            timeout = _timeout(built)
            if timeout > 0:
                shared_call(cache, "set", key, body, timeout)
    else:
        body = _body(build())
    etag = quote_etag(hashlib.sha256(body).hexdigest()[:32])
    response: HttpResponse
    if etag in _if_none_match(request):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["ETag"] = etag
    # Stored by browsers but checked each time: an edit shows on the next load.
    response["Cache-Control"] = "no-cache"
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


def _if_none_match(request: HttpRequest) -> set[str]:
    header = request.headers.get("If-None-Match", "")
    return {part.strip().removeprefix("W/") for part in header.split(",") if part.strip()}
