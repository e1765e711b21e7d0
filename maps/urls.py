"""URLs of the map: the page and its GeoJSON layers."""

from django.urls import path

from maps import views
from portal.page_cache import anonymous_page

app_name = "maps"

urlpatterns = [
    path("", anonymous_page(views.MapView.as_view(), signed_in=True), name="map"),
    path("projets.geojson", views.ProjectLayerView.as_view(), name="projets"),
    path("evenements.geojson", views.EventLayerView.as_view(), name="evenements"),
    path("facilitateurs.geojson", views.FacilitatorLayerView.as_view(), name="facilitateurs"),
]
