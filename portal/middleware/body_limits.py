"""Request bodies over a set size are refused before anything reads them.

The CSRF middleware reads a POST body (a multipart body spooled to disk) before the view runs,
and DATA_UPLOAD_MAX_MEMORY_SIZE does not bound file parts: so this sits before it and decides
from the Content-Length header alone (a body without one is never read by Django). Every path
takes ``REQUEST_BODY_MAX_BYTES``; the staff's CSV import pages (``UPLOAD_PATHS``) take
``UPLOAD_BODY_MAX_BYTES``. The reverse proxy (docker/nginx/default.conf.template) applies the
same limits, so a large body is refused there before it reaches gunicorn.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from http import HTTPStatus

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def body_limit(path: str) -> int:
    """The largest body, in bytes, that ``path`` accepts."""
    if re.match(settings.UPLOAD_PATHS, path):
        return int(settings.UPLOAD_BODY_MAX_BYTES)
    return int(settings.REQUEST_BODY_MAX_BYTES)


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


class RequestBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = body_limit(request.path_info)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # as Django reads it: no body at all
        if length > limit:
            return render(
                request,
                "413.html",
                {
                    "limit": megabytes(limit),
                    "upload": limit == settings.UPLOAD_BODY_MAX_BYTES,
                },
                status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
            )
        return self.get_response(request)
