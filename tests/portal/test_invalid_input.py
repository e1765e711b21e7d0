"""Invalid input is refused or ignored, never a 500: NUL characters (RefuseNulMiddleware),
numbers no column holds (portal.lookups), words where the admin expects an id
(portal.admin_safety), and control characters in imported files (portal.imports)."""

from http import HTTPStatus

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from expertises.models import Need
from portal.imports import Columns, ImportFileError, read_file
from territoires.models import Province
from tests.expertises.factories import CategoryFactory, NeedFactory
from tests.newsletter.factories import SubscriberFactory
from tests.projets.factories import ProjectFactory
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db


# --- NUL characters: a 400 page in a path or a form, "not understood" in a page's query -------


@pytest.mark.parametrize(
    "path",
    [
        "/lettre/preferences/%00/",
        "/lettre/desinscription/a%00b/",
        "/lettre/reinscription/%00/",
        "/lettre/confirmer/%00/",
    ],
)
def test_a_nul_in_the_path_is_a_400_page_in_french(client, path):
    response = client.get(path)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert "<h1>Requête invalide</h1>" in html
    assert '<html lang="fr">' in html
    assert "\x00" not in html  # nothing of the request is echoed
    assert "newsletter-footer" not in html  # no form on an error page


@pytest.mark.parametrize(
    ("path", "page_found"),
    [
        ("/projets/?province=%00", True),
        ("/projets/?q%00=1", True),
        ("/recherche/?q=li%00ege", False),
    ],
)
def test_a_nul_in_a_page_query_is_a_value_not_understood(client, path, page_found):
    """Filters and search accept any string (issue 13): the NUL reaches them as U+FFFD."""
    ProjectFactory(name="Halle de Liège")

    response = client.get(path)

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "\x00" not in html
    assert ("Halle de Liège" in html) is page_found


def test_a_nul_in_a_page_number_gives_a_page(client):
    assert client.get("/evenements/?page=1%002").status_code == HTTPStatus.OK


@pytest.mark.parametrize("path", ["/api/v1/projets/?province=%00", "/projets/?province=%00"])
def test_a_nul_in_a_query_is_refused_outside_page_reads(client, path):
    """The API answers its JSON 400; a form posted to an address with one, the 400 page."""
    response = client.get(path) if path.startswith("/api/") else client.post(path)

    assert response.status_code == HTTPStatus.BAD_REQUEST


def test_the_400_page_carries_the_security_headers_of_every_page(client):
    response = client.get("/lettre/preferences/%00/")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_the_400_page_follows_the_chosen_language(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get("/lettre/preferences/%00/")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "<h1>Invalid request</h1>" in response.content.decode()


def test_a_nul_in_a_form_field_is_a_400_and_changes_nothing(client):
    subscriber = SubscriberFactory()
    url = reverse("newsletter:preferences", kwargs={"token": subscriber.token})

    response = client.post(url, {"provinces": ["1\x00"]})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not subscriber.provinces.exists()


def test_a_nul_in_a_field_name_or_in_the_rfc8058_post_is_a_400(client):
    subscriber = SubscriberFactory()
    url = reverse("newsletter:unsubscribe", kwargs={"token": subscriber.token})

    assert client.post(url, {"List-Unsubscribe\x00": "One-Click"}).status_code == 400
    assert client.post(url, {"List-Unsubscribe": "One-Click\x00"}).status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == subscriber.Status.CONFIRMED


def test_a_cookie_holding_a_nul_is_ignored_not_looked_up(client):
    # Quoted cookie values may carry octal escapes: "\000" becomes a NUL once parsed.
    client.cookies[settings.SESSION_COOKIE_NAME] = '"\\000\\000\\000\\000\\000\\000\\000\\000"'

    response = client.get(reverse("home"))

    assert response.status_code == HTTPStatus.OK


def test_ordinary_requests_pass_untouched(client):
    response = client.get(reverse("projets:project_list"), {"q": "café ☃"})

    assert response.status_code == HTTPStatus.OK


# --- Numbers no column holds ------------------------------------------------------------------


def test_in_leaves_out_numbers_too_large_for_the_column():
    province = ProvinceFactory()

    assert list(Province.objects.filter(pk__in=[10**30])) == []
    assert list(Province.objects.filter(pk__in=[10**30, province.pk, -(10**30)])) == [province]


def test_a_huge_id_among_the_choices_of_a_form_is_an_error_not_a_500(client):
    subscriber = SubscriberFactory()
    url = reverse("newsletter:preferences", kwargs={"token": subscriber.token})

    response = client.post(url, {"provinces": ["9" * 30]})

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["provinces"]


# --- The admin: words where an id goes --------------------------------------------------------


def test_an_autocomplete_field_given_a_word_shows_the_form_again(client, staff):
    """Django's autocomplete widget looked the word up while showing the form's errors."""
    client.force_login(staff)
    need = NeedFactory()  # a need's project is fixed once made: the add form has the field
    url = reverse("admin:expertises_need_add")

    response = client.post(
        url,
        {
            "project": "abc",
            "category": need.category_id,
            "description": "x",
            "urgency": "low",
        },
    )

    assert response.status_code == HTTPStatus.OK
    assert response.context["adminform"].form.errors["project"]
    assert Need.objects.count() == 1


def test_an_autocomplete_field_keeps_a_valid_value_when_the_form_is_shown_again(client, staff):
    client.force_login(staff)
    other = ProjectFactory(name="Autre projet")
    url = reverse("admin:expertises_need_add")

    response = client.post(url, {"project": other.pk, "category": "abc", "description": "x"})

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert f'<option value="{other.pk}" selected>Autre projet</option>' in html


@pytest.mark.parametrize("object_id", ["abc", "a%00b", "1x"])
def test_the_history_pages_answer_404_to_a_word(client, staff, object_id):
    client.force_login(staff)
    project = ProjectFactory()

    history = client.get(f"/admin/projets/project/{object_id}/history/")
    version = client.get(f"/admin/projets/project/{project.pk}/history/{object_id}/")

    assert history.status_code in (HTTPStatus.NOT_FOUND, HTTPStatus.BAD_REQUEST)
    assert version.status_code in (HTTPStatus.NOT_FOUND, HTTPStatus.BAD_REQUEST)


def test_the_history_page_still_works(client, staff):
    client.force_login(staff)
    project = ProjectFactory()

    response = client.get(f"/admin/projets/project/{project.pk}/history/")

    assert response.status_code == HTTPStatus.OK


def test_an_admin_action_on_a_made_up_selection_does_nothing(client, staff):
    client.force_login(staff)
    CategoryFactory()
    url = reverse("admin:expertises_category_changelist")

    response = client.post(
        url, {"action": "delete_selected", "_selected_action": ["9" * 30], "post": "yes"}
    )

    assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND)


# --- CSV files --------------------------------------------------------------------------------


@pytest.mark.parametrize("character", ["\x00", "\x0b", "\x1f"])
def test_a_csv_file_with_a_control_character_is_refused_with_its_line(character):
    content = f"nom,province\nProjet,Liège\nA{character}B,Namur\n".encode()

    with pytest.raises(ImportFileError) as raised:
        read_file(content, columns=Columns(required=("nom",), optional=("province",)))

    assert raised.value.issue.line == 3
    assert "caractère de contrôle invisible" in raised.value.issue.message
    assert f"U+{ord(character):04X}" in raised.value.issue.message


def test_tabs_and_both_line_endings_are_fine_in_a_csv_file():
    read = read_file(b"nom,province\r\nA\tB,C\n", columns=Columns(required=("nom", "province")))

    assert (read.issues, list(read.dataset)) == ([], [(2, "A\tB", "C")])


def test_the_projects_import_reports_a_nul_instead_of_failing(client, staff):
    ProvinceFactory(name="Liège", slug="liege")
    client.force_login(staff)
    upload = SimpleUploadedFile(
        "projets.csv", "nom,province,porteurs,source\nP\x00,Liège,Asbl,Presse\n".encode()
    )

    response = client.post(reverse("admin:projets_project_import"), {"file": upload})

    assert response.status_code == HTTPStatus.OK
    assert "caractère de contrôle invisible" in response.content.decode()
    assert not ProjectFactory._meta.model.objects.exists()


def test_a_nul_request_is_logged_as_a_warning_not_an_error(client, caplog):
    Client().get("/lettre/preferences/%00/")

    assert [r.levelname for r in caplog.records if r.name == "portal.middleware.nul"] == ["WARNING"]


def test_the_facilitators_import_reports_a_nul_instead_of_failing(client, staff):
    CategoryFactory(name="Diagnostic")
    client.force_login(staff)
    upload = SimpleUploadedFile(
        "facilitateurs.csv", b"nom,offre,categories\nService\x00,Offre,Diagnostic\n"
    )

    response = client.post(reverse("admin:expertises_facilitator_import"), {"file": upload})

    assert response.status_code == HTTPStatus.OK
    assert "caractère de contrôle invisible" in response.content.decode()
