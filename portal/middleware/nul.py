"""NUL characters never reach a view: in a path or a form they are refused with a 400 page;
in the query string of a page read they become U+FFFD, so that a filter or a search given one
is "not understood" and answers a clear empty result, as for any other nonsense value.

No person types a NUL character, and PostgreSQL refuses one in a query parameter (psycopg2
raises ``ValueError: A string literal cannot contain NUL``): one in a path (``<str:token>``),
a query string or a form field reaching any lookup was a 500, on every page at once (Django
already drops non-printable characters from the names of uploaded files). Refused here once
rather than in each view, form and filter. A cookie holding one (the session key is looked up
in the database) is dropped instead, so that the page still works.

A page read (GET or HEAD of an HTML page) keeps working: issue 13 asks filters and search to
accept any string, and U+FFFD, the character Unicode sets for what could not be read, is one
that PostgreSQL stores and compares like any other and no filter value or search word holds.
The API and the data files (``JSON_ERROR_PATHS``) refuse it with their JSON 400 instead.

Cookies are cleaned first (before SessionMiddleware); the path, query string and form are
checked in ``process_view``: after every middleware's ``process_request`` (a size limit there
must see the request before its body is parsed), before CSRF reads the body and before any
view; the 400 page then passes back through every middleware (language, security headers).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict

from portal.errors import bad_request

logger = logging.getLogger(__name__)

NUL = "\x00"
REPLACEMENT = "\ufffd"


def _has_nul(values: Iterable[str]) -> bool:
    return any(NUL in value for value in values)


def _query_has_nul(query: Any) -> bool:
    return any(NUL in key or _has_nul(values) for key, values in query.lists())


class RefuseNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Before SessionMiddleware reads the session key from its cookie.
        cookies = request.COOKIES
        if any(NUL in key or NUL in value for key, value in cookies.items()):
            request.COOKIES = {k: v for k, v in cookies.items() if NUL not in k and NUL not in v}
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        """Before any view (an address that resolves to none is a 404 anyway); the 400 page
        then goes back through every middleware, its security headers included."""
        if NUL in request.path_info:
            return self._refuse(request, "path")
        if _query_has_nul(request.GET):
            if request.method not in ("GET", "HEAD") or re.match(
                settings.JSON_ERROR_PATHS, request.path_info
            ):
                return self._refuse(request, "query string")
            self._replace_in_query(request)
        # Parses the body; a malformed one raises here, which Django answers with a 400.
        if request.method == "POST" and (
            _query_has_nul(request.POST) or any(NUL in key for key in request.FILES)
        ):
            return self._refuse(request, "form")
        return None

    @staticmethod
    def _replace_in_query(request: HttpRequest) -> None:
        cleaned = QueryDict(mutable=True)
        for key, values in request.GET.lists():
            cleaned.setlist(
                key.replace(NUL, REPLACEMENT), [v.replace(NUL, REPLACEMENT) for v in values]
            )
        cleaned._mutable = False
        request.GET = cleaned  # type: ignore[assignment]  # made immutable just above
        request.META["QUERY_STRING"] = cleaned.urlencode()

    @staticmethod
    def _refuse(request: HttpRequest, where: str) -> HttpResponse:
        logger.warning("Refused a request with a NUL character in its %s.", where)
        return bad_request(request)
