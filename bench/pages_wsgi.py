"""The portal's WSGI application with one more view, for bench/pages.py: the same server, the
same middleware, the same workers serve the portal's pages and a bare view that returns the
same bytes (``/__bench__/bare/<name>/``), so that the two are measured side by side."""

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

application = get_wsgi_application()
