"""The admin lists' exports (portal.admin_exports): each list's page and action, streamed CSV
and XLSX, cells safe from formulas, personal data warned about, staff only, and the projects'
export imported back unchanged."""

import csv
import io
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from events.models import Registration
from portal.admin_exports import export_rows
from portal.imports import cell_escape, cell_unescape
from projets.models import Project
from projets.resources import ProjectResource, project_import
from tests.chantiers.factories import (
    ChantierFactory,
    NewsFactory,
    ParticipationFactory,
    ResourceFactory,
    StepFactory,
)
from tests.events.factories import EventFactory, RegistrationFactory
from tests.newsletter.factories import SubscriberFactory
from tests.portal.factories import UserFactory
from tests.projets.factories import ProjectFactory, ProjectTypeFactory
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == HTTPStatus.OK
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def xlsx_rows(response) -> list[list]:
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


# --- Every list staff use exports ----------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "make", "header", "expected", "personal"),
    [
        pytest.param(
            "/admin/projets/project/",
            lambda: ProjectFactory(name="Halle de Namur"),
            "nom",
            "Halle de Namur",
            False,
            id="projects",
        ),
        pytest.param(
            "/admin/events/event/",
            lambda: RegistrationFactory(event=EventFactory(title="Atelier logistique")).event,
            "Titre",
            "Atelier logistique",
            False,
            id="events",
        ),
        pytest.param(
            "/admin/events/registration/",
            lambda: RegistrationFactory(user=UserFactory(email="anne@example.org")),
            "Événement",
            "anne@example.org",
            True,
            id="registrations",
        ),
        pytest.param(
            "/admin/chantiers/chantier/",
            lambda: StepFactory(
                chantier=ResourceFactory(
                    chantier=ChantierFactory(title="Logistique"), title="Guide du transport"
                ).chantier,
                title="Cartographie des plateformes",
            ),
            "Titre",
            "Cartographie des plateformes",
            False,
            id="chantiers-with-steps",
        ),
        pytest.param(
            "/admin/chantiers/news/",
            lambda: NewsFactory(title="Une halle ouvre"),
            "Titre",
            "Une halle ouvre",
            False,
            id="news",
        ),
        pytest.param(
            "/admin/newsletter/subscriber/",
            lambda: SubscriberFactory(email="lectrice@example.org"),
            "Adresse e-mail",
            "lectrice@example.org",
            True,
            id="subscribers",
        ),
    ],
)
def test_each_list_exports_as_csv_and_xlsx(admin_client, url, make, header, expected, personal):
    make()

    changelist = admin_client.get(url)
    page = admin_client.get(url + "export/")
    as_csv = csv_rows(admin_client.post(url + "export/", {"format": "csv"}))
    as_xlsx = xlsx_rows(admin_client.post(url + "export/", {"format": "xlsx"}))

    assert f'href="{url}export/' in changelist.text
    assert page.status_code == HTTPStatus.OK
    assert ("Données personnelles" in page.text) is personal
    assert as_csv[0][0] == header
    assert any(expected in cell for row in as_csv[1:] for cell in row)
    assert [str(cell or "") for cell in as_xlsx[0]] == as_csv[0]
    assert any(expected in str(cell) for row in as_xlsx[1:] for cell in row)


def test_the_chantiers_export_holds_steps_resources_and_projects(admin_client):
    chantier = ChantierFactory(title="Logistique")
    StepFactory(chantier=chantier, order=1, title="Cartographie")
    StepFactory(chantier=chantier, order=2, title="Essai de tournée")
    ResourceFactory(chantier=chantier, title="Guide", url="https://example.org/guide")
    ParticipationFactory(chantier=chantier, project=ProjectFactory(name="Halle de Namur"))

    rows = csv_rows(admin_client.post("/admin/chantiers/chantier/export/", {"format": "csv"}))

    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Étapes"].startswith("1. Cartographie")
    assert "\n2. Essai de tournée" in row["Étapes"]
    assert row["Ressources"] == "Guide – https://example.org/guide"
    assert row["Projets participants"].startswith("Halle de Namur (")


def test_registrations_of_one_event(admin_client):
    kept = RegistrationFactory(event=EventFactory(title="Atelier A"))
    RegistrationFactory(event=EventFactory(title="Atelier B"))
    url = f"/admin/events/registration/export/?event__id__exact={kept.event_id}"

    page = admin_client.get(url)
    rows = csv_rows(admin_client.post(url, {"format": "csv"}))

    assert "1 ligne sera exportée" in page.text
    assert [row[0] for row in rows[1:]] == ["Atelier A"]


def test_the_action_exports_the_ticked_rows_after_its_warning(admin_client):
    chosen = SubscriberFactory(email="choisie@example.org")
    SubscriberFactory(email="autre@example.org")
    data = {"action": "export_selected", "_selected_action": [chosen.pk]}

    page = admin_client.post("/admin/newsletter/subscriber/", data)
    rows = csv_rows(admin_client.post("/admin/newsletter/subscriber/", {**data, "format": "csv"}))

    assert page.status_code == HTTPStatus.OK
    assert "Données personnelles" in page.text
    assert 'name="_selected_action"' in page.text
    assert [row[0] for row in rows[1:]] == ["choisie@example.org"]


def test_a_wrong_filter_goes_back_to_the_list(admin_client):
    response = admin_client.get("/admin/events/event/export/?nimporte=quoi")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/admin/events/event/?e=1"


def test_exports_are_for_staff_only(client):
    client.force_login(UserFactory(is_staff=False))

    response = client.post("/admin/newsletter/subscriber/export/", {"format": "csv"})

    assert response.status_code == HTTPStatus.FOUND
    assert "/admin/login/" in response["Location"]


def test_staff_without_view_permission_cannot_export(client):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_project"))
    client.force_login(staff)

    assert client.get("/admin/newsletter/subscriber/export/").status_code == HTTPStatus.FORBIDDEN
    assert client.get("/admin/projets/project/export/").status_code == HTTPStatus.OK


# --- Formulas ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+32 81 00 00 00", "'+32 81 00 00 00"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=1", "''=1"),
        ("Halle", "Halle"),
        ("l'=", "l'="),
    ],
)
def test_cells_are_escaped_and_unescaped(value, escaped):
    assert cell_escape(value) == escaped
    assert cell_unescape(escaped) == value


def test_numbers_are_not_escaped():
    assert cell_escape(Decimal("-4.5")) == Decimal("-4.5")


def test_an_exported_formula_is_text_in_both_formats(admin_client):
    ProjectFactory(name='=HYPERLINK("http://evil.example","clic")', promoters="@SUM(A1)")

    as_csv = csv_rows(admin_client.post("/admin/projets/project/export/", {"format": "csv"}))
    as_xlsx = xlsx_rows(admin_client.post("/admin/projets/project/export/", {"format": "xlsx"}))

    assert as_csv[1][0] == '\'=HYPERLINK("http://evil.example","clic")'
    assert as_csv[1][2] == "'@SUM(A1)"
    assert as_xlsx[1][0] == as_csv[1][0]


# --- Streaming ------------------------------------------------------------------------------


def test_the_export_reads_the_table_in_a_constant_number_of_queries():
    types = [ProjectTypeFactory(), ProjectTypeFactory()]
    resource = ProjectResource()

    def queries(count: int) -> int:
        for _ in range(count):
            ProjectFactory(province=ProvinceFactory(), types=types)
        with CaptureQueriesContext(connection) as captured:
            rows = list(export_rows(resource, resource.get_export_queryset()))
        assert len(rows) == Project.objects.count() + 1
        return len(captured)

    assert queries(3) == queries(30)


# --- Round trip -------------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_of_projects_imports_back_unchanged(admin_client, file_format):
    namur = ProvinceFactory(name="Namur", slug="namur", code="NA")
    logistique = ProjectTypeFactory(name="Logistique", slug="logistique")
    ProjectFactory(
        name='La "Halle"; de Namur',
        province=namur,
        promoters="Ville; CPAS",
        source="presse (2024)",
        communes="Namur; Jambes",
        latitude=Decimal("50.46690"),
        longitude=Decimal("4.86712"),
        website="https://halle.example.be",
        types=[logistique],
    )
    ProjectFactory(name="=Formule", province=None, promoters="+32 81", source="-")
    fields = ["name", "province_id", "promoters", "source", "communes", "latitude", "longitude"]

    def snapshot():
        return [
            (
                *(getattr(p, name) for name in fields),
                p.website,
                sorted(t.slug for t in p.types.all()),
            )
            for p in Project.objects.order_by("name")
        ]

    before = snapshot()
    response = admin_client.post("/admin/projets/project/export/", {"format": file_format})
    data = b"".join(response.streaming_content)
    Project.objects.all().delete()

    report = project_import(data=data, file_format=file_format)

    assert report.errors == []
    assert snapshot() == before


def test_registrations_export_reads_status_labels(admin_client):
    RegistrationFactory(status=Registration.Status.WAITING)

    rows = csv_rows(admin_client.post("/admin/events/registration/export/", {"format": "csv"}))

    assert dict(zip(rows[0], rows[1], strict=True))["Statut"] == "En liste d'attente"


def test_a_list_sorted_on_a_column_of_its_own_exports_in_the_model_order(admin_client):
    StepFactory(chantier=ChantierFactory(title="B"))
    ChantierFactory(title="A")

    # Column 4 of the chantiers' list: its steps, counted by the list's own query.
    rows = csv_rows(admin_client.post("/admin/chantiers/chantier/export/?o=-4", {"format": "csv"}))

    assert sorted(row[0] for row in rows[1:]) == ["A", "B"]


def test_a_list_sorted_on_a_field_keeps_its_order(admin_client):
    ChantierFactory(title="A")
    ChantierFactory(title="B")

    rows = csv_rows(admin_client.post("/admin/chantiers/chantier/export/?o=-1", {"format": "csv"}))

    assert [row[0] for row in rows[1:]] == ["B", "A"]


def test_the_events_action_exports_their_registrations(admin_client):
    first, second, other = EventFactory(), EventFactory(), EventFactory()
    for event in (first, second, other):
        RegistrationFactory(event=event)
    data = {"action": "export_registrations", "_selected_action": [first.pk, second.pk]}

    response = admin_client.post("/admin/events/event/", data)

    assert response.status_code == HTTPStatus.FOUND
    page = admin_client.get(response["Location"])
    assert "2 lignes seront exportées" in page.text
    rows = csv_rows(admin_client.post(response["Location"], {"format": "csv"}))
    assert sorted(row[0] for row in rows[1:]) == sorted([first.title, second.title])
