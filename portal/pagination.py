"""Forgiving pagination: nonsense or out-of-range page numbers give the first or last page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def paginate(
    request: HttpRequest,
    items: Any,
    *,
    per_page: int | None = None,
    param: str = "page",
    count: int | None = None,
) -> Page:
    """The page ``?<param>=N`` of ``items``; ``count``: their number when already known (read
    with others by ``portal.counts.count_many``), so that the paginator does not count again."""
    paginator = Paginator(items, per_page or settings.PAGINATE_BY)
    if count is not None:
        paginator.count = count  # a cached_property: the value it would have computed
    return paginator.get_page(request.GET.get(param))


def query_without(request: HttpRequest, *names: str) -> str:
    """The current query string less some parameters, to build pagination links."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()
