"""django-csp's middleware, with the policy built once when nothing in it varies.

django-csp rebuilds the Content-Security-Policy header on every response (copies of the
settings, a dataclass turned into a dict, the directives joined): a seventh of the CPU of a page
served from the page cache. The header depends only on the settings, unless a response asks
for its own policy (django-csp's ``csp_update``, ``csp_replace``, ``csp_exempt`` decorators), the
request used a nonce, the path is one the settings exclude, or it is a debug page. In those
cases the parent builds it as before; otherwise the headers the parent built the first time are
reused.
"""

from __future__ import annotations

from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase

# What makes a response's policy its own (django-csp's decorators set these on it).
_RESPONSE_PARTS = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)


def _excluded_prefixes() -> tuple[str, ...]:
    prefixes: list[str] = []
    for name in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"):
        policy = getattr(settings, name, None) or {}
        prefixes += policy.get("EXCLUDE_URL_PREFIXES", None) or ()
    return tuple(prefixes)


class PolicyOnceCSPMiddleware(CSPMiddleware):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._excluded = _excluded_prefixes()
        self._headers: tuple[str | None, str | None] | None = None

    def _own_policy(self, request: HttpRequest, response: HttpResponseBase) -> bool:
        return (
            getattr(request, "_csp_nonce", None) is not None
            or any(getattr(response, name, None) is not None for name in _RESPONSE_PARTS)
            or HEADER in response
            or HEADER_REPORT_ONLY in response
            or (bool(self._excluded) and request.path_info.startswith(self._excluded))
            # The parent leaves Django's debug pages without a header.
            or (settings.DEBUG and response.status_code in (404, 500))
        )

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if self._own_policy(request, response):
            return super().process_response(request, response)
        if self._headers is None:
            response = super().process_response(request, response)
            self._headers = (response.get(HEADER), response.get(HEADER_REPORT_ONLY))
            return response
        policy, report_only = self._headers
        if policy:
            response[HEADER] = policy
        if report_only:
            response[HEADER_REPORT_ONLY] = report_only
        # As the parent does: a nonce asked for once the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
