"""Template context shared by every page."""

from django.conf import settings
from django.http import HttpRequest

SITE_NAME = "Chantiers communs"


def site(request: HttpRequest) -> dict[str, object]:
    return {"SITE_NAME": SITE_NAME, "SITE_URL": settings.SITE_URL}
