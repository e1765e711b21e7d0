"""The "Données ouvertes" page: every dataset with its downloads, its schema and its API."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.views.generic import TemplateView

from opendata.datasets import DATASETS
from opendata.schema import columns


class OpenDataView(TemplateView):
    template_name = "opendata/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            datasets=[
                {"dataset": dataset, "columns": columns(dataset)} for dataset in DATASETS.values()
            ],
            license_url=settings.OPEN_DATA_LICENSE_URL,
            license_name=settings.OPEN_DATA_LICENSE_NAME,
            publisher=settings.OPEN_DATA_PUBLISHER,
            rate_limit=settings.API_RATE_LIMIT,
        )
        return context
