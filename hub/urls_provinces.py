"""URLs of the province pages."""

from django.urls import path

from hub import views_provinces as views
from portal.page_cache import anonymous_page, page_number

app_name = "territoires"

urlpatterns = [
    path("", anonymous_page(views.ProvinceListView.as_view()), name="province_list"),
    path(
        "<slug:slug>/",
        anonymous_page(views.ProvinceDetailView.as_view(), params=page_number),
        name="province_detail",
    ),
    path("<slug:slug>/contact/", views.ProvinceContactView.as_view(), name="province_contact"),
]
