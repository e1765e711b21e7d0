"""A URLconf where the province page lives elsewhere (tests/portal/test_urls_memo.py)."""

from django.http import HttpResponse
from django.urls import include, path


def _page(request, slug):  # type: ignore[no-untyped-def]
    return HttpResponse(slug)


provinces = ([path("<slug:slug>/", _page, name="province_detail")], "territoires")
urlpatterns = [path("ailleurs/", include(provinces))]
