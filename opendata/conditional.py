"""ETag and Last-Modified on every answer of the open data, and 304 when nothing changed."""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag


def conditional_response(
    request: HttpRequest, response: HttpResponse, *, last_modified: datetime.datetime
) -> HttpResponse:
    """Stamp a rendered 200 with its validators and answer 304 when the client's are current.

    The ETag is a digest of the body itself, so it changes whenever the answer does, whatever
    the cause; Last-Modified is the dataset's last change (datasets.dataset_last_modified).
    HTTP dates count whole seconds: a date given during the second of a change could be
    followed by another change in that same second, which the date would not show. So, as
    Apache does, no Last-Modified while that second lasts; the ETag still validates.
    """
    response["Link"] = f'<{settings.OPEN_DATA_LICENSE_URL}>; rel="license"'
    if response.status_code != 200 or request.method not in ("GET", "HEAD"):
        return response
    content = getattr(response, "content", b"")
    response["ETag"] = quote_etag(hashlib.sha256(content).hexdigest()[:32])
    seconds: int | None = int(last_modified.timestamp())
    if seconds is not None and seconds >= int(timezone.now().timestamp()):
        seconds = None
    else:
        response["Last-Modified"] = http_date(seconds)
    answer = get_conditional_response(
        request, etag=response["ETag"], last_modified=seconds, response=response
    )
    return answer if answer is not None else response
