"""The seed's words kept on the pages: the CPA's partners, the newsletter resource, the pistes'
pages, « Date à définir » once per step; and hub.0003, which brings a seeded database along."""

import html as html_lib
import re
from http import HTTPStatus
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from chantiers.models import Chantier, Partnership, Resource
from chantiers.selectors import CHANTIER_PROJECTS
from hub.models import SeedRecord
from hub.seed import content
from hub.seed.loader import seed_load
from projets.models import Organisation
from tests.chantiers.factories import ChantierFactory, NewsFactory, ParticipationFactory
from tests.portal.factories import UserFactory
from tests.projets.factories import MembershipFactory, ProjectFactory
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db

SEED_DOCUMENT = Path(content.__file__).parent / "chantiers-communs.txt"
PISTE_QUOTE = f"{content.CANDIDATES_INTRO} {content.CANDIDATES_INVITATION}."


def text_of(response) -> str:
    """The text of the page's main content (not the header's navigation), tags dropped."""
    page = response.content.decode()
    main = page[page.index("<main") : page.index("</main>")]
    body = re.sub(r"<[^>]+>", " ", main)
    return " ".join(html_lib.unescape(body).split())


def chantier_page(client, slug):
    response = client.get(reverse("chantiers:chantier_detail", args=[slug]))
    assert response.status_code == HTTPStatus.OK
    return response


@pytest.fixture
def seeded():
    call_command("load_seed", verbosity=0)


# --- The partners of the food policy councils ----------------------------------------------------


def test_the_cpa_chantier_shows_its_four_partners_in_the_document_order(client, seeded):
    response = chantier_page(client, content.CPA_SLUG)

    text = text_of(response)
    section = text[text.index("Partenaires") : text.index("Échéancier")]
    positions = [section.index(name) for name in ("RATA", "RAWAD", "AIA", "CwAD")]
    assert positions == sorted(positions)
    assert "Réseau des acteurs wallons pour une alimentation durable" in section
    assert "Agroecology in action" in section
    assert "Avec le soutien du CwAD" in section
    assert 'id="partenaires"' in response.content.decode()
    # Only there: no other chantier names partners.
    assert not Partnership.objects.exclude(chantier__slug=content.CPA_SLUG).exists()
    assert 'id="partenaires"' not in chantier_page(client, "diagnostics").content.decode()


def test_the_partners_text_of_rata_is_the_documents():
    document = " ".join(SEED_DOCUMENT.read_text(encoding="utf-8").split())
    assert content.CPA_PARTNERS[0].role + " :" in document


# --- The newsletter resource ----------------------------------------------------------------


def test_the_newsletter_resource_leads_to_the_portals_newsletter(client, seeded):
    html = chantier_page(client, "communication").content.decode()

    newsletter = reverse("newsletter:subscribe")
    assert re.search(rf'<a href="{newsletter}"[^>]*>Newsletter inter-projets</a>', html)
    # The other resource of the chantier has no address (the document's links were lost).
    assert '<h3 class="card__title">Portail Manger Demain</h3>' in html


def test_a_resource_with_an_address_and_no_page_leads_to_the_address():
    resource = Resource(url="https://example.org/guide")
    assert resource.link == "https://example.org/guide"
    resource.page = "newsletter:subscribe"
    assert resource.link == reverse("newsletter:subscribe")


# --- « Date à définir » once per step -----------------------------------------------------------


def test_each_seeded_step_says_date_a_definir_once(client, seeded):
    for chantier in Chantier.objects.active():
        undated = chantier.steps.filter(
            start_date__isnull=True, event__isnull=True, is_continuous=False
        ).count()
        html = chantier_page(client, chantier.slug).content.decode()
        assert html.count("Date à définir") == undated, chantier.slug


# --- The pistes' pages -------------------------------------------------------------------------


def test_the_document_holds_the_words_the_piste_pages_quote():
    document = " ".join(SEED_DOCUMENT.read_text(encoding="utf-8").split())
    assert f"{content.CANDIDATES_INTRO} {content.CANDIDATES_INVITATION} :" in document


def test_a_piste_page_says_what_a_piste_is_without_the_empty_sections(client, seeded):
    response = chantier_page(client, "legumeries")

    text = text_of(response)
    assert "Piste de chantier" in text
    assert "Qu'est-ce qu'une piste ?" in text
    assert PISTE_QUOTE in text
    assert "Projets intéressés" in text
    assert "Comment y prendre part" in text
    for empty in (
        "Ressources",
        "Échéancier",
        "Actualités du chantier",
        "Événements liés",
        "Aucune ressource",
        "reste à définir",
    ):
        assert empty not in text, empty
    # No sentence shared by every piste as its description any more.
    assert not Chantier.objects.candidates().exclude(description="").exists()


def test_the_piste_pages_differ_from_each_other_only_by_their_piste(client, seeded):
    texts = [
        text_of(chantier_page(client, slug)).replace(title, "")
        for slug, title in Chantier.objects.candidates().values_list("slug", "title")
    ]
    assert len(texts) == 4
    assert all(content.CANDIDATES_INTRO in text for text in texts)


def test_a_piste_page_lists_the_interested_projects(client):
    piste = ChantierFactory(status=Chantier.Status.CANDIDATE, description="")
    interested = ParticipationFactory(chantier=piste, project__name="Légumerie de Ciney")

    text = text_of(chantier_page(client, piste.slug))

    assert "Légumerie de Ciney" in text
    assert interested.project.get_absolute_url()
    assert "Aucun projet ne s'est encore déclaré" not in text


def test_how_to_take_part_anonymous_visitor(client):
    piste = ChantierFactory(status=Chantier.Status.CANDIDATE)

    html = chantier_page(client, piste.slug).content.decode()

    assert f'href="{reverse("account_login")}?next={piste.get_absolute_url()}"' in html
    assert reverse("espace_projets:piste_propose") not in html
    assert f'href="{reverse("territoires:province_list")}"' in html


def test_how_to_take_part_a_leader_gets_their_projects_and_the_proposal(client):
    piste = ChantierFactory(status=Chantier.Status.CANDIDATE)
    membership = MembershipFactory(project__name="Ceinture alimentaire")
    client.force_login(membership.user)

    html = chantier_page(client, piste.slug).content.decode()

    edit = reverse("espace_projets:project_edit", args=[membership.project.slug])
    assert f'href="{edit}"' in html
    assert f'href="{reverse("espace_projets:piste_propose")}"' in html


def test_how_to_take_part_someone_who_leads_no_project(client):
    piste = ChantierFactory(status=Chantier.Status.CANDIDATE)
    client.force_login(UserFactory())

    html = chantier_page(client, piste.slug).content.decode()

    assert "Vous ne portez encore aucun projet" in html
    assert f'href="{reverse("projets:project_list")}"' in html


def test_a_piste_with_news_shows_them(client):
    piste = ChantierFactory(status=Chantier.Status.CANDIDATE)
    news = NewsFactory(chantier=piste, title="La piste avance")

    html = chantier_page(client, piste.slug).content.decode()

    assert news.title in html


def test_an_active_chantier_keeps_its_sections(client):
    chantier = ChantierFactory()

    text = text_of(chantier_page(client, chantier.slug))

    for section in ("Ressources", "Échéancier", "Projets participants", "Actualités du chantier"):
        assert section in text
    assert "Qu'est-ce qu'une piste ?" not in text


def test_the_piste_page_query_count_is_constant(client):
    piste = ChantierFactory(status=Chantier.Status.CANDIDATE)
    leader = MembershipFactory().user
    client.force_login(leader)

    def grow(n):
        for _ in range(n):
            ParticipationFactory(chantier=piste, project=ProjectFactory())
            MembershipFactory(user=leader)

    assert_constant_queries(client, piste.get_absolute_url(), grow)


def test_a_piste_lists_its_first_interested_projects_and_links_to_them_all(client):
    piste = ChantierFactory(status=Chantier.Status.CANDIDATE, slug="piste-longue")
    for number in range(CHANTIER_PROJECTS + 3):
        ParticipationFactory(chantier=piste, project=ProjectFactory(name=f"Intéressé {number:02}"))

    page = client.get(piste.get_absolute_url()).content.decode()

    assert page.count("Intéressé ") == CHANTIER_PROJECTS
    total = CHANTIER_PROJECTS + 3
    assert f"Les {total} projets intéressés par cette piste" in page
    assert f'href="{reverse("projets:project_list")}?chantier=piste-longue"' in page


def test_the_list_of_pistes_quotes_the_document_and_invites_proposals(client, seeded):
    response = client.get(reverse("chantiers:candidate_list"))

    assert PISTE_QUOTE in text_of(response)
    assert f'href="{reverse("espace_projets:piste_propose")}"' in response.content.decode()


# --- hub.0003: a database seeded before -----------------------------------------------------


def _migrate():
    import_module("hub.migrations.0003_seed_words_kept").keep_the_seed_words(apps, None)


def _as_seeded_before():
    """The state a database seeded before this release is in."""
    seed_load()
    SeedRecord.objects.filter(key__startswith="partnership:").delete()
    Partnership.objects.all().delete()
    Resource.objects.filter(title="Newsletter inter-projets").update(page="")
    Chantier.objects.candidates().update(description=content.CANDIDATES_INTRO)


def test_the_migration_brings_a_seeded_database_to_the_seeds_words():
    _as_seeded_before()

    _migrate()

    assert list(
        Partnership.objects.order_by("order").values_list("organisation__acronym", flat=True)
    ) == ["RATA", "RAWAD", "AIA", "CwAD"]
    assert Resource.objects.get(title="Newsletter inter-projets").page == "newsletter:subscribe"
    assert not Chantier.objects.candidates().exclude(description="").exists()
    # The partnerships are recorded: a load adds nothing, and the migration again changes nothing.
    assert seed_load().total == 0
    _migrate()
    assert Partnership.objects.count() == 4


def test_the_migration_keeps_what_staff_changed():
    _as_seeded_before()
    Chantier.objects.filter(slug="legumeries").update(description="Écrit par la Cellule.")
    Resource.objects.filter(title="Newsletter inter-projets").update(url="https://example.org/")
    Organisation.objects.filter(slug="aia").delete()

    _migrate()

    assert Chantier.objects.get(slug="legumeries").description == "Écrit par la Cellule."
    newsletter = Resource.objects.get(title="Newsletter inter-projets")
    assert (newsletter.page, newsletter.link) == ("", "https://example.org/")
    assert set(Partnership.objects.values_list("organisation__acronym", flat=True)) == {
        "RATA",
        "RAWAD",
        "CwAD",
    }


def test_the_migration_leaves_a_partnership_staff_deleted_deleted():
    seed_load()
    Partnership.objects.filter(organisation__slug="rata").delete()

    _migrate()

    assert not Partnership.objects.filter(organisation__slug="rata").exists()


def test_the_migration_leaves_a_database_never_seeded_alone():
    _migrate()

    assert not Partnership.objects.exists()
    assert not SeedRecord.objects.exists()
