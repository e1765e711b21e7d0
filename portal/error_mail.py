"""Server errors mailed to ADMINS through the outbox: at most one message per kind of error and
per hour, and never sent from inside the request that failed.

Django's own ``AdminEmailHandler`` connects to the mail server inside the failing request, once
per error: ten bad requests sent ten emails and kept ten workers waiting on SMTP. Here the
message is only written to the outbox (``OutgoingEmail``), keyed by the kind of error (its
logger, exception type and the place it was raised) and the hour, so the unique key lets one
through per hour; the sender's periodic sweep sends it within a minute. The request's error is
still logged in full by the console handler (docs: LOGGING in portal/settings/base.py).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import traceback
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils.log import AdminEmailHandler

# One message per kind of error within this many seconds.
THROTTLE_SECONDS = 3600
# Kinds already queued in this process: skips the database for a flood of the same error.
_recent: dict[str, float] = {}
_RECENT_MAX = 1000
# The outbox key of the error being reported, from emit() to send_mail() (same thread).
_current = threading.local()


def error_signature(record: logging.LogRecord) -> str:
    """What makes two errors "the same": logger, exception type and where it was raised (or
    the message template when there is no exception), never the variable parts of a request."""
    parts = [record.name, str(record.msg)]
    if record.exc_info and record.exc_info[0] is not None:
        exc_type, _exc, tb = record.exc_info
        parts = [record.name, f"{exc_type.__module__}.{exc_type.__qualname__}"]
        frames = traceback.extract_tb(tb) if tb else []
        if frames:
            parts.append(f"{frames[-1].filename}:{frames[-1].lineno}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]


def _admin_addresses() -> list[str]:
    return [admin[1] if isinstance(admin, list | tuple) else admin for admin in settings.ADMINS]


class OutboxAdminEmailHandler(AdminEmailHandler):
    """``mail_admins`` of the ``django`` logger (see LOGGING): queued, throttled, never sent
    in the request."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if not _admin_addresses():
                return
            signature = error_signature(record)
            now = time.time()
            if _recent.get(signature, 0.0) > now:
                return
            if len(_recent) > _RECENT_MAX:
                _recent.clear()
            _recent[signature] = now + THROTTLE_SECONDS
            _current.key = f"server-error:{signature}:{int(now // THROTTLE_SECONDS)}"
            super().emit(record)  # builds the subject and the report, then calls send_mail
        except Exception:
            # A report that cannot be written must not turn into an error of its own.
            self.handleError(record)

    def send_mail(self, subject: Any, message: Any, *args: Any, **kwargs: Any) -> None:
        from portal.mail import email_queue

        html = kwargs.get("html_message") or ""
        for address in _admin_addresses():
            try:
                with transaction.atomic():
                    email_queue(
                        to=address,
                        subject=f"{settings.EMAIL_SUBJECT_PREFIX}{subject}",
                        body_text=message,
                        body_html=str(html),
                        key=_current.key,
                        wake=False,  # the sweep sends it: nothing of the sending in the request
                    )
            except DatabaseError:
                # The database may be what failed: the console log keeps the error.
                logging.getLogger(__name__).warning(
                    "Could not queue the error report for %s.", address, exc_info=True
                )
