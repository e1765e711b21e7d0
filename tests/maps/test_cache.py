"""The layers' cache: keys from valid parameters only, invalidated by every write, HTTP
revalidation with ETags, and a life bounded by the events' own dates."""

from __future__ import annotations

import datetime
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.services import registration_cancel, registration_create
from maps import cache as map_cache
from maps.cache import Layer
from projets.resources import project_import
from tests.chantiers.factories import ChantierFactory, ParticipationFactory
from tests.events.factories import EventFactory
from tests.expertises.factories import FacilitatorFactory
from tests.maps.helpers import feature_names, features
from tests.portal.factories import UserFactory
from tests.projets.factories import ProjectFactory

pytestmark = pytest.mark.django_db

PROJECTS = reverse("maps:projets")
EVENTS = reverse("maps:evenements")
FACILITATORS = reverse("maps:facilitateurs")


class StoredKeys(list):
    def __init__(self) -> None:
        super().__init__()
        self.timeouts: list[int | None] = []


@pytest.fixture
def stored(monkeypatch):
    """The keys the layers write to the cache, in order (their timeouts in ``keys.timeouts``)."""
    keys = StoredKeys()
    original = map_cache.shared_call

    def spy(cache, method, *args, **kwargs):
        if method == "set" and args[0].startswith("maps:layer:"):
            keys.append(args[0])
            keys.timeouts.append(args[2])
        return original(cache, method, *args, **kwargs)

    monkeypatch.setattr(map_cache, "shared_call", spy)
    return keys


def test_a_second_request_is_served_from_the_cache_without_a_query(client, liege):
    ProjectFactory(name="Pain durable", province=liege)
    first = client.get(PROJECTS)

    with CaptureQueriesContext(connection) as queries:
        second = client.get(PROJECTS)

    assert second.content == first.content
    assert len(queries) == 0


@pytest.mark.parametrize(
    "query",
    [
        "province=liege",
        "province=liege&chantier=cpa",
        "chantier=cpa&province=liege&type=",
    ],
)
def test_valid_parameters_form_a_key(client, liege, stored, query):
    ChantierFactory(slug="cpa")

    client.get(f"{PROJECTS}?{query}")

    assert len(stored) == 1


def test_the_same_filters_in_another_order_share_a_key(client, liege, stored):
    ChantierFactory(slug="cpa")

    client.get(f"{PROJECTS}?province=liege&chantier=cpa")
    client.get(f"{PROJECTS}?chantier=cpa&province=liege")

    assert len(stored) == 1


@pytest.mark.parametrize(
    "query",
    [
        "province=atlantide",  # no such province
        "province=" + "x" * 5000,
        "utm_source=lettre",  # unknown parameter
        "q=pain",  # free text
        "periode=demain",
        "province=li%00ege",  # a NUL, turned into U+FFFD by RefuseNulMiddleware
    ],
)
def test_anything_else_is_served_but_never_stored(client, liege, stored, query):
    ProjectFactory(province=liege)

    for url in (PROJECTS, EVENTS, FACILITATORS):
        response = client.get(f"{url}?{query}")
        assert response.status_code == HTTPStatus.OK
        assert response["Content-Type"] == "application/geo+json"

    assert stored == []


def test_language_is_part_of_the_key(client, liege, stored):
    ProjectFactory(province=liege, location_is_approximate=True)

    french = features(client, PROJECTS)
    english = client.get(PROJECTS, HTTP_ACCEPT_LANGUAGE="en").json()["features"]

    assert len(set(stored)) == 2
    assert french[0]["properties"]["note"] == "Position approximative"
    assert english[0]["properties"]["note"] == "Approximate location"


def test_etag_gives_a_304_until_the_data_changes(client, liege, committed):
    project = ProjectFactory(name="Avant", province=liege)
    first = client.get(PROJECTS)

    again = client.get(PROJECTS, HTTP_IF_NONE_MATCH=first["ETag"])
    project.name = "Après"
    with committed():
        project.save()
    changed = client.get(PROJECTS, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == HTTPStatus.NOT_MODIFIED
    assert again.content == b""
    assert changed.status_code == HTTPStatus.OK
    assert "Après" in changed.content.decode()
    assert first["Cache-Control"] == "no-cache"
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in first["Vary"].split(",")}


# --- Every write the map shows, whatever the door, shows on the next request ----------------


def test_a_project_saved_deleted_or_moved_shows_at_once(client, liege, namur, committed):
    project = ProjectFactory(name="Pain durable", province=liege)
    assert feature_names(client, f"{PROJECTS}?province=liege") == ["Pain durable"]

    project.province = namur
    with committed():
        project.save()
    assert feature_names(client, f"{PROJECTS}?province=liege") == []
    assert feature_names(client, f"{PROJECTS}?province=namur") == ["Pain durable"]
    with committed():
        project.delete()
    assert feature_names(client, f"{PROJECTS}?province=namur") == []


def test_a_new_participation_and_a_renamed_province_show_at_once(client, liege, committed):
    cpa = ChantierFactory(slug="cpa")
    project = ProjectFactory(name="Pain durable", province=liege)
    assert feature_names(client, f"{PROJECTS}?chantier=cpa") == []

    with committed():
        ParticipationFactory(project=project, chantier=cpa)
    assert feature_names(client, f"{PROJECTS}?chantier=cpa") == ["Pain durable"]
    liege.name = "Province de Liège"
    with committed():
        liege.save()
    assert features(client, PROJECTS)[0]["properties"]["lines"] == ["Province de Liège"]


def test_an_event_published_or_cancelled_shows_at_once(client, liege, committed):
    event = EventFactory(
        title="Rencontre", province=liege, status="draft", latitude=50, longitude=5
    )
    assert feature_names(client, EVENTS) == []

    event.status = "published"
    with committed():
        event.save()
    assert feature_names(client, EVENTS) == ["Rencontre"]
    event.status = "cancelled"
    with committed():
        event.save()
    assert feature_names(client, EVENTS) == []


def test_a_facilitators_provinces_changed_show_at_once(client, liege, namur, committed):
    facilitator = FacilitatorFactory(provinces=[liege])
    assert feature_names(client, FACILITATORS) == ["Liège"]

    with committed():
        facilitator.provinces.add(namur)
    assert feature_names(client, FACILITATORS) == ["Liège", "Namur"]
    with committed():
        facilitator.provinces.clear()
    assert feature_names(client, FACILITATORS) == []


def test_projects_imported_in_bulk_show_at_once(client, liege, committed):
    assert feature_names(client, PROJECTS) == []
    csv = (
        "nom,province,porteurs,source,latitude,longitude\n"
        "Halle paysanne,Liège,Asbl Halle,presse,50.6,5.5\n"
    )

    with committed():
        report = project_import(data=csv.encode())

    assert not report.errors
    assert feature_names(client, PROJECTS) == ["Halle paysanne"]


def test_the_version_moves_once_after_commit(committed, liege):
    with committed() as callbacks:
        before = map_cache.data_version()
        map_cache.data_changed()
        project = ProjectFactory(province=liege)
        project.delete()
        during = map_cache.data_version()

    assert during == before != map_cache.data_version()
    assert len([c for c in callbacks if getattr(c, "func", None) is map_cache.version_bump]) == 1


def test_a_seat_taken_or_freed_leaves_the_layers_alone(client, liege, committed):
    with committed():
        event = EventFactory(
            title="Rencontre", province=liege, capacity=5, latitude=50, longitude=5
        )
    cached = client.get(EVENTS).content
    before = map_cache.data_version()

    with committed():
        registration = registration_create(user=UserFactory(), event=event, organisation="Ferme")
    with committed():
        registration_cancel(registration=registration)

    assert map_cache.data_version() == before
    map_cache.version_bump()
    assert client.get(EVENTS).content == cached  # what a fresh build gives


def test_a_lost_version_is_replaced(client, liege):
    ProjectFactory(name="Pain durable", province=liege)
    client.get(PROJECTS)

    cache.delete(map_cache.VERSION_KEY)

    assert feature_names(client, PROJECTS) == ["Pain durable"]
    assert cache.get(map_cache.VERSION_KEY)


# --- A layer that changes with time alone ----------------------------------------------------


def test_an_entry_lives_until_its_first_event_moves_and_never_past_an_hour():
    now = timezone.now()
    soon = Layer(features=[], expires_at=now + datetime.timedelta(minutes=10))
    later = Layer(features=[], expires_at=now + datetime.timedelta(days=3))
    gone = Layer(features=[], expires_at=now - datetime.timedelta(minutes=1))

    assert 590 <= map_cache._timeout(soon) <= 600
    assert map_cache._timeout(later) == map_cache.MAX_AGE
    assert map_cache._timeout(Layer(features=[])) == map_cache.MAX_AGE
    assert map_cache._timeout(gone) == 0


def test_an_entry_with_an_event_ending_soon_lives_until_then(client, liege, stored):
    EventFactory(
        title="Bientôt finie",
        province=liege,
        start=timezone.now() - datetime.timedelta(hours=1),
        end=timezone.now() + datetime.timedelta(minutes=30),
        latitude=Decimal("50.6"),
        longitude=Decimal("5.5"),
    )

    assert feature_names(client, EVENTS) == ["Bientôt finie"]
    assert len(stored.timeouts) == 1
    assert 1700 < stored.timeouts[0] <= 1800
