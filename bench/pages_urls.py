"""The portal's URLconf plus the bare view of bench/pages.py: it answers the bytes of a page
saved in BENCH_BARE_DIR (read once per process), with nothing else to do."""

import os
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.urls import path

from hub.urls import handler400 as handler400
from hub.urls import urlpatterns as portal_urlpatterns

BARE_DIR = Path(os.environ.get("BENCH_BARE_DIR", "."))
_bodies: dict[str, bytes] = {}


def bare(request: HttpRequest, name: str) -> HttpResponse:
    body = _bodies.get(name)
    if body is None:
        body = _bodies[name] = (BARE_DIR / f"{name}.html").read_bytes()
    return HttpResponse(body, content_type="text/html; charset=utf-8")


urlpatterns = [path("__bench__/bare/<slug:name>/", bare), *portal_urlpatterns]
