"""The all-or-nothing CSV import of facilitators and its export: the service, the report of
each bad line, the round trip, then the admin views over HTTP."""

import csv
import datetime
import io
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from expertises.models import Facilitator
from expertises.resources import FacilitatorResource, facilitator_import
from portal.admin_exports import csv_response, export_rows
from portal.imports import MAX_IMPORT_BYTES
from projets.models import Organisation
from tests.expertises.factories import CategoryFactory, FacilitatorFactory
from tests.portal.factories import UserFactory
from tests.projets.factories import OrganisationFactory
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "nom;organisation;offre;categories;provinces;public;cout;contact_nom;contact_email;"
    "contact_telephone;site_web;liens;derniere_verification\n"
)
GOOD = (
    HEADER
    + "Crédal;Crédal SC;Micro-crédit;Financement et micro-crédit;Liège; NA;Coopératives;gratuit;"
    "Anne;anne@example.org;+32 81 00 00 00;credal.be;https://a.example.org; b.example.org;"
    "15/01/2026\n"
    + "Guichet;;Des financements;juridique;toute la Wallonie;;sur devis;;;;;;2026-02-01\n"
)


@pytest.fixture
def reference():
    ProvinceFactory(name="Liège", slug="liege", code="LG")
    ProvinceFactory(name="Namur", slug="namur", code="NA")
    OrganisationFactory(name="Crédal SC")
    return


def run(text: str, **kwargs):
    return facilitator_import(data=text.encode("utf-8"), **kwargs)


def test_good_file_creates_every_row(reference):
    # "Liège; NA" would be two cells with ";" as separator: quote it as a spreadsheet does.
    text = GOOD.replace("Liège; NA", '"Liège; NA"').replace(
        "https://a.example.org; b.example.org", '"https://a.example.org; b.example.org"'
    )

    report = run(text)

    assert report.ok, report.errors
    credal = Facilitator.objects.get(name="Crédal")
    assert credal.organisation.name == "Crédal SC" and credal.organisation_name == ""
    assert [c.slug for c in credal.categories.all()] == ["financement-micro-credit"]
    assert sorted(p.slug for p in credal.provinces.all()) == ["liege", "namur"]
    assert credal.audience == "Coopératives"
    assert credal.cost == Facilitator.Cost.FREE
    assert credal.website == "https://credal.be"
    assert credal.link_list == ["https://a.example.org", "https://b.example.org"]
    assert credal.last_reviewed == datetime.date(2026, 1, 15)
    assert credal.is_published
    guichet = Facilitator.objects.get(name="Guichet")
    assert guichet.covers_all_wallonia and guichet.cost == Facilitator.Cost.QUOTE
    assert guichet.last_reviewed == datetime.date(2026, 2, 1)


def test_comma_separated_file_with_bom_is_read(reference):
    report = facilitator_import(
        data="\ufeffnom,offre,categories\nService,Aide,Formation\n".encode()
    )

    assert report.ok, report.errors
    assert Facilitator.objects.get().cost == Facilitator.Cost.FREE


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("X;Offre;Inconnue;;;;;;;;;", "Catégorie inconnue : « Inconnue »"),
        ("X;Offre;juridique;Bruxelles;;;;;;;;", "Province inconnue : « Bruxelles »"),
        ("X;Offre;juridique;;;;;pas-un-email;;;;", "Adresse e-mail invalide"),
        ("X;Offre;juridique;;;;;;;http://;;", "Adresse du site web invalide"),
        ("X;Offre;juridique;;;;;;;;javascript:alert(1);", "Lien invalide"),
        ("X;Offre;juridique;;;;;;;;;31/02/2026", "Date de vérification illisible"),
        ("X;Offre;juridique;;;cher;;;;;;", "Coût inconnu"),
        (";Offre;juridique;;;;;;;;;", "Le nom est vide"),
        ("X;;juridique;;;;;;;;;", "L'offre (colonne « offre ») est vide"),
        ("X;Offre;;;;;;;;;;", "Aucune catégorie"),
        ("X" * 201 + ";Offre;juridique;;;;;;;;;", "« nom » dépasse 200 caractères"),
        ("X;" + "o" * 5001 + ";juridique;;;;;;;;;", "« offre » dépasse 5000 caractères"),
        ("X;Offre;juridique", "La ligne compte 3 valeurs au lieu de 12"),
    ],
)
def test_bad_line_is_reported_and_nothing_is_created(reference, row, reason):
    header = (
        "nom;offre;categories;provinces;public;cout;contact_nom;contact_email;"
        "contact_telephone;site_web;liens;derniere_verification\n"
    )
    good = "Bon;Offre;juridique;;;;;;;;;\n"

    report = run(header + good + row + "\n")

    assert not report.ok
    assert len(report.errors) == 1, report.errors
    assert report.errors[0].line == 3
    assert reason in report.errors[0].message
    assert not Facilitator.objects.exists()


def test_duplicate_names_in_the_file_and_in_the_base(reference):
    FacilitatorFactory(name="Déjà là")

    report = run("nom;offre;categories\nA;o;juridique\na;o;juridique\ndéjà là;o;juridique\n")

    assert [(e.line, e.message.split(" ")[0]) for e in report.errors] == [(3, "Le"), (4, "Un")]
    assert "ligne 2" in report.errors[0].message
    assert Facilitator.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"nom;offre;categories\n" + b"\xe9t\xe9;o;juridique\n", "UTF-8"),
        (b"", "vide"),
        (b"nom;offre\nA;o\n", "manquante(s) : categories"),
        (b"nom;offre;categories\n", "aucune ligne"),
    ],
)
def test_file_level_errors(reference, data, reason):
    report = facilitator_import(data=data)

    assert not report.ok and reason in report.errors[0].message


def test_file_too_large(reference):
    report = facilitator_import(data=b"nom;offre;categories\n" + b"x" * 100, max_bytes=50)

    assert "taille maximale" in report.errors[0].message


def export_csv(queryset) -> str:
    response = csv_response(export_rows(FacilitatorResource(), queryset), "f")
    return b"".join(response.streaming_content).decode("utf-8")


def test_export_then_import_round_trip(reference):
    liege = ProvinceFactory(slug="liege")
    category = CategoryFactory(slug="juridique")
    org = Organisation.objects.get(name="Crédal SC")
    FacilitatorFactory(
        name='Service "entre guillemets"; avec point-virgule',
        organisation=org,
        organisation_name="",
        offer="Ligne 1\nLigne 2 ; avec « guillemets »",
        categories=[category, CategoryFactory(slug="formation")],
        provinces=[liege],
        covers_all_wallonia=True,
        audience="Tous",
        cost=Facilitator.Cost.PAID,
        contact_name="Anne",
        contact_email="anne@example.org",
        contact_phone="081",
        website="https://example.org/",
        links="https://a.example.org\nhttps://b.example.org",
        last_reviewed=datetime.date(2026, 5, 4),
    )
    FacilitatorFactory(name="Minimal", organisation_name="Hors liste", categories=[category])
    fields = [
        "name", "organisation_id", "organisation_name", "offer", "covers_all_wallonia",
        "audience", "cost", "contact_name", "contact_email", "contact_phone", "website",
        "links", "last_reviewed",
    ]  # fmt: skip

    def snapshot():
        return [
            (
                *(getattr(f, name) for name in fields),
                sorted(c.slug for c in f.categories.all()),
                sorted(p.slug for p in f.provinces.all()),
            )
            for f in Facilitator.objects.order_by("name")
        ]

    before = snapshot()
    exported = export_csv(Facilitator.objects.order_by("name"))
    assert exported.startswith("\ufeffnom;organisation;offre;")
    Facilitator.objects.all().delete()

    report = facilitator_import(data=exported.encode("utf-8"))

    assert report.ok, report.errors
    assert snapshot() == before


# --- Admin views ----------------------------------------------------------------------------

IMPORT_URL = "/admin/expertises/facilitator/import/"
EXPORT_URL = "/admin/expertises/facilitator/export/"


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("f.csv", text.encode("utf-8"), content_type="text/csv")


def test_admin_import_page_and_success(admin_client, reference):
    assert admin_client.get(IMPORT_URL).status_code == HTTPStatus.OK

    preview = admin_client.post(
        IMPORT_URL, {"file": upload("nom;offre;categories\nA;o;juridique\n")}
    )
    assert not Facilitator.objects.exists() and preview.context["preview"]
    response = admin_client.post(IMPORT_URL, {"confirm": "1"}, follow=True)

    assert response.redirect_chain[-1][0] == "/admin/expertises/facilitator/"
    assert "1 facilitateur importé et publié." in response.content.decode()
    assert Facilitator.objects.filter(name="A").exists()


def test_admin_import_reports_each_bad_line(admin_client, reference):
    response = admin_client.post(
        IMPORT_URL, {"file": upload("nom;offre;categories\nA;o;inconnue\n;o;juridique\n")}
    )

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Aucun facilitateur n&#x27;a été importé" in html or "Aucun facilitateur n'a" in html
    assert "Catégorie inconnue" in html and "Le nom est vide" in html
    assert not Facilitator.objects.exists()


def test_admin_import_refuses_a_too_large_upload(admin_client, reference):
    data = b"nom;offre;categories\n" + b"x" * (MAX_IMPORT_BYTES + 1)
    response = admin_client.post(IMPORT_URL, {"file": SimpleUploadedFile("f.csv", data)})

    assert "taille maximale" in response.content.decode()


def test_admin_export_page_warns_then_streams(admin_client, reference):
    FacilitatorFactory(name="Exporté", categories=[CategoryFactory(slug="juridique")])
    FacilitatorFactory(name="Autre", categories=[CategoryFactory(slug="formation")])

    page = admin_client.get(EXPORT_URL + "?q=Export")
    csv_file = admin_client.post(EXPORT_URL + "?q=Export", {"format": "csv"})

    assert page.status_code == HTTPStatus.OK
    assert "Données personnelles" in page.text
    assert "1 ligne sera exportée" in page.text
    assert csv_file.status_code == HTTPStatus.OK
    assert csv_file.streaming
    assert csv_file["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in csv_file["Content-Disposition"]
    content = b"".join(csv_file.streaming_content).decode("utf-8")
    assert content.startswith("\ufeffnom;")
    # The names' column (a facilitator's Faker offer may hold the word « Autre »).
    rows = list(csv.reader(io.StringIO(content.removeprefix("\ufeff")), delimiter=";"))
    assert [row[0] for row in rows[1:]] == ["Exporté"]


def test_admin_export_action_asks_then_streams(admin_client, reference):
    FacilitatorFactory(name="Exporté", categories=[CategoryFactory(slug="juridique")])
    data = {"action": "export_selected", "_selected_action": [Facilitator.objects.get().pk]}

    page = admin_client.post("/admin/expertises/facilitator/", data)
    download = admin_client.post("/admin/expertises/facilitator/", {**data, "format": "xlsx"})

    assert page.status_code == HTTPStatus.OK
    assert "Données personnelles" in page.text
    assert download.status_code == HTTPStatus.OK
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    Facilitator.objects.all().delete()
    report = facilitator_import(
        data=b"".join(download.streaming_content), file_format="xlsx", dry_run=True
    )
    assert report.preview[0][0] == "Exporté"


def test_import_and_export_need_staff(client):
    client.force_login(UserFactory())

    assert client.get(IMPORT_URL).status_code == HTTPStatus.FOUND
    assert client.get(EXPORT_URL).status_code == HTTPStatus.FOUND
