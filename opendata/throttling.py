"""The rate limit of the API and the downloads: per visitor address, counted in the cache."""

from __future__ import annotations

import logging
from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from portal.adapters import client_ip

logger = logging.getLogger(__name__)


class VisitorRateThrottle(SimpleRateThrottle):
    """``API_RATE_LIMIT`` requests per address. The address is read as allauth and the
    newsletter form read it (X-Forwarded-For only as far as our proxies). When the cache
    cannot be reached the request goes through: public data is not worth an outage."""

    scope = "opendata"

    def get_cache_key(self, request: Request, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}

    def allow_request(self, request: Request, view: Any) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception:  # the cache backend's own errors (Redis down or hung): fail open
            logger.warning("API rate limit skipped: the cache did not answer", exc_info=True)
            return True
