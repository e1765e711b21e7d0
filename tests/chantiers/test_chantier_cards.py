"""The chantier and step cards written in Python (``chantiers.templatetags.chantier_cards``): what
they say, in both languages, escaped."""

import datetime
import html
import re

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.utils import translation

from chantiers.models import Step
from chantiers.templatetags.chantier_cards import (
    chantier_label,
    project_count_label,
    step_count_label,
)
from tests.chantiers.factories import (
    ChantierFactory,
    ParticipationFactory,
    PartnershipFactory,
    ResourceFactory,
    StepFactory,
)
from tests.projets.factories import OrganisationFactory, ProjectFactory
from tests.territoires.factories import ProvinceFactory


def test_the_counts_in_french_and_in_english():
    with translation.override("fr"):
        assert [step_count_label(1), step_count_label(3)] == ["1 étape", "3 étapes"]
        assert project_count_label(2) == "2 projets participants"
    with translation.override("en"):
        assert [step_count_label(1), step_count_label(3)] == ["1 step", "3 steps"]
        assert project_count_label(1) == "1 participating project"


def test_the_chantier_label_escapes_the_title():
    with translation.override("fr"):
        assert chantier_label("A & <b>") == "Chantier « A &amp; &lt;b&gt; »"
    with translation.override("en"):
        assert chantier_label("Diagnostics") == "Workstream “Diagnostics”"


def render(source: str, **context) -> str:
    return Template("{% load chantier_cards %}" + source).render(Context(context))


def text(html_text: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", html_text)).split())


@pytest.mark.django_db
def test_a_chantier_card_on_the_home_page_and_on_the_list():
    chantier = ChantierFactory(
        title="Marchés <publics>", slug="marches", summary="Un résumé & plus", objective=""
    )
    chantier.step_count, chantier.project_count = 1, 3
    with translation.override("fr"):
        home = render("{% chantier_cards items %}", items=[chantier])
        listed = render('{% chantier_cards items heading="h2" summary=True %}', items=[chantier])
    assert '<h3 class="card__title"><a href="/chantiers/marches/">' in home
    assert "Marchés &lt;publics&gt;" in home
    assert text(home) == "Marchés <publics> 1 étape 3 projets participants"
    assert '<h2 class="card__title">' in listed
    assert text(listed) == "Marchés <publics> Un résumé & plus 1 étape 3 projets participants"

    chantier.objective = "Acheter local"
    with translation.override("en"):
        home = render("{% chantier_cards items %}", items=[chantier])
    assert (
        text(home) == "Marchés <publics> Objective: Acheter local 1 step 3 participating projects"
    )
    assert render("{% chantier_cards items %}", items=[]) == ""
    with pytest.raises(TemplateSyntaxError):
        render('{% chantier_cards items heading="h1" %}', items=[chantier])


@pytest.mark.django_db
def test_a_step_card_says_its_status_when_and_chantier():
    chantier = ChantierFactory(title="Diagnostics & co", slug="diagnostics")
    step = StepFactory(
        chantier=chantier,
        order=2,
        title="Atelier <bilan>",
        status=Step.Status.POSTPONED,
        start_date=datetime.date(2027, 1, 1),
        date_precision="semester",
    )
    with translation.override("fr"):
        card = render("{% step_cards items %}", items=[step])
    assert '<a href="/chantiers/diagnostics/#etape-2">Atelier &lt;bilan&gt;</a>' in card
    assert '<span class="status status--postponed">Reportée</span>' in card
    assert text(card) == f"Atelier <bilan> Reportée {step.when()} Chantier « Diagnostics & co »"


@pytest.mark.django_db
def test_a_resource_card_links_only_where_it_is_safe():
    provider = OrganisationFactory(name="Asbl <Sol>", acronym="")
    linked = ResourceFactory(
        title="Guide & fiches", url="https://example.org/guide?a=1&b=2", provider=provider
    )
    unsafe = ResourceFactory(title="Ailleurs", description="", url="")
    unsafe.url = "javascript:alert(1)"  # whatever reached the database
    with translation.override("fr"):
        html_text = render("{% resource_cards items %}", items=[linked, unsafe])
    first, second = html_text.split("</li>")[:2]
    assert (
        '<a href="https://example.org/guide?a=1&amp;b=2" rel="noopener">Guide &amp; fiches</a>'
        in first
    )
    assert text(first) == f"Guide & fiches {linked.description} Proposée par Asbl <Sol>"
    assert "href" not in second and text(second) == "Ailleurs"


@pytest.mark.django_db
def test_a_partner_card_says_the_acronym_then_the_name_and_the_role():
    with_acronym = PartnershipFactory(
        organisation=OrganisationFactory(
            name="Collectif des <producteurs>", acronym="CdP", website="https://cdp.example"
        ),
        role="Anime les ateliers",
    )
    plain = PartnershipFactory(
        organisation=OrganisationFactory(name="Ferme", acronym="", website="ftp://x"), role=""
    )
    html_text = render("{% partner_cards items %}", items=[with_acronym, plain])
    first, second = html_text.split("</li>")[:2]
    assert '<a href="https://cdp.example" rel="noopener">CdP</a>' in first
    assert text(first) == "CdP Collectif des <producteurs> Anime les ateliers"
    assert "href" not in second and text(second) == "Ferme"


@pytest.mark.django_db
def test_a_participation_says_the_project_its_role_and_province():
    liege = ProvinceFactory(name="Liège")
    lead = ParticipationFactory(
        project=ProjectFactory(name="Halle <paysanne>", province=liege),
        role="lead",
    )
    elsewhere = ParticipationFactory(project=ProjectFactory(name="Potager", province=None))
    with translation.override("fr"):
        french = render("{% participation_items items %}", items=[lead, elsewhere])
    with translation.override("en"):
        english = render("{% participation_items items %}", items=[lead])
    first, second = french.split("</li>")[:2]
    assert f'<a href="{lead.project.get_absolute_url()}">Halle &lt;paysanne&gt;</a>' in first
    assert text(first) == "Halle <paysanne> Pilote Liège"
    assert text(second) == "Potager Intéressé"
    assert text(english) == "Halle <paysanne> Lead Liège"
