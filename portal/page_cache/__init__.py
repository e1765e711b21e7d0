"""The shared page cache for anonymous visitors, in the configured cache (Redis in production).

A page wrapped with ``anonymous_page`` is rendered once per (path, known query, language,
host, content version) and served from the cache to every anonymous visitor until the content
changes. The content version, what moves it and how long an entry may live: ``version``; the
pages' keys, the decorator that stores and serves them and the middleware that serves a hit
before the session: ``pages``.
"""

from portal.page_cache.pages import (
    HEADER,
    KNOWN_KEYS_MAX,
    PAGE_NUMBER,
    PageCacheMiddleware,
    Params,
    anonymous_page,
    known_params,
    no_query,
    page_key,
    page_number,
    personal,
)
from portal.page_cache.version import (
    CONTENT_APPS,
    FORMAT,
    IGNORED_MODELS,
    MAX_AGE,
    USER_PRIVATE_FIELDS,
    VERSION_KEY,
    Boundary,
    connect,
    content_changed,
    content_version,
    lifetime,
    next_change,
    request_version,
    request_version_and,
    time_boundary_register,
    version_and_entry,
    version_bump,
    version_read,
)

__all__ = [
    "CONTENT_APPS",
    "FORMAT",
    "HEADER",
    "IGNORED_MODELS",
    "KNOWN_KEYS_MAX",
    "MAX_AGE",
    "PAGE_NUMBER",
    "USER_PRIVATE_FIELDS",
    "VERSION_KEY",
    "Boundary",
    "PageCacheMiddleware",
    "Params",
    "anonymous_page",
    "connect",
    "content_changed",
    "content_version",
    "known_params",
    "lifetime",
    "next_change",
    "no_query",
    "page_key",
    "page_number",
    "personal",
    "request_version",
    "request_version_and",
    "time_boundary_register",
    "version_and_entry",
    "version_bump",
    "version_read",
]
