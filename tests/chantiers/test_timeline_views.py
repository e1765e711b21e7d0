"""The échéancier's pages: the overview of every chantier and each chantier's own, over HTTP."""

import datetime
import re
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from chantiers.models import Chantier
from tests.chantiers.factories import ChantierFactory, StepFactory
from tests.events.factories import EventFactory
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db

URL = reverse("chantiers:timeline")
D = datetime.date
PAST = timezone.now() - datetime.timedelta(days=40)


@pytest.fixture
def steps():
    communication = ChantierFactory(title="Communication", slug="communication", order=2)
    territoire = ChantierFactory(title="Approche territoriale", slug="approche", order=1)
    meeting = EventFactory(title="Rencontre de Liège", start=PAST, end=None)
    return {
        "semester": StepFactory(
            chantier=communication,
            order=1,
            title="Recueillir les demandes au 2e semestre",
            start_date=D(2021, 7, 1),
            date_precision="semester",
        ),
        "undated": StepFactory(chantier=communication, order=2, title="Un atelier à définir"),
        "meeting": StepFactory(
            chantier=territoire, order=1, title="Rencontre pour Liège", event=meeting
        ),
        "continuous": StepFactory(
            chantier=territoire,
            order=2,
            title="Recueillir les demandes",
            is_continuous=True,
            status="ongoing",
        ),
        "draft": StepFactory(
            chantier=territoire,
            order=3,
            title="Atelier en préparation",
            event=EventFactory(title="Brouillon secret", slug="brouillon-secret", status="draft"),
            start_date=D(2027, 3, 1),
            date_precision="month",
        ),
    }


def get(client, **params):
    response = client.get(URL, params)
    assert response.status_code == HTTPStatus.OK
    return response, response.content.decode()


def test_the_overview_is_in_the_navigation_and_marked_current(client):
    html = client.get(reverse("home")).content.decode()
    assert f'href="{URL}"' in html

    _response, html = get(client)
    assert re.search(rf'<a href="{URL}" aria-current="page">Échéancier</a>', html)
    chantiers_link = reverse("chantiers:chantier_list")
    assert not re.search(rf'<a href="{chantiers_link}" aria-current="page">', html)


def test_the_overview_shows_every_step_grouped_by_chantier_with_honest_statuses(client, steps):
    response, html = get(client)

    groups = response.context["timeline"].groups
    assert [group.chantier.title for group in groups] == ["Approche territoriale", "Communication"]
    # Text and shape for each status; the period as a period; the event's day when it has one.
    assert "Recueillir les demandes au 2e semestre" in html
    assert "○</span> Prévue</span> · 2e semestre 2021" in html
    assert "juillet" not in html
    assert "●</span> Réalisée</span>" in html  # the meeting took place
    assert "◐</span> En cours</span> · En continu" in html
    assert 'class="gantt__outline gantt__outline--planned"' in html
    assert 'class="gantt__shape gantt__shape--done"' in html  # the meeting, a one-day diamond
    assert 'fill="url(#gantt-hatch)"' in html  # the continuous step, ongoing
    assert '<polyline class="gantt__chevron' in html  # … drawn as an open bar


def test_each_step_links_to_its_event_when_anyone_may_open_it(client, steps):
    _response, html = get(client)

    meeting = steps["meeting"].event
    assert f'<a href="{meeting.get_absolute_url()}">Rencontre pour Liège</a>' in html
    assert f'<a href="{meeting.get_absolute_url()}">Rencontre de Liège</a>' in html  # the table
    assert "brouillon-secret" not in html and "Brouillon secret" not in html
    draft_step = steps["draft"]
    assert f'<a href="{draft_step.get_absolute_url()}">Atelier en préparation</a>' in html


def test_undated_steps_are_listed_apart_saying_date_a_definir_once(client, steps):
    response, html = get(client)

    timeline = response.context["timeline"]
    assert [item.step for group in timeline.undated for item in group.undated] == [steps["undated"]]
    assert html.count("Date à définir") == 1
    assert html.count("Un atelier à définir") == 1  # not on the axis, not in its table


def test_the_table_equivalent_has_headers_and_one_row_per_step_on_the_axis(client, steps):
    _response, html = get(client)

    table = html[html.index('<table id="echeancier-tableau">') : html.index("</table>")]
    assert "<caption" in table
    assert table.count('<th scope="col">') == 5
    assert table.count('<th scope="row">') == 4
    assert "Un atelier à définir" not in table


@pytest.mark.parametrize(
    ("params", "titles"),
    [
        (
            {"chantier": "communication"},
            ["Recueillir les demandes au 2e semestre", "Un atelier à définir"],
        ),
        ({"statut": "done"}, ["Rencontre pour Liège"]),
        ({"statut": "ongoing"}, ["Recueillir les demandes"]),
        ({"statut": "planned", "chantier": "approche"}, ["Atelier en préparation"]),
        ({"statut": "cancelled"}, []),
    ],
)
def test_filters_by_chantier_and_by_the_status_shown(client, steps, params, titles):
    response, html = get(client, **params)

    timeline = response.context["timeline"]
    found = [item.step.title for group in timeline.groups for item in group.steps + group.undated]
    assert found == titles
    if not titles:
        assert "Aucune étape ne correspond à ces critères." in html


@pytest.mark.parametrize(
    "value",
    ["inconnu", "\x00", "é" * 10_000, "<script>alert(1)</script>", "1 OR 1=1"],
)
def test_nonsense_filters_are_ignored_and_said_so(client, steps, value):
    response, html = get(client, chantier=value, statut=value)

    assert "Certains filtres n'ont pas été compris et sont ignorés" in html
    assert response.context["timeline"].step_count == len(steps)
    assert "<script>alert(1)</script>" not in html


def test_without_steps_the_page_says_the_timeline_is_to_be_defined(client):
    _response, html = get(client)

    assert "L'échéancier des chantiers reste à définir." in html
    assert '<svg class="gantt__track' not in html


def test_the_overview_query_count_is_constant(client):
    def grow(n):
        for _ in range(n):
            chantier = ChantierFactory()
            StepFactory(chantier=chantier, event=EventFactory(start=PAST))
            StepFactory(chantier=chantier, event=EventFactory(status="draft"))
            StepFactory(chantier=chantier, is_continuous=True, status="ongoing")
            StepFactory(chantier=chantier, start_date=D(2026, 1, 1), date_precision="quarter")
            StepFactory(chantier=chantier)

    assert_constant_queries(client, URL, grow)
    assert_constant_queries(client, f"{URL}?statut=done&chantier=chantier-1", lambda n: None)


# --- A chantier's own page ------------------------------------------------------------------


def test_a_chantier_page_draws_its_own_steps_the_same_way(client, steps):
    chantier = steps["meeting"].chantier

    html = client.get(chantier.get_absolute_url()).content.decode()

    assert 'class="gantt"' in html and '<table id="chantier-echeancier-tableau">' in html
    assert "Rencontre pour Liège" in html and "Recueillir les demandes" in html
    assert "Recueillir les demandes au 2e semestre" not in html  # another chantier's
    assert f'href="{URL}"' in html
    # Each step keeps the anchor its address points to (the event page links there), once.
    for step in chantier.steps.all():
        assert html.count(f'id="etape-{step.order}"') == 1


def test_a_chantier_page_shows_a_steps_description(client):
    step = StepFactory(title="Atelier", description="Avec les projets concernés.")

    html = client.get(step.chantier.get_absolute_url()).content.decode()

    assert "Avec les projets concernés." in html


def test_on_the_seed_each_step_says_date_a_definir_once_and_nothing_is_invented(client):
    call_command("load_seed", verbosity=0)

    social = client.get(reverse("chantiers:chantier_detail", args=["projets-finalite-sociale"]))
    communication = client.get(reverse("chantiers:chantier_detail", args=["communication"]))

    assert social.content.decode().count("Date à définir") == 1
    html = communication.content.decode()
    [item] = communication.context["page"].timeline.groups[0].steps
    assert (item.when, item.status_label) == ("2e semestre 2021", "Prévue")
    assert "○</span> Prévue</span> · 2e semestre 2021" in html
    assert "juillet" not in html and "31 décembre" not in html
    overview = client.get(URL).content.decode()
    assert (
        overview.count("Date à définir")
        == Chantier.objects.filter(
            steps__start_date__isnull=True, steps__event__isnull=True, steps__is_continuous=False
        ).count()
    )


def test_the_drawing_escapes_what_staff_typed_and_marks_what_is_cancelled(client):
    chantier = ChantierFactory(title="Chantier <i>")
    cancelled = EventFactory(title="Atelier <b>", start=PAST, status="cancelled")
    StepFactory(chantier=chantier, order=1, title="Étape <script>", event=cancelled)
    StepFactory(
        chantier=chantier,
        order=2,
        title="Étape annulée",
        status="cancelled",
        start_date=D(2026, 5, 1),
        date_precision="month",
        description="Parce que <b>",
    )

    html = client.get(chantier.get_absolute_url()).content.decode()

    assert "<script>" not in html and "Étape &lt;script&gt;" in html
    assert "Atelier &lt;b&gt;</a> (annulé)" in html  # the table names the cancelled event
    assert 'class="gantt__strike"' in html  # the cancelled step is crossed out
    assert '<span class="table-note">Parce que &lt;b&gt;</span>' in html
    assert 'id="etape-2"' in html
    _response, overview = get(client)
    assert "<td><a href=" in overview and "Chantier &lt;i&gt;</a></td>" in overview


def test_the_drawing_speaks_english_on_english_pages(client, steps):
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "L'échéancier en tableau" not in html and "Légende" not in html
    assert "Aller au tableau" not in html and "Étapes sans date" not in html
