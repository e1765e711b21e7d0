"""The map's layers as GeoJSON features, each built from an already filtered queryset.

Every builder reads its rows in one query (values, no model instances) and links with URLs
built by hand from the route's prefix: reversing once per marker cost most of the projects
map's time at 100 times the seed's rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events.models import Event, EventQuerySet
from expertises.models import Facilitator
from maps.cache import Layer
from portal import dates
from projets.models import ProjectQuerySet
from territoires.models import Province

SLUG_PLACEHOLDER = "slug-placeholder"


def _url_for(route: str) -> Callable[[str], str]:
    """A function slug -> URL of ``route``, reversing only once."""
    prefix, _sep, suffix = reverse(route, kwargs={"slug": SLUG_PLACEHOLDER}).partition(
        SLUG_PLACEHOLDER
    )
    return lambda slug: f"{prefix}{slug}{suffix}"


def _point(
    latitude: Decimal | None, longitude: Decimal | None, properties: dict[str, Any]
) -> dict[str, Any]:
    # Only located rows reach here (the querysets filter on both coordinates).
    assert latitude is not None and longitude is not None
    return {
        "type": "Feature",
        # GeoJSON orders coordinates longitude first (RFC 7946).
        "geometry": {"type": "Point", "coordinates": [float(longitude), float(latitude)]},
        "properties": properties,
    }


def project_features(projects: ProjectQuerySet) -> Layer:
    """One feature per located project of the (filtered) queryset."""
    url = _url_for("projets:project_detail")
    wallonia = _("Toute la Wallonie")
    approximate = _("Position approximative")
    rows = (
        projects.located()
        .order_by("name", "pk")
        .values_list(
            "name", "slug", "latitude", "longitude", "province__name", "location_is_approximate"
        )
        .distinct()
    )
    return Layer(
        features=[
            _point(
                lat,
                lng,
                {
                    "name": name,
                    "url": url(slug),
                    "lines": [province or wallonia],
                    "note": approximate if approx else "",
                },
            )
            for name, slug, lat, lng, province, approx in rows
        ]
    )


def _turns_past_at(start: datetime.datetime, end: datetime.datetime | None) -> datetime.datetime:
    """When EventQuerySet.upcoming() stops listing an event: at its end, or without one, at
    the first midnight (Brussels) after its start."""
    if end is not None:
        return end
    day = timezone.localtime(start).replace(hour=0, minute=0, second=0, microsecond=0)
    return day + datetime.timedelta(days=1)


def next_event_change(events: EventQuerySet) -> datetime.datetime | None:
    """The first moment one of these events moves from upcoming to past (one query)."""
    bounds = (
        events.upcoming()
        .order_by()
        .aggregate(first_end=Min("end"), first_open_start=Min("start", filter=Q(end__isnull=True)))
    )
    moments = [bounds["first_end"]] if bounds["first_end"] else []
    if bounds["first_open_start"]:
        moments.append(_turns_past_at(bounds["first_open_start"], None))
    return min(moments) if moments else None


class _When:
    """What portal.dates.when() reads, from values rather than a model instance."""

    def __init__(self, start: datetime.datetime, end: datetime.datetime | None, tbc: bool):
        self.start, self.end, self.time_to_be_confirmed = start, end, tbc


def event_features(events: EventQuerySet, *, upcoming: bool) -> Layer:
    """One feature per located, published event of the (filtered) queryset, upcoming or past.

    Cancelled events stay on the event pages (shown as cancelled) but not on a map of where
    to go. The layer expires when its first event would move between upcoming and past.
    """
    url = _url_for("events:event_detail")
    kinds = dict(Event.Kind.choices)
    scoped = events.published().filter(latitude__isnull=False, longitude__isnull=False)
    chosen = scoped.upcoming() if upcoming else scoped.past()
    rows = chosen.values_list(
        "title",
        "slug",
        "latitude",
        "longitude",
        "start",
        "end",
        "time_to_be_confirmed",
        "kind",
        "venue",
        "province__name",
    )
    features = []
    changes = []
    for title, slug, lat, lng, start, end, tbc, kind, venue, province in rows:
        if upcoming:
            changes.append(_turns_past_at(start, end))
        when = dates.when(_When(start, end, tbc))
        features.append(
            _point(
                lat,
                lng,
                {
                    "name": title,
                    "url": url(slug),
                    "when": when,
                    "start": timezone.localtime(start).isoformat(),
                    "lines": [str(kinds.get(kind, kind)), when, venue or province or ""],
                    "note": "",
                },
            )
        )
    expires = min(changes) if changes else None
    if not upcoming:
        expires = next_event_change(scoped)
    return Layer(features=features, expires_at=expires)


def facilitator_counts(
    facilitators: QuerySet[Facilitator], *, province: Province | None = None
) -> list[tuple[Province, int]]:
    """Provinces with how many of these facilitators work there (those covering all Wallonia
    count everywhere), in the provinces' order; two queries."""
    ids = facilitators.order_by().values("pk")
    everywhere = Facilitator.objects.filter(pk__in=ids, covers_all_wallonia=True).count()
    provinces = Province.objects.annotate(
        local=Count(
            "facilitators",
            filter=Q(facilitators__in=ids, facilitators__covers_all_wallonia=False),
            distinct=True,
        )
    )
    if province is not None:
        provinces = provinces.filter(pk=province.pk)
    counted = [(p, p.local + everywhere) for p in provinces]  # type: ignore[attr-defined]
    return [(p, count) for p, count in counted if count]


def facilitator_features(
    rows: list[tuple[Province, int]], *, link: Callable[[Province], str]
) -> Layer:
    """One feature per province, at its centre, linking to the catalogue filtered by it."""
    return Layer(
        features=[
            _point(
                province.centre_latitude,
                province.centre_longitude,
                {
                    "name": province.name,
                    "url": link(province),
                    "lines": [
                        ngettext(
                            "%(count)s facilitateur actif dans la province",
                            "%(count)s facilitateurs actifs dans la province",
                            count,
                        )
                        % {"count": count}
                    ],
                    "note": "",
                },
            )
            for province, count in rows
        ]
    )
