"""The read-only API: lists and details of every dataset, filters of the pages, pagination,
conditional requests, CORS and errors in JSON."""

import datetime
from http import HTTPStatus

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from chantiers.models import News, Participation
from events.models import Event
from opendata.datasets import DATASETS
from projets.models import Project
from tests.chantiers.factories import (
    ChantierFactory,
    NewsFactory,
    ParticipationFactory,
    StepFactory,
)
from tests.events.factories import EventFactory
from tests.opendata.conftest import world
from tests.projets.factories import ProjectFactory
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db


def api(slug, pk=None):
    if pk is None:
        return reverse(f"api:{slug}-list")
    return reverse(f"api:{slug}-detail", kwargs={"pk": pk})


@pytest.mark.parametrize("slug", list(DATASETS))
def test_every_dataset_lists_and_details_its_rows(client, slug):
    world(3)

    response = client.get(api(slug))

    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["count"] >= 3
    first = body["results"][0]
    assert set(first) >= {"id", "updated_at"}
    detail = client.get(api(slug, first["id"]))
    assert detail.status_code == HTTPStatus.OK
    assert detail.json() == first


def test_projects_carry_their_references_as_slugs(client):
    liege = ProvinceFactory(name="Liège", slug="liege")
    cpa = ChantierFactory(slug="cpa")
    project = ProjectFactory(name="Halle", province=liege, promoters="A; B")
    ParticipationFactory(project=project, chantier=cpa, role=Participation.Role.LEAD)

    row = client.get(api("projets", project.pk)).json()

    assert row["province"] == "liege"
    assert row["promoters"] == ["A", "B"]
    assert row["chantiers"] == [{"chantier": "cpa", "role": "lead"}]
    assert row["url"] == f"http://127.0.0.1:8000/projets/{project.slug}/"
    assert row["latitude"] == 50.46


def test_a_chantier_holds_its_steps_resources_and_public_projects_only(client):
    chantier = ChantierFactory()
    draft = EventFactory(status=Event.Status.DRAFT)
    StepFactory(chantier=chantier, event=draft, order=1)
    ParticipationFactory(chantier=chantier, project=ProjectFactory(name="Visible"))
    withdrawn = ProjectFactory(status=Project.Status.WITHDRAWN)
    ParticipationFactory(chantier=chantier, project=withdrawn)

    row = client.get(api("chantiers", chantier.pk)).json()

    assert [step["event"] for step in row["steps"]] == [None]
    assert [p["project"] for p in row["projects"]] == [Project.objects.get(name="Visible").pk]


@pytest.mark.parametrize(
    ("slug", "query", "expected"),
    [
        ("projets", {"province": "liege"}, ["Halle de Liège"]),
        ("projets", {"q": "Liege"}, ["Halle de Liège"]),
        ("projets", {"chantier": "cpa"}, ["Halle de Liège"]),
        ("evenements", {"province": "namur"}, ["Rencontre de Namur"]),
        ("evenements", {"kind": "workshop"}, []),
    ],
)
def test_the_pages_filters_filter_the_api(client, slug, query, expected):
    liege = ProvinceFactory(name="Liège", slug="liege")
    namur = ProvinceFactory(name="Namur", slug="namur")
    cpa = ChantierFactory(slug="cpa")
    halle = ProjectFactory(name="Halle de Liège", province=liege, summary="")
    ParticipationFactory(project=halle, chantier=cpa)
    ProjectFactory(name="Ceinture", province=namur, summary="")
    EventFactory(title="Rencontre de Namur", province=namur)
    EventFactory(title="Rencontre de Liège", province=liege)

    response = client.get(api(slug), query)

    assert response.status_code == HTTPStatus.OK
    names = [row.get("name") or row.get("title") for row in response.json()["results"]]
    assert names == expected


@pytest.mark.parametrize(
    "query",
    [
        {"province": "atlantide"},
        {"province": "\x00"},
        {"q": "x" * 10_000},
        {"q": "\x00"},
        {"page": "0"},
        {"page": "-1"},
        {"page": "deux"},
        {"page": "99"},
        {"page_size": "0"},
        {"page_size": "101"},
        {"page_size": "\x00"},
    ],
)
def test_parameters_out_of_range_give_a_400_in_json(client, query):
    ProjectFactory()

    response = client.get(api("projets"), query)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == set(query)


def test_pages_of_the_list(client):
    for _ in range(5):
        ProjectFactory()

    first = client.get(api("projets"), {"page_size": 2}).json()
    last = client.get(api("projets"), {"page_size": 2, "page": 3}).json()

    assert first["count"] == 5
    assert len(first["results"]) == 2
    assert "page=2" in first["next"]
    assert len(last["results"]) == 1 and last["next"] is None


@pytest.mark.parametrize("path", ["abc", "0", "999999"])
def test_an_unknown_row_is_a_404_in_json(client, path):
    response = client.get(api("projets") + path + "/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.headers["Content-Type"].startswith(("application/json", "text/html"))


def _age(minutes):
    """Every row of every dataset as last changed ``minutes`` ago."""
    moment = timezone.now() - datetime.timedelta(minutes=minutes)
    for dataset in DATASETS.values():
        for model in dataset.sources:
            if any(f.name == "updated_at" for f in model._meta.concrete_fields):
                model.objects.update(updated_at=moment)
    return moment


def test_an_etag_and_last_modified_come_with_each_answer_and_give_304s(client):
    project = ProjectFactory()
    moment = _age(5)
    url = api("projets")

    response = client.get(url)
    etag, modified = response["ETag"], response["Last-Modified"]

    assert modified == http_date(int(moment.timestamp()))
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    assert client.get(url, headers={"if-modified-since": modified}).status_code == 304
    detail = client.get(api("projets", project.pk), headers={"if-none-match": etag})
    assert detail.status_code == HTTPStatus.OK


def test_a_change_in_the_current_second_gives_no_date_only_the_etag(client):
    ProjectFactory()
    url = api("projets")

    response = client.get(url)

    assert "Last-Modified" not in response
    assert client.get(url, headers={"if-none-match": response["ETag"]}).status_code == 304


def test_withdrawing_a_project_changes_the_etag_and_the_date(client):
    project = ProjectFactory()
    _age(5)
    url = api("projets")
    before = client.get(url)

    project.status = Project.Status.WITHDRAWN
    project.save()
    Project.objects.filter(pk=project.pk).update(
        updated_at=timezone.now() - datetime.timedelta(minutes=1)
    )

    by_etag = client.get(url, headers={"if-none-match": before["ETag"]})
    by_date = client.get(url, headers={"if-modified-since": before["Last-Modified"]})
    assert by_etag.status_code == by_date.status_code == HTTPStatus.OK
    assert by_etag.json()["count"] == 0


def test_a_deletion_in_the_admin_moves_the_date(client, staff):
    ProjectFactory()
    keep = ProjectFactory()
    _age(5)
    url = api("projets")
    before = client.get(url)
    gone = Project.objects.exclude(pk=keep.pk).get()
    LogEntry.objects.log_actions(
        user_id=staff.pk, queryset=[gone], action_flag=DELETION, single_object=True
    )
    gone.delete()

    LogEntry.objects.update(action_time=timezone.now() - datetime.timedelta(minutes=1))
    after = client.get(url, headers={"if-modified-since": before["Last-Modified"]})

    assert after.status_code == HTTPStatus.OK
    assert after.json()["count"] == 1


def test_news_scheduled_for_later_dates_the_dataset_when_it_comes_out(client):
    news = NewsFactory(published_at=timezone.now() - datetime.timedelta(minutes=2))
    _age(10)
    News.objects.filter(pk=news.pk).update(updated_at=timezone.now() - datetime.timedelta(days=1))

    response = client.get(api("actualites"))

    assert response["Last-Modified"] == http_date(int(news.published_at.timestamp()))


def test_cors_lets_any_site_read_with_get(client):
    ProjectFactory()

    response = client.get(api("projets"), headers={"origin": "https://portail.example"})
    preflight = client.options(
        api("projets"),
        headers={
            "origin": "https://portail.example",
            "access-control-request-method": "GET",
            "access-control-request-headers": "if-none-match",
        },
    )

    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert "POST" not in preflight["Access-Control-Allow-Methods"]


def test_cors_stays_off_the_rest_of_the_site(client):
    response = client.get(reverse("home"), headers={"origin": "https://portail.example"})

    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_only_reads(client, method):
    project = ProjectFactory()

    response = getattr(client, method)(api("projets", project.pk))

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert Project.objects.filter(pk=project.pk).exists()


def test_every_answer_states_the_licence(client):
    response = client.get(api("provinces"))

    assert response["Link"] == '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'
