"""URLs of the province pages."""

from django.urls import path

from hub import views_provinces as views

app_name = "territoires"

urlpatterns = [
    path("", views.ProvinceListView.as_view(), name="province_list"),
    path("<slug:slug>/", views.ProvinceDetailView.as_view(), name="province_detail"),
    path("<slug:slug>/contact/", views.ProvinceContactView.as_view(), name="province_contact"),
]
