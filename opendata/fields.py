"""Serializer fields the datasets share: page addresses, public references, lists as text."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from events.models import Event

PUBLIC_EVENT_STATUSES = (Event.Status.PUBLISHED, Event.Status.CANCELLED)


def absolute(path: str) -> str:
    """An address on the site: SITE_URL, not the request's host, so identifiers never vary."""
    return settings.SITE_URL.rstrip("/") + path


class PageUrlField(serializers.URLField):
    """The public page of the row (``get_absolute_url``), as an absolute address."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("source", "*")
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("label", "url")
        kwargs.setdefault("help_text", "Adresse de la page publique.")
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str:
        return absolute(value.get_absolute_url())


@extend_schema_field(OpenApiTypes.INT)
class PublicEventIdField(serializers.Field):
    """The id of a related event when it is public (published or cancelled), else null: a
    draft's id would tell that it exists."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> int | None:
        if value is None or value.status not in PUBLIC_EVENT_STATUSES:
            return None
        return int(value.pk)
