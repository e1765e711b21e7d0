"""URLs of the API (/api/v1/): one list and one detail per dataset, its OpenAPI description
(JSON and YAML) and the browsable documentation (Swagger UI, served from our own static
files)."""

from django.urls import path
from drf_spectacular.views import (
    SpectacularJSONAPIView,
    SpectacularSwaggerSplitView,
    SpectacularYAMLAPIView,
)
from rest_framework.routers import DefaultRouter

from opendata.views_api import VIEWSETS

app_name = "api"

router = DefaultRouter()
for slug, viewset in VIEWSETS.items():
    router.register(slug, viewset, basename=slug)

urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="openapi-json"),
    path("openapi.yaml", SpectacularYAMLAPIView.as_view(), name="openapi-yaml"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:openapi-json"), name="docs"),
    *router.urls,
]
