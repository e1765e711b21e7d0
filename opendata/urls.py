"""URLs of the open data: the page, each dataset's downloads and schema, the catalogue."""

from django.urls import path

from opendata import views, views_downloads

app_name = "opendata"

urlpatterns = [
    path("", views.OpenDataView.as_view(), name="index"),
    path("catalogue.jsonld", views_downloads.CatalogueView.as_view(), name="catalogue"),
    path(
        "<slug:slug>.csv",
        views_downloads.DownloadView.as_view(format_name="csv"),
        name="download_csv",
    ),
    path(
        "<slug:slug>.json",
        views_downloads.DownloadView.as_view(format_name="json"),
        name="download_json",
    ),
    path(
        "<slug:slug>.geojson",
        views_downloads.DownloadView.as_view(format_name="geojson"),
        name="download_geojson",
    ),
    path("<slug:slug>.schema.json", views_downloads.SchemaView.as_view(), name="schema"),
]
