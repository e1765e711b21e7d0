"""The map's GeoJSON layers: what each shows, with which filters, and their query counts."""

from __future__ import annotations

import datetime
from decimal import Decimal
from http import HTTPStatus
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from maps.cache import version_bump
from maps.layers import event_features, next_event_change
from projets.models import Project
from tests.chantiers.factories import ChantierFactory, ParticipationFactory
from tests.events.factories import EventFactory
from tests.expertises.factories import CategoryFactory, FacilitatorFactory
from tests.maps.helpers import feature_names, features
from tests.projets.factories import ProjectFactory, ProjectTypeFactory
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db

PROJECTS = reverse("maps:projets")
EVENTS = reverse("maps:evenements")
FACILITATORS = reverse("maps:facilitateurs")
SOON = datetime.timedelta(days=10)


@pytest.fixture
def world(liege, namur):
    cpa = ChantierFactory(title="CPA", slug="cpa")
    logistique = ProjectTypeFactory(slug="logistique")
    # Summaries written here: a random sentence may hold a word the search test looks for.
    pain = ProjectFactory(
        name="Pain durable", summary="Du pain.", province=liege, location_is_approximate=True
    )
    pain.types.add(logistique)
    conseil = ProjectFactory(name="Conseil namurois", summary="Un conseil.", province=namur)
    ParticipationFactory(project=conseil, chantier=cpa)
    ProjectFactory(name="Sans position", province=liege, latitude=None, longitude=None)
    ProjectFactory(name="Retiré", province=liege, status=Project.Status.WITHDRAWN)
    now = timezone.now()
    located = {"latitude": Decimal("50.6"), "longitude": Decimal("5.5")}
    EventFactory(title="Rencontre à Liège", province=liege, start=now + SOON, **located)
    EventFactory(
        title="Atelier CPA", province=namur, chantier=cpa, kind=Event.Kind.WORKSHOP,
        start=now + SOON, **located,
    )  # fmt: skip
    EventFactory(title="Rencontre passée", province=liege, start=now - SOON, **located)
    EventFactory(title="Brouillon", province=liege, status=Event.Status.DRAFT, **located)
    EventFactory(title="Annulée", province=liege, status=Event.Status.CANCELLED, **located)
    EventFactory(title="Sans lieu", province=liege, start=now + SOON)
    return {"liege": liege, "namur": namur, "cpa": cpa}


def test_projects_layer_shows_located_public_projects_with_their_popup(client, world):
    found = features(client, PROJECTS)

    assert sorted(f["properties"]["name"] for f in found) == ["Conseil namurois", "Pain durable"]
    pain = next(f for f in found if f["properties"]["name"] == "Pain durable")
    assert pain["geometry"] == {"type": "Point", "coordinates": [4.87, 50.46]}
    assert (
        pain["properties"]["url"]
        == "/projets/" + Project.objects.get(name="Pain durable").slug + "/"
    )
    assert pain["properties"]["lines"] == ["Liège"]
    assert pain["properties"]["note"] == "Position approximative"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"province": "liege"}, ["Pain durable"]),
        ({"chantier": "cpa"}, ["Conseil namurois"]),
        ({"type": "logistique"}, ["Pain durable"]),
        ({"q": "conseil"}, ["Conseil namurois"]),
        ({"province": "liege", "chantier": "cpa"}, []),
        # Invalid values are ignored, as the project list ignores them.
        ({"province": "atlantide"}, ["Conseil namurois", "Pain durable"]),
        ({"province": "li\x00ege"}, ["Conseil namurois", "Pain durable"]),
    ],
)
def test_projects_layer_takes_the_project_lists_filters(client, world, query, expected):
    assert sorted(feature_names(client, f"{PROJECTS}?{urlencode(query)}")) == expected


def test_events_layer_shows_upcoming_located_published_events(client, world):
    found = features(client, EVENTS)

    assert sorted(f["properties"]["name"] for f in found) == ["Atelier CPA", "Rencontre à Liège"]
    workshop = next(f for f in found if f["properties"]["name"] == "Atelier CPA")
    assert workshop["properties"]["lines"][0] == "Atelier thématique"
    assert workshop["properties"]["when"] in workshop["properties"]["lines"]
    assert workshop["properties"]["start"].startswith(
        str(timezone.localdate(Event.objects.get(title="Atelier CPA").start).year)
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"province": "liege"}, ["Rencontre à Liège"]),
        ({"chantier": "cpa"}, ["Atelier CPA"]),
        ({"kind": "workshop"}, ["Atelier CPA"]),
        ({"periode": "passes"}, ["Rencontre passée"]),
        ({"periode": "passes", "province": "namur"}, []),
        ({"periode": "n'importe"}, ["Atelier CPA", "Rencontre à Liège"]),
    ],
)
def test_events_layer_takes_the_event_lists_filters(client, world, query, expected):
    assert sorted(feature_names(client, f"{EVENTS}?{urlencode(query)}")) == expected


def test_facilitators_layer_counts_by_province(client, liege, namur):
    ProvinceFactory(name="Luxembourg", slug="luxembourg")  # nobody works there
    FacilitatorFactory(name="Partout", covers_all_wallonia=True)
    FacilitatorFactory(name="À Liège", provinces=[liege])
    FacilitatorFactory(name="Liège et Namur", provinces=[liege, namur])
    FacilitatorFactory(name="Non publié", provinces=[liege], is_published=False)

    found = features(client, FACILITATORS)

    by_name = {f["properties"]["name"]: f for f in found}
    assert by_name["Liège"]["properties"]["lines"] == ["3 facilitateurs actifs dans la province"]
    assert by_name["Namur"]["properties"]["lines"] == ["2 facilitateurs actifs dans la province"]
    assert by_name["Luxembourg"]["properties"]["lines"] == ["1 facilitateur actif dans la province"]
    assert by_name["Liège"]["geometry"]["coordinates"] == [
        float(liege.centre_longitude),
        float(liege.centre_latitude),
    ]
    assert by_name["Liège"]["properties"]["url"] == "/expertises/?province=liege"


def test_facilitators_layer_takes_the_catalogue_filters(client, liege, namur):
    category = CategoryFactory(slug="financement")
    FacilitatorFactory(name="Crédit", provinces=[liege], categories=[category])
    FacilitatorFactory(name="Conseil", provinces=[liege, namur])

    found = features(client, f"{FACILITATORS}?categorie=financement")
    only_namur = features(client, f"{FACILITATORS}?province=namur")

    assert [f["properties"]["name"] for f in found] == ["Liège"]
    assert found[0]["properties"]["url"] == "/expertises/?categorie=financement&province=liege"
    assert [f["properties"]["name"] for f in only_namur] == ["Namur"]


def test_upcoming_layer_expires_when_its_first_event_ends(liege):
    now = timezone.now()
    first = EventFactory(province=liege, start=now + SOON, latitude=50, longitude=5)
    EventFactory(province=liege, start=now + 2 * SOON, latitude=50, longitude=5)
    open_ended = EventFactory(
        province=liege, start=now + SOON / 2, end=None, latitude=50, longitude=5
    )

    upcoming = event_features(Event.objects.all(), upcoming=True)
    past = event_features(Event.objects.all(), upcoming=False)

    midnight = timezone.localtime(open_ended.start).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    assert upcoming.expires_at == midnight + datetime.timedelta(days=1)
    assert past.expires_at == upcoming.expires_at == next_event_change(Event.objects.all())
    open_ended.delete()
    assert next_event_change(Event.objects.all()) == first.end


def miss_queries(client, url: str) -> int:
    """Queries of a request that misses the cache."""
    version_bump()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return len(context.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        PROJECTS,
        f"{PROJECTS}?province=liege&chantier=cpa&type=logistique&q=pain",
        EVENTS,
        f"{EVENTS}?province=liege&chantier=cpa&periode=passes",
        FACILITATORS,
        f"{FACILITATORS}?province=liege&categorie=financement",
    ],
)
def test_each_layer_query_count_is_constant(client, liege, url):
    cpa = ChantierFactory(slug="cpa")
    ProjectTypeFactory(slug="logistique")
    category = CategoryFactory(slug="financement")

    def grow(n):
        now = timezone.now()
        for i in range(n):
            project = ProjectFactory(province=liege)
            ParticipationFactory(project=project, chantier=cpa)
            for start in (now + SOON, now - SOON):
                EventFactory(
                    province=liege,
                    chantier=cpa,
                    start=start + datetime.timedelta(hours=i),
                    latitude=50,
                    longitude=5,
                )
            FacilitatorFactory(provinces=[liege, ProvinceFactory()], categories=[category])

    grow(2)
    client.get(url)
    small = miss_queries(client, url)
    grow(18)
    large = miss_queries(client, url)

    assert small == large <= 4, (small, large)
