"""URLs of the province pages."""

from django.http import HttpRequest
from django.urls import path

from hub import views_provinces as views
from portal.page_cache import PAGE_NUMBER, anonymous_page, known_params

app_name = "territoires"


def province_params(request: HttpRequest) -> bool:
    """A province page's two paginations (its projects, its past events) may form a key."""
    return known_params(request, {"page": PAGE_NUMBER.fullmatch, "passes": PAGE_NUMBER.fullmatch})


urlpatterns = [
    path(
        "", anonymous_page(views.ProvinceListView.as_view(), signed_in=True), name="province_list"
    ),
    path(
        "<slug:slug>/",
        anonymous_page(views.ProvinceDetailView.as_view(), params=province_params),
        name="province_detail",
    ),
    path("<slug:slug>/contact/", views.ProvinceContactView.as_view(), name="province_contact"),
]
