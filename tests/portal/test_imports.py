"""What every import refuses or accepts as a file (portal.imports): formula cells, the row limit,
XLSX workbooks, and nothing written before every line is right."""

import io

import pytest
from openpyxl import Workbook

from portal.imports import MAX_IMPORT_ROWS, Columns, is_formula, read_file
from projets.models import Project
from projets.resources import project_import
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db

HEADER = "nom,province,porteurs,source\n"
COLUMNS = Columns(required=("nom",), optional=("source",))


@pytest.fixture
def namur():
    return ProvinceFactory(name="Namur", slug="namur", code="NA")


def xlsx(*rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


@pytest.mark.parametrize(
    "cell",
    ["=1+1", " =A1", '+HYPERLINK("http://x")', "-2+3+cmd|' /C calc'!A0", "@SUM(A1:A3)"],
)
def test_a_formula_cell_is_refused_with_its_line_and_column(namur, cell):
    report = project_import(data=(HEADER + f'A,Namur,,s\nB,Namur,"{cell}",s\n').encode())

    assert [issue.line for issue in report.errors] == [3]
    assert "« porteurs » contient une formule de tableur" in report.errors[0].message
    assert Project.objects.count() == 0


@pytest.mark.parametrize("cell", ["+32 81 00 00 00", "- à confirmer", "@asbl", "Rue 3-5"])
def test_text_that_only_starts_like_a_formula_is_kept(cell):
    assert not is_formula(cell)


def test_an_escaped_formula_is_imported_as_text(namur):
    report = project_import(data=(HEADER + "'=Potager,Namur,'+32,s\n").encode())

    assert report.ok, report.errors
    assert Project.objects.get().name == "=Potager"
    assert Project.objects.get().promoters == "+32"


def test_too_many_rows_are_refused_at_once(namur):
    data = (HEADER + "A,Namur,,s\n" * 50_000).encode()

    report = project_import(data=data)

    assert len(report.errors) == 1
    assert report.errors[0].line is None
    assert report.errors[0].message == (
        f"Le fichier compte plus de {MAX_IMPORT_ROWS} lignes : un import en accepte "
        f"{MAX_IMPORT_ROWS} au plus. Découpez-le en plusieurs fichiers."
    )
    assert Project.objects.count() == 0


def test_the_row_limit_counts_rows_not_blank_lines():
    read = read_file(b"nom\n" + b"A\n\n,\n" * 3, columns=COLUMNS, max_rows=3)

    assert read.rows == 3


def test_a_preview_writes_nothing(namur):
    report = project_import(data=(HEADER + "A,Namur,,s\n").encode(), dry_run=True)

    assert report.ok and report.created == []
    assert report.preview == [["A", "Namur", "", "s"]]
    assert Project.objects.count() == 0


def test_an_xlsx_workbook_is_imported(namur):
    data = xlsx(("Nom", "Province", "Porteurs", "Source"), ("Halle", "Namur", "Ville", "presse"))

    report = project_import(data=data, file_format="xlsx")

    assert report.ok, report.errors
    assert Project.objects.get().province == namur


def test_a_formula_in_a_workbook_is_refused(namur):
    data = xlsx(("nom", "province", "porteurs", "source"), ("A", "Namur", "=B2", "s"))

    report = project_import(data=data, file_format="xlsx")

    assert [issue.line for issue in report.errors] == [2]
    assert "formule" in report.errors[0].message


def test_a_workbook_with_numbers_and_dates_reads_them_as_text():
    import datetime

    read = read_file(
        # A spreadsheet's date has no time zone.
        xlsx(("nom", "source"), (12, datetime.datetime(2026, 1, 15))),  # noqa: DTZ001
        columns=COLUMNS,
        file_format="xlsx",
    )

    assert list(read.dataset) == [(2, "12", "2026-01-15")]


def test_a_file_that_is_no_workbook_is_refused(namur):
    report = project_import(data=b"nom,province\n", file_format="xlsx")

    assert report.errors[0].message.startswith("Le fichier n'est pas un classeur XLSX lisible")
