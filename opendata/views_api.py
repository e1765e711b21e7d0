"""The read-only JSON API (Django REST framework): one list and one detail per dataset."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.viewsets import ReadOnlyModelViewSet

from opendata.conditional import conditional_response
from opendata.datasets import DATASETS, Dataset, dataset_last_modified


class DatasetAPIMixin:
    """What every view of the open data shares: its dataset, errors always in JSON, and
    ETag / Last-Modified with 304s on what succeeded."""

    dataset: Dataset

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(response, Response) and response.status_code >= 400:
            # A 400 or 429 of a CSV download is said in JSON, not as a CSV file.
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        if response.status_code != 200:
            return response
        response.render()
        return conditional_response(request, response, last_modified=self.last_modified())

    def last_modified(self) -> datetime.datetime:
        return dataset_last_modified(self.dataset)


class DatasetViewSet(DatasetAPIMixin, ReadOnlyModelViewSet):
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> QuerySet[Any]:
        return self.dataset.queryset()

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return self.dataset.serializer

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        filtered = super().filter_queryset(queryset)
        # A filter across a relation (a project's chantiers) may repeat a row.
        return filtered.distinct() if self.action == "list" else filtered


def _viewset(slug: str) -> type[DatasetViewSet]:
    """The viewset of a dataset, documented in the OpenAPI description under its own tag."""
    dataset = DATASETS[slug]
    name = f"{slug.capitalize()}ViewSet"
    docs = {
        "list": extend_schema(summary=dataset.title, description=dataset.description, tags=[slug]),
        "retrieve": extend_schema(summary=dataset.title, tags=[slug]),
    }
    attrs: dict[str, Any] = {
        "dataset": dataset,
        "filterset_class": dataset.filterset,
        "queryset": dataset.queryset(),
        "serializer_class": dataset.serializer,
        "__module__": __name__,
    }
    return extend_schema_view(**docs)(type(name, (DatasetViewSet,), attrs))


VIEWSETS: dict[str, type[DatasetViewSet]] = {slug: _viewset(slug) for slug in DATASETS}
