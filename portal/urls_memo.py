"""``reverse`` for the addresses of rows that list pages print by the dozen (a project's, a
province's, a chantier's, an event's, a news item's, a facilitator's), remembered per process:
the same slug gives the same address as long as the URLconf, the script prefix and the language
are the same, and these are part of the key. ``reverse`` costs about 12 µs a call; a list page
of twenty projects called it for each on every cache miss."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation


@lru_cache(maxsize=8192)
def _reverse(viewname: str, slug: str, urlconf: str, prefix: str, language: str) -> str:
    return reverse(viewname, urlconf=urlconf, kwargs={"slug": slug})


def slug_url(viewname: str, slug: str) -> str:
    """``reverse(viewname, kwargs={"slug": slug})``, remembered."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    language = translation.get_language() or ""
    return _reverse(viewname, slug, urlconf, get_script_prefix(), language)
