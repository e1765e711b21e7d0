"""The portal's WSGI application with one more view, for bench/pages.py: the same server, the
same middleware, the same workers serve the portal's pages and a bare view that returns the
same bytes (``/__bench__/bare/<name>/``), so that the two are measured side by side."""
# A bench's entry point, like manage.py: imports after the path and settings are set.

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

import django
from django.conf import settings

django.setup()
settings.ROOT_URLCONF = "bench.pages_urls"

from django.core.wsgi import get_wsgi_application  # noqa: E402

from portal import page_cache  # noqa: E402

_django = get_wsgi_application()


def application(environ, start_response):  # type: ignore[no-untyped-def]
    """A request with ``X-Bench-Miss`` finds nothing cached: a new content version first, as
    after a write (pages, fragments and the next change by time are all built again)."""
    if environ.get("HTTP_X_BENCH_MISS"):
        page_cache.version_bump()
    return _django(environ, start_response)
