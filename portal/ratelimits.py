"""The limits of the public forms that send email (newsletter subscription, officers' contact).

Each attempt counts against every limit of its form, per visitor address and, once the form is
valid, per email address typed: a burst and a sustained flood from one visitor, and one mailbox
written to again and again. Counted by django-ratelimit in the default cache (Redis through
``portal.cache``, which counts in the process's memory while Redis is down).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FormLimits:
    group: str
    per_ip: tuple[str, ...]
    per_email: str

    def _over(self, request: HttpRequest, *, key: Any, rate: str) -> bool:
        try:
            return bool(
                is_ratelimited(request, group=self.group, key=key, rate=rate, increment=True)
            )
        except Exception:
            # A cache that cannot count must not turn a form into a 500: it stays open.
            logger.warning(
                "Rate limit %s not counted (cache unavailable).", self.group, exc_info=True
            )
            return False

    def exceeded(self, request: HttpRequest, *, email: str | None) -> bool:
        """Count this attempt against every limit (no short-circuit, so that a flood of junk
        counts too); ``email`` is the normalised address of a valid form, else None."""
        limited = [self._over(request, key="ip", rate=rate) for rate in self.per_ip]
        if email is not None:
            limited.append(
                self._over(request, key=lambda _group, _request: email, rate=self.per_email)
            )
        return any(limited)
