"""The downloads of each dataset (CSV, JSON, GeoJSON), its schema and the DCAT-AP catalogue."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.http import Http404
from django.utils.translation import override
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from opendata.datasets import DATASETS, dataset_get, dataset_last_modified
from opendata.dcat import catalogue
from opendata.renderers import CSVRenderer, GeoJSONRenderer
from opendata.schema import columns, table_schema
from opendata.views_api import DatasetAPIMixin


class FixedFormat(BaseContentNegotiation):
    """A download's address says its format: whatever the client accepts, that is the answer."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> Any:
        return next(iter(parsers), None)

    def select_renderer(
        self,
        request: Request,
        renderers: Iterable[BaseRenderer],
        format_suffix: str | None = None,
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


class JSONLDRenderer(JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


@extend_schema(exclude=True)
class OpenDataView(DatasetAPIMixin, GenericAPIView):
    content_negotiation_class = FixedFormat
    pagination_class = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        dataset = dataset_get(kwargs.get("slug", ""))
        if dataset is None:
            raise Http404
        self.dataset = dataset
        super().initial(request, *args, **kwargs)


class DownloadView(OpenDataView):
    """Every public row of a dataset, with the page's filters when given, in one file."""

    filter_backends = [DjangoFilterBackend]
    format_name = "json"

    def get_renderers(self) -> list[BaseRenderer]:
        return [
            {"csv": CSVRenderer, "geojson": GeoJSONRenderer}.get(self.format_name, JSONRenderer)()
        ]

    def get(self, request: Request, slug: str) -> Response:
        dataset = self.dataset
        if self.format_name == "geojson" and not dataset.located:
            raise Http404
        self.filterset_class = dataset.filterset
        rows = self.filter_queryset(dataset.queryset())
        if dataset.filterset is not None:
            rows = rows.distinct()
        data = dataset.serializer(rows, many=True).data
        headers = {}
        if self.format_name == "csv":
            headers["Content-Disposition"] = f'attachment; filename="{dataset.slug}.csv"'
        return Response(data, headers=headers)

    def get_renderer_context(self) -> dict[str, Any]:
        context = super().get_renderer_context()
        dataset = getattr(self, "dataset", None)
        if dataset is not None:
            context["csv_columns"] = [c.name for c in columns(dataset, csv=True)]
            context["geojson_point"] = (dataset.latitude, dataset.longitude)
        return context


class SchemaView(OpenDataView):
    """The Table Schema of a dataset's CSV file (its fields described in French)."""

    def get(self, request: Request, slug: str) -> Response:
        with override("fr"):
            return Response(table_schema(self.dataset))


@extend_schema(exclude=True)
class CatalogueView(DatasetAPIMixin, GenericAPIView):
    """The DCAT-AP catalogue of every dataset, in JSON-LD, for open data portals to harvest."""

    content_negotiation_class = FixedFormat
    renderer_classes = [JSONLDRenderer]
    pagination_class = None

    def get(self, request: Request) -> Response:
        seen: dict[Any, Any] = {}
        self.moments = {slug: dataset_last_modified(d, seen=seen) for slug, d in DATASETS.items()}
        with override("fr"):
            return Response(catalogue(modified=self.moments))

    def last_modified(self) -> datetime.datetime:
        # The catalogue changes when any of its datasets does.
        return max(self.moments.values())
