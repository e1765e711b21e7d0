"""The marker data a map page hands to static/js/map.js (through json_script)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse

from projets.models import Project, ProjectQuerySet


def _marker(
    *, name: str, slug: str, lat: Decimal, lng: Decimal, province: str, approximate: bool
) -> dict[str, Any]:
    return {
        "name": name,
        "url": reverse("projets:project_detail", kwargs={"slug": slug}),
        "lat": float(lat),
        "lng": float(lng),
        "province": province,
        "approximate": approximate,
    }


def project_markers(projects: ProjectQuerySet) -> list[dict[str, Any]]:
    """One marker per located project of an already filtered queryset, in a single query."""
    rows = (
        projects.located()
        .order_by()
        .values_list(
            "name", "slug", "latitude", "longitude", "province__name", "location_is_approximate"
        )
        .distinct()
    )
    return [
        _marker(name=name, slug=slug, lat=lat, lng=lng, province=province or "", approximate=approx)
        for name, slug, lat, lng, province, approx in rows
        if lat is not None and lng is not None  # always true after located(); narrows the type
    ]


def project_marker(project: Project) -> list[dict[str, Any]]:
    """The marker of one project already loaded (with its province), or none."""
    if not project.has_location:
        return []
    assert project.latitude is not None and project.longitude is not None
    return [
        _marker(
            name=project.name,
            slug=project.slug,
            lat=project.latitude,
            lng=project.longitude,
            province=project.province.name if project.province else "",
            approximate=project.location_is_approximate,
        )
    ]
