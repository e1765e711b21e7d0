"""CSRF for the forms of pages served from the shared cache (``portal.page_cache``).

A page the same for every anonymous visitor cannot carry a CSRF token (it is per visitor, and
rendering one sets a cookie). The forms such a page holds for anonymous visitors (the footer's
newsletter form, the language switcher, the province's contact form) post to views exempt from
the CSRF check, because none of them acts with the visitor's session: see docs/ARCHITECTURE.md,
"CSRF and the cached pages" (the page cache itself: docs/page-cache.md).
A view that *may* act for a signed-in person (the officers' contact sends a copy to their
account's address) does so only when the request carries a valid token, as the signed-in
page's form does: ``csrf_verified`` runs the middleware's own check.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware


def _view(request: HttpRequest) -> HttpResponse:  # pragma: no cover - never called
    raise AssertionError


def csrf_verified(request: HttpRequest) -> bool:
    """Whether the request passes Django's CSRF check (origin, referer, cookie and token).
    A failure is logged as the middleware logs it: call it only where a session matters."""
    middleware = CsrfViewMiddleware(_view)
    request.csrf_processing_done = False  # type: ignore[attr-defined]
    return middleware.process_view(request, _view, (), {}) is None
