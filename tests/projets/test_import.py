"""The all-or-nothing CSV import of projects: the service, then the admin view over HTTP."""

import io
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from projets.models import Project
from projets.resources import project_import
from tests.portal.factories import UserFactory
from tests.projets.factories import ProjectFactory, ProjectTypeFactory
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db

# Lines of the public seed file (/work/shared/seed/projets-publics.csv) that test the parser:
# a quoted comma, semicolons and apostrophes inside fields, an empty province, a dash.
SEED = "".join(
    f"{line}\n"
    for line in [
        "nom,province,porteurs,source",
        "Maison de l'alimentation durable et inclusive,Liège,,dhnet.be (décembre 2020)",
        (
            "RATaV – Réseau Aliment-Terre de l'arrondissement de Verviers,Liège,,"
            "mangerdemain.be/projet-reloc-ratav"
        ),
        (
            "Conseil de politique alimentaire et filières fromagère et maraîchère,Namur,"
            "GAL Pays des Tiges et Chavées; GAL Condroz-Famenne; Réseau Meuse-Rhin-Moselle,"
            "tiges-chavees.be"
        ),
        (
            "Produits locaux et diagnostic des flux à Ath,Hainaut,"
            "Ville d'Ath; CARAH; Parc naturel du Pays des Collines,notele.be (2021)"
        ),
        '"Enghien, je mange lokaal",Hainaut,Ville d\'Enghien,notele.be (2021)',
        "MADE IN BW,Brabant wallon,,mangerdemain.be (octobre 2024)",
        (
            "Sunwall – huile de tournesol wallonne,,SCAM; Alvenat; CRA-W,"
            "mangerdemain.be (novembre 2022)"
        ),
    ]
)
HEADER = "nom,province,porteurs,source\n"
IMPORT_URL = "/admin/projets/project/import/"


@pytest.fixture
def provinces():
    return {
        name: ProvinceFactory(name=name, slug=slug, code=code)
        for name, slug, code in [
            ("Brabant wallon", "brabant-wallon", "BW"),
            ("Hainaut", "hainaut", "HT"),
            ("Liège", "liege", "LG"),
            ("Luxembourg", "luxembourg", "LX"),
            ("Namur", "namur", "NA"),
        ]
    }


def run(text: str, **kwargs):
    return project_import(data=text.encode("utf-8"), **kwargs)


def only_error(report):
    assert report.created == []
    assert len(report.errors) == 1, report.errors
    return report.errors[0]


# --- Service: what a good file creates ------------------------------------------------------


def test_good_file_creates_every_row_unconfirmed(provinces):
    report = run(
        HEADER
        + "Ceinture alimentaire de Charleroi,Hainaut,Asbl A; Asbl B,dhnet.be\n"
        + "Li Terroir,Luxembourg,,mangerdemain.be\n"
        + "Sunwall,,SCAM,mangerdemain.be\n"
    )

    assert report.ok
    assert report.created_count == 3
    assert Project.objects.count() == 3
    charleroi = Project.objects.get(name="Ceinture alimentaire de Charleroi")
    assert charleroi.province == provinces["Hainaut"]
    assert charleroi.promoter_list == ["Asbl A", "Asbl B"]
    assert charleroi.source == "dhnet.be"
    assert charleroi.slug == "ceinture-alimentaire-de-charleroi"
    assert not charleroi.is_confirmed
    assert Project.objects.get(name="Sunwall").province is None
    assert not Project.objects.filter(is_confirmed=True).exists()


def test_the_seed_lines_import_whole(provinces):
    report = run(SEED)

    assert report.errors == []
    assert report.created_count == 7 == Project.objects.count()
    assert Project.objects.get(name="Enghien, je mange lokaal").province == provinces["Hainaut"]
    assert Project.objects.get(name__startswith="Conseil").promoter_list == [
        "GAL Pays des Tiges et Chavées",
        "GAL Condroz-Famenne",
        "Réseau Meuse-Rhin-Moselle",
    ]
    assert Project.objects.get(name__startswith="Sunwall").province is None


def test_optional_columns(provinces):
    logistique = ProjectTypeFactory(name="Logistique", slug="logistique")
    gouvernance = ProjectTypeFactory(name="Gouvernance", slug="gouvernance")
    report = run(
        "nom,province,porteurs,source,communes,latitude,longitude,site_web,types\n"
        "Halle de Namur,Namur,Ville,presse,Namur; Jambes,50.4669,4.867123456,"
        'halle.example.be,"logistique; GOUVERNANCE"\n'
    )

    assert report.ok, report.errors
    project = Project.objects.get()
    assert project.communes == "Namur; Jambes"
    assert project.latitude == Decimal("50.46690")
    assert project.longitude == Decimal("4.86712")
    assert project.website == "https://halle.example.be"
    assert set(project.types.all()) == {logistique, gouvernance}


def test_province_matched_ignoring_case_accents_and_by_code(provinces):
    report = run(HEADER + "A,LIEGE,,s\nB,  liège ,,s\nC,brabant-wallon,,s\nD,NA,,s\n")

    assert report.ok, report.errors
    assert {p.name: p.province.name for p in Project.objects.all()} == {
        "A": "Liège",
        "B": "Liège",
        "C": "Brabant wallon",
        "D": "Namur",
    }


def test_bom_and_semicolons_are_accepted(provinces):
    text = (
        "nom;province;porteurs;source;latitude;longitude\n"
        '"Enghien, je mange lokaal";Hainaut;"Ville d\'Enghien; CPAS";notele.be;50,69;4,04\n'
    )
    report = project_import(data=b"\xef\xbb\xbf" + text.encode("utf-8"))

    assert report.ok, report.errors
    project = Project.objects.get()
    assert project.name == "Enghien, je mange lokaal"
    assert project.promoters == "Ville d'Enghien; CPAS"
    assert project.latitude == Decimal("50.69000")


def test_bom_and_crlf(provinces):
    report = project_import(data="\ufeffnom,province,porteurs,source\r\nA,Namur,,s\r\n".encode())

    assert report.ok, report.errors
    assert Project.objects.get().name == "A"


def test_comma_file_with_semicolons_inside_fields(provinces):
    report = run(HEADER + "A,Namur,GAL X; GAL Y; Réseau Z,presse\nB,Namur,P; Q,presse\n")

    assert report.ok, report.errors
    assert Project.objects.get(name="A").promoter_list == ["GAL X", "GAL Y", "Réseau Z"]


def test_doubled_quotes_inside_a_quoted_name(provinces):
    report = run(HEADER + '"Le ""Potager"" du coin",Namur,,s\n')

    assert report.ok, report.errors
    assert Project.objects.get().name == 'Le "Potager" du coin'


def test_blank_lines_and_unknown_columns_are_not_errors(provinces):
    report = run("nom,province,porteurs,source,remarque\nA,Namur,,s,à revoir\n,,,,\n\n")

    assert report.ok, report.errors
    assert report.created_count == 1
    assert report.warnings == ["Colonne inconnue ignorée : « remarque »."]


def test_slugs_stay_unique(provinces):
    ProjectFactory(name="Autre", slug="maison-de-lalimentation")
    report = run(
        HEADER + "Maison de l'alimentation,Namur,,s\nMaison de l’alimentation !,Namur,,s\n"
    )

    assert report.ok, report.errors
    assert sorted(Project.objects.values_list("slug", flat=True)) == [
        "maison-de-lalimentation",
        "maison-de-lalimentation-2",
        "maison-de-lalimentation-3",
    ]


# --- Service: all or nothing -----------------------------------------------------------------


def test_one_bad_line_imports_nothing_and_names_that_line(provinces):
    report = run(HEADER + "A,Namur,,s\nB,Atlantide,,s\nC,Liège,,s\n")

    assert not report.ok
    assert Project.objects.count() == 0
    assert report.created == []
    issue = only_error(report)
    assert issue.line == 3
    assert "Province inconnue" in issue.message
    assert "Atlantide" in issue.message


def test_every_bad_line_is_reported(provinces):
    report = run(HEADER + ",Namur,,s\nB,Atlantide,,s\nC,Namur,,s\n,Mars,,s\n")

    assert Project.objects.count() == 0
    assert [(issue.line, issue.message.split(" ")[0]) for issue in report.errors] == [
        (2, "Le"),
        (3, "Province"),
        (5, "Le"),
        (5, "Province"),
    ]


def test_line_numbers_follow_quoted_fields_spanning_lines(provinces):
    report = run(HEADER + 'A,Namur,"Porteur\nsur deux lignes",s\nB,Nulle part,,s\n')

    assert only_error(report).line == 4


@pytest.mark.parametrize(
    ("rows", "line", "fragment"),
    [
        pytest.param("A,Nulle part,,s\n", 2, "Province inconnue : « Nulle part »", id="province"),
        pytest.param("  ,Namur,,s\n", 2, "Le nom est vide.", id="empty-name"),
        pytest.param(
            "A,Namur,,s\nB,Namur,,s\na ,Liège,,s\n",
            4,
            "figure déjà à la ligne 2 du fichier",
            id="duplicate-in-file",
        ),
        pytest.param("Déjà là,Namur,,s\n", 2, "existe déjà", id="duplicate-in-base"),
        pytest.param("DEJA LA,Namur,,s\n", 2, "existe déjà", id="duplicate-in-base-folded"),
        pytest.param("A,Namur,x,y,\n", 2, "5 valeurs au lieu de 4", id="column-count"),
        pytest.param("A,Namur\n", 2, "2 valeurs au lieu de 4", id="too-few-cells"),
        pytest.param("A" * 201 + ",Namur,,s\n", 2, "« nom » dépasse 200", id="long-name"),
    ],
)
def test_row_errors(provinces, rows, line, fragment):
    ProjectFactory(name="Déjà là", slug="deja-la")

    report = run(HEADER + rows)

    issue = only_error(report)
    assert (issue.line, fragment in issue.message) == (line, True), issue
    assert Project.objects.count() == 1


OPTIONAL_HEADER = "nom,province,porteurs,source,latitude,longitude,site_web,types\n"


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        pytest.param("A,Namur,,s,cinquante,4.8,,", "Latitude illisible", id="bad-latitude"),
        pytest.param("A,Namur,,s,50.4,4.8.2,,", "Longitude illisible", id="bad-longitude"),
        pytest.param("A,Namur,,s,NaN,4.8,,", "Latitude illisible", id="nan"),
        pytest.param("A,Namur,,s,95,4.8,,", "Latitude hors limites", id="latitude-range"),
        pytest.param("A,Namur,,s,50.4,,,", "Latitude sans longitude", id="latitude-alone"),
        pytest.param("A,Namur,,s,,4.8,,", "Longitude sans latitude", id="longitude-alone"),
        pytest.param("A,Namur,,s,4.87,50.46,,", "hors de Wallonie", id="swapped"),
        pytest.param("A,Namur,,s,,,pas une adresse,", "site web invalide", id="bad-url"),
        pytest.param("A,Namur,,s,,,ftp://example.be,", "site web invalide", id="bad-scheme"),
        pytest.param(
            "A,Namur,,s,,,,Logistique;Magie", "Type de projet inconnu : « Magie »", id="type"
        ),
    ],
)
def test_optional_column_errors(provinces, row, fragment):
    ProjectTypeFactory(name="Logistique", slug="logistique")

    report = run(OPTIONAL_HEADER + row + "\n")

    issue = only_error(report)
    assert issue.line == 2
    assert fragment in issue.message, issue.message
    assert Project.objects.count() == 0


def test_wrong_encoding_is_reported_with_its_line(provinces):
    data = (HEADER + "A,Namur,,s\nB,Liège,,s\n").encode("cp1252")

    issue = only_error(project_import(data=data))

    assert issue.line == 3
    assert "UTF-8" in issue.message
    assert Project.objects.count() == 0


def test_missing_required_column(provinces):
    issue = only_error(run("nom,province,source\nA,Namur,s\n"))

    assert issue.line == 1
    assert "manquante(s) : porteurs" in issue.message


def test_semicolon_header_with_missing_column(provinces):
    issue = only_error(run("nom;province\nA;Namur\n"))

    assert "porteurs, source" in issue.message


def test_duplicate_column(provinces):
    issue = only_error(run("nom,province,porteurs,source,Nom\nA,Namur,,s,B\n"))

    assert "apparaît deux fois" in issue.message


@pytest.mark.parametrize("content", [b"", b"   \n\n", b"\xef\xbb\xbf"])
def test_empty_file(content):
    issue = only_error(project_import(data=content))

    assert issue.line is None
    assert issue.message == "Le fichier est vide."


def test_header_without_rows(provinces):
    issue = only_error(run(HEADER + ",,,\n"))

    assert "aucune ligne de projet" in issue.message


def test_file_too_large(provinces):
    big = (HEADER + "A,Namur,,s\n").encode() + b"#" * (2 * 1024 * 1024)

    issue = only_error(project_import(data=big))

    assert "taille maximale de 2 Mo" in issue.message
    assert Project.objects.count() == 0


def test_file_too_large_with_a_smaller_limit(provinces):
    issue = only_error(project_import(data=(HEADER + "é" * 600).encode(), max_bytes=1000))

    assert "taille maximale" in issue.message


def test_import_never_updates_an_existing_project(provinces):
    existing = ProjectFactory(name="Li Terroir", slug="li-terroir", source="ancienne")

    report = run(HEADER + "Nouveau,Namur,,s\nLi Terroir,Luxembourg,,nouvelle\n")

    assert not report.ok
    existing.refresh_from_db()
    assert existing.source == "ancienne"
    assert list(Project.objects.all()) == [existing]


# --- Admin view over HTTP ------------------------------------------------------------------


def upload(text: str | bytes, name: str = "projets.csv") -> SimpleUploadedFile:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/csv")


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_changelist_links_to_the_import(admin_client):
    response = admin_client.get(reverse("admin:projets_project_changelist"))

    assert response.status_code == HTTPStatus.OK
    assert reverse("admin:projets_project_import") == IMPORT_URL
    assert f'href="{IMPORT_URL}"' in response.text
    assert "Importer un fichier" in response.text


def test_import_page_shows_the_form(admin_client, provinces):
    response = admin_client.get(IMPORT_URL)

    assert response.status_code == HTTPStatus.OK
    assert 'enctype="multipart/form-data"' in response.text
    assert "nom, province, porteurs, source" in response.text
    assert "Brabant wallon" in response.text


def test_admin_import_previews_then_imports_on_confirmation(admin_client, provinces):
    preview = admin_client.post(IMPORT_URL, {"file": upload(HEADER + "A,Namur,,s\nB,Hainaut,,s\n")})

    assert preview.status_code == HTTPStatus.OK
    assert Project.objects.count() == 0
    assert preview.context["preview"]
    assert preview.context["report"].preview == [["A", "Namur", "", "s"], ["B", "Hainaut", "", "s"]]
    assert 'id="import-preview"' in preview.text
    assert "ses 2 lignes seront importées" in preview.text
    assert 'name="confirm"' in preview.text

    response = admin_client.post(IMPORT_URL, {"confirm": "1"}, follow=True)

    assert response.redirect_chain == [
        (reverse("admin:projets_project_changelist") + "?confirmation=non", HTTPStatus.FOUND)
    ]
    assert Project.objects.count() == 2
    assert "2 projets importés ; ils restent à confirmer par la Cellule." in messages_of(response)
    assert response.context["cl"].result_count == 2


def test_a_confirmation_without_a_preview_imports_nothing(admin_client, provinces):
    response = admin_client.post(IMPORT_URL, {"confirm": "1"})

    assert response.status_code == HTTPStatus.OK
    assert Project.objects.count() == 0
    assert messages_of(response) == [
        "Le fichier à importer n'est plus disponible : envoyez-le à nouveau."
    ]


def test_a_confirmation_imports_once(admin_client, provinces):
    admin_client.post(IMPORT_URL, {"file": upload(HEADER + "A,Namur,,s\n")})
    admin_client.post(IMPORT_URL, {"confirm": "1"})

    again = admin_client.post(IMPORT_URL, {"confirm": "1"})

    assert Project.objects.count() == 1
    assert "n'est plus disponible" in messages_of(again)[-1]


def test_a_row_added_between_preview_and_confirmation_is_reported(admin_client, provinces):
    admin_client.post(IMPORT_URL, {"file": upload(HEADER + "A,Namur,,s\nB,Namur,,s\n")})
    ProjectFactory(name="B", slug="b")

    response = admin_client.post(IMPORT_URL, {"confirm": "1"})

    assert response.status_code == HTTPStatus.OK
    assert [issue.line for issue in response.context["report"].errors] == [3]
    assert Project.objects.count() == 1


def confirm_import(client, text, name="projets.csv"):
    client.post(IMPORT_URL, {"file": upload(text, name)})
    return client.post(IMPORT_URL, {"confirm": "1"})


def test_admin_import_records_history(admin_client, provinces):
    from django.contrib.admin.models import ADDITION, LogEntry

    confirm_import(admin_client, HEADER + "A,Namur,,s\n")

    entry = LogEntry.objects.get()
    assert (entry.action_flag, entry.object_repr) == (ADDITION, "A")


def test_admin_import_of_a_bad_file_shows_every_error(admin_client, provinces):
    response = admin_client.post(
        IMPORT_URL, {"file": upload(HEADER + "A,Namur,,s\nB,Atlantide,,s\n,Namur,,s\n")}
    )

    assert response.status_code == HTTPStatus.OK
    assert Project.objects.count() == 0
    assert messages_of(response) == [
        "Aucun projet n'a été importé : le fichier contient 2 erreurs."
    ]
    errors = response.context["report"].errors
    assert [issue.line for issue in errors] == [3, 4]
    assert 'id="import-errors"' in response.text
    assert "Province inconnue : « Atlantide »" in response.text
    assert "Le nom est vide." in response.text


def test_admin_import_of_a_file_in_the_wrong_encoding(admin_client, provinces):
    response = admin_client.post(
        IMPORT_URL, {"file": upload((HEADER + "B,Liège,,s\n").encode("latin-1"))}
    )

    assert response.status_code == HTTPStatus.OK
    assert Project.objects.count() == 0
    assert "pas encodé en UTF-8" in response.text


def test_admin_import_refuses_a_file_too_large(admin_client, provinces):
    big = (HEADER + "A,Namur,,s\n").encode() + b"#" * (2 * 1024 * 1024)

    response = admin_client.post(IMPORT_URL, {"file": upload(big)})

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["file"] == [
        "Le fichier dépasse la taille maximale de 2 Mo."
    ]
    assert Project.objects.count() == 0


def test_admin_import_without_a_file(admin_client):
    response = admin_client.post(IMPORT_URL, {})

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["file"]


def test_staff_without_add_permission_cannot_import(client, provinces):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_project"))
    client.force_login(staff)

    assert client.get(IMPORT_URL).status_code == HTTPStatus.FORBIDDEN
    response = client.post(IMPORT_URL, {"file": upload(HEADER + "A,Namur,,s\n")})

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert Project.objects.count() == 0
    changelist = client.get(reverse("admin:projets_project_changelist"))
    assert changelist.status_code == HTTPStatus.OK
    assert "Importer un fichier" not in changelist.text


def test_staff_with_add_permission_can_import(client, provinces):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_project", "view_project"])
    )
    client.force_login(staff)

    response = confirm_import(client, HEADER + "A,Namur,,s\n")

    assert response.status_code == HTTPStatus.FOUND
    assert Project.objects.count() == 1


def test_non_staff_are_sent_to_the_login(client, provinces):
    client.force_login(UserFactory(is_staff=False))

    response = client.post(IMPORT_URL, {"file": upload(HEADER + "A,Namur,,s\n")})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("admin:login"))
    assert Project.objects.count() == 0


def test_admin_import_of_a_workbook(admin_client, provinces):
    workbook = Workbook()
    workbook.active.append(["nom", "province", "porteurs", "source"])
    workbook.active.append(["Halle", "Namur", "Ville", "presse"])
    output = io.BytesIO()
    workbook.save(output)

    confirm_import(admin_client, output.getvalue(), name="projets.xlsx")

    assert Project.objects.get().name == "Halle"
