"""Staff import projects in the admin: a file with a bad line is refused line by line, the
corrected file is previewed, then imported on confirmation; the list then offers the export,
which warns nothing for projects and streams a CSV. An accessibility scan runs on each page."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from projets.models import Project
from tests.e2e.test_accounts_journeys import sign_in, verified_user
from tests.territoires.factories import ProvinceFactory

HEADER = "nom;province;porteurs;source\n"


def test_staff_preview_then_import_projects(
    transactional_db: None,
    page: Page,
    live_server: Any,
    tmp_path: Path,
    assert_accessible: Callable[..., None],
) -> None:
    base = live_server.url
    ProvinceFactory(name="Namur", slug="namur", code="NA")
    staff = verified_user("cellule@example.org")
    staff.is_staff = True
    staff.is_superuser = True
    staff.save()
    bad = tmp_path / "projets.csv"
    bad.write_text(HEADER + "Halle de Namur;Namur;Ville;presse\nPotager;Atlantide;;presse\n")
    good = tmp_path / "projets-corriges.csv"
    good.write_text(HEADER + "Halle de Namur;Namur;Ville;presse\nPotager;Namur;;presse\n")

    sign_in(page, base, staff.email)
    page.goto(base + "/admin/projets/project/")
    page.get_by_role("link", name="Importer un fichier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importer des projets (CSV ou XLSX)")
    assert_accessible(page)

    # A bad line: every error with its line, nothing imported.
    page.get_by_label("Fichier CSV ou XLSX").set_input_files(str(bad))
    page.get_by_role("button", name="Vérifier le fichier").click()
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("Province inconnue : « Atlantide »")
    expect(errors.locator("tbody tr td").first).to_have_text("3")
    assert_accessible(page)
    assert not Project.objects.exists()

    # The corrected file: a preview, still nothing imported, then the confirmation.
    page.get_by_label("Fichier CSV ou XLSX").set_input_files(str(good))
    page.get_by_role("button", name="Vérifier le fichier").click()
    preview = page.locator("#import-preview")
    expect(preview).to_contain_text("Potager")
    expect(page.locator("#content-main")).to_contain_text("ses 2 lignes seront importées")
    assert_accessible(page)
    assert not Project.objects.exists()

    page.get_by_role("button", name="Confirmer l’import").click()
    expect(page.locator(".messagelist")).to_contain_text("2 projets importés")
    assert_accessible(page)
    assert sorted(Project.objects.values_list("name", flat=True)) == ["Halle de Namur", "Potager"]

    # The export: its page, then the CSV download.
    page.get_by_role("link", name="Exporter (CSV, XLSX)").click()
    expect(page.locator("#content-main")).to_contain_text("2 lignes seront exportées")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger en CSV").click()
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert content.splitlines()[0].startswith("nom;province;porteurs;source")
    assert "Potager;Namur" in content
