"""The dashboard's pages over HTTP, as each role: who enters, what they see, the CSVs, and a
query count that does not grow with the data."""

import csv
import io
from http import HTTPStatus

import pytest
from django.utils import timezone

from tests.dashboard.factories import world_grow
from tests.portal.factories import UserFactory
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db

STAFF_PAGE = "/admin/tableau-de-bord/"
OFFICER_PAGE = "/espace/tableau-de-bord/"
FIGURE_TITLES = (
    "Inscriptions par événement",
    "Inscriptions par province et par mois",
    "Inscriptions par chantier et par mois",
    "Projets par chantier et par rôle",
    "Projets par province : fiches confirmées et à confirmer",
    "Abonné·es à la lettre d&#x27;information",
    "Envois de la lettre d&#x27;information",
    "Besoins ouverts et leurs correspondances",
    "Propositions d&#x27;ateliers par soutiens",
)


def _csv(response):
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_the_staff_page_shows_every_figure_with_chart_table_and_csv(client, staff, world):
    client.force_login(staff)
    response = client.get(STAFF_PAGE)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    for title in (*FIGURE_TITLES, "Boîte d&#x27;envoi des e-mails"):
        assert title in html, title
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"') == 10
    assert html.count("<caption>Données : ") == 10
    assert 'href="/admin/tableau-de-bord/inscriptions-par-evenement.csv"' in html
    assert 'href="/admin/portal/outgoingemail/?etat=uncertain"' in html
    # Text in the charts and tables is escaped.
    assert "=HYPERLINK(&quot;http://evil.example&quot;)" in html
    assert 'HYPERLINK("' not in html


def test_the_admin_index_links_to_the_dashboard(client, staff):
    client.force_login(staff)
    response = client.get("/admin/")
    assert 'href="/admin/tableau-de-bord/"' in response.content.decode()


@pytest.mark.parametrize("url", [STAFF_PAGE, STAFF_PAGE + "boite-envoi.csv"])
def test_the_staff_pages_are_for_staff_only(client, officer, url):
    response = client.get(url)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/admin/login/")
    client.force_login(officer)
    response = client.get(url)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/admin/login/")


def test_staff_outside_the_cellule_find_nothing(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(STAFF_PAGE).status_code == HTTPStatus.NOT_FOUND


def test_a_staff_csv_is_the_table_with_formulas_defused(client, staff, world):
    client.force_login(staff)
    rows = _csv(client.get(STAFF_PAGE + "inscriptions-par-evenement.csv"))
    assert rows[0] == ["Événement", "Date", "Confirmées", "En attente", "Annulées", "Présences"]
    assert rows[2] == ["Rencontre de Liège", "6 mai 2026", "3", "1", "2", "2"]
    assert rows[3][0] == '\'=HYPERLINK("http://evil.example")'
    response = client.get(STAFF_PAGE + "boite-envoi.csv")
    assert response["Content-Disposition"] == 'attachment; filename="boite-envoi.csv"'


def test_an_unknown_figure_is_not_found(client, staff, officer):
    client.force_login(staff)
    assert client.get(STAFF_PAGE + "inconnue.csv").status_code == HTTPStatus.NOT_FOUND
    client.force_login(officer)
    assert client.get(OFFICER_PAGE + "inconnue.csv").status_code == HTTPStatus.NOT_FOUND
    # The outbox is the staff's.
    assert client.get(OFFICER_PAGE + "boite-envoi.csv").status_code == HTTPStatus.NOT_FOUND


def test_an_officer_sees_their_provinces_figures(client, officer, world):
    client.force_login(officer)
    response = client.get(OFFICER_PAGE)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    for title in FIGURE_TITLES:
        assert title in html, title
    assert "Boîte d&#x27;envoi" not in html
    assert "/admin/" not in html
    assert "Rencontre de Liège" in html
    assert "Rencontre de Namur" not in html
    assert "HYPERLINK" not in html  # a Wallonia-wide event is the staff's
    rows = _csv(client.get(OFFICER_PAGE + "projets-par-province.csv"))
    assert rows == [["Province", "Confirmées", "À confirmer"], ["Liège", "1", "1"]]


def test_the_officers_page_is_not_for_others(client):
    response = client.get(OFFICER_PAGE)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/compte/")
    client.force_login(UserFactory())
    assert client.get(OFFICER_PAGE).status_code == HTTPStatus.NOT_FOUND
    assert client.get(OFFICER_PAGE + "projets-par-province.csv").status_code == HTTPStatus.NOT_FOUND


def test_mon_espace_links_to_the_dashboard_for_officers_only(client, officer):
    client.force_login(officer)
    assert 'href="/espace/tableau-de-bord/"' in client.get("/espace/").content.decode()
    client.force_login(UserFactory())
    assert "/espace/tableau-de-bord/" not in client.get("/espace/").content.decode()


# Measured: the session, the user, their permissions or provinces, then one query per
# figure (four for the needs and their matches), at 3 rows of everything as at 30.
STAFF_PAGE_QUERIES = 18
OFFICER_PAGE_QUERIES = 16


@pytest.mark.parametrize(
    ("who", "url", "limit"),
    [("staff", STAFF_PAGE, STAFF_PAGE_QUERIES), ("officer", OFFICER_PAGE, OFFICER_PAGE_QUERIES)],
)
def test_the_query_count_does_not_grow_with_the_data(
    client, request, liege, namur, who, url, limit, django_assert_max_num_queries
):
    client.force_login(request.getfixturevalue(who))
    now = timezone.now()
    count = assert_constant_queries(
        client, url, lambda times: world_grow(liege, namur, times, now=now), base=3
    )
    assert count <= limit, count
    with django_assert_max_num_queries(limit):
        client.get(url)
