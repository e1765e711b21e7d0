"""Forgiving pagination: nonsense or out-of-range page numbers give the first or last page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def paginate(
    request: HttpRequest, items: Any, *, per_page: int | None = None, param: str = "page"
) -> Page:
    paginator = Paginator(items, per_page or settings.PAGINATE_BY)
    return paginator.get_page(request.GET.get(param))


def query_without(request: HttpRequest, *names: str) -> str:
    """The current query string less some parameters, to build pagination links."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()
