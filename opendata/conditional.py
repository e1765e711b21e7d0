"""ETag and Last-Modified on every answer of the open data, and 304 when nothing changed."""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag


def conditional_response(
    request: HttpRequest, response: HttpResponseBase, *, last_modified: datetime.datetime
) -> HttpResponseBase:
    """Stamp a rendered 200 with its validators and answer 304 when the client's are current.

    The ETag is a digest of the body itself, so it changes whenever the answer does, whatever
    the cause; Last-Modified is the dataset's last change (datasets.dataset_last_modified).
    """
    response["Link"] = f'<{settings.OPEN_DATA_LICENSE_URL}>; rel="license"'
    if response.status_code != 200 or request.method not in ("GET", "HEAD"):
        return response
    content = getattr(response, "content", b"")
    response["ETag"] = quote_etag(hashlib.sha256(content).hexdigest()[:32])
    response["Last-Modified"] = http_date(last_modified.timestamp())
    return get_conditional_response(
        request,
        etag=response["ETag"],
        last_modified=int(last_modified.timestamp()),
        response=response,
    )
