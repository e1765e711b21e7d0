"""The cards of the lists (``portal.cards`` and each app's ``*_cards`` tag): what each card
says in every case, escaped, in French and in English."""

import datetime
import html
import re

import pytest
from django.template import Context, Template
from django.utils import translation

from events.models import Event
from tests.chantiers.factories import ChantierFactory, NewsFactory
from tests.events.factories import EventFactory
from tests.expertises.factories import CategoryFactory, FacilitatorFactory
from tests.projets.factories import OrganisationFactory, ProjectFactory, ProjectTypeFactory
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db


def render(tag: str, items) -> str:
    return Template(f"{{% load {tag} %}}{{% {tag} items %}}").render(Context({"items": items}))


def cards(html: str) -> list[str]:
    return re.findall(r"<li class=\"card[^\"]*\">.*?</li>", html, re.S)


def text(card: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", card)).split())


def test_project_cards():
    liege = ProvinceFactory(name="Liège")
    confirmed = ProjectFactory(name="Potager <commun>", summary="Des légumes & du lien")
    confirmed.province, confirmed.is_confirmed = liege, True
    confirmed.types.set([ProjectTypeFactory(name="Ceinture alimentaire")])
    unconfirmed = ProjectFactory(name="Halle", summary="")
    unconfirmed.is_confirmed = False

    first, second = cards(render("project_cards", [confirmed, unconfirmed]))

    assert f'<a href="{confirmed.get_absolute_url()}">Potager &lt;commun&gt;</a>' in first
    assert text(first) == "Potager <commun> Des légumes & du lien Liège Ceinture alimentaire"
    assert "<p></p>" not in second and "Fiche à confirmer" in text(second)
    with translation.override("en"):
        assert "Record to be confirmed" in render("project_cards", [unconfirmed])


def test_event_cards():
    chantier = ChantierFactory(title="Marchés publics")
    cancelled = EventFactory(
        title="Rencontre", status=Event.Status.CANCELLED, province=ProvinceFactory(name="Namur"),
        chantier=chantier,
        start=datetime.datetime(2026, 5, 4, 8, 30, tzinfo=datetime.UTC), end=None,
    )  # fmt: skip
    plain = EventFactory(title="Atelier", kind=Event.Kind.WORKSHOP, province=None, chantier=None)

    first, second = cards(render("event_cards", [cancelled, plain]))

    assert first.startswith('<li class="card event-card event-card--cancelled">')
    assert '<time datetime="2026-05-04T10:30:00+02:00">' in first  # Brussels time
    assert "Annulé" in text(first) and "Namur" in text(first)
    assert "Chantier « Marchés publics »" in text(first)
    assert second.startswith('<li class="card event-card">')
    assert "Atelier thématique" in text(second) and "Chantier" not in text(second)
    with translation.override("en"):
        assert "Cancelled" in render("event_cards", [cancelled])


def test_news_cards():
    news = NewsFactory(
        title="Nouvelles", summary="Un & deux", chantier=ChantierFactory(title="Diagnostics"),
        province=ProvinceFactory(name="Hainaut"),
        published_at=datetime.datetime(2026, 3, 2, 22, 30, tzinfo=datetime.UTC),  # 23:30 here
    )  # fmt: skip
    alone = NewsFactory(chantier=None, province=None)

    first, second = cards(render("news_cards", [news, alone]))

    assert text(first) == "Nouvelles 2 mars 2026 Hainaut Chantier « Diagnostics » Un & deux"
    assert "Chantier" not in text(second) and "<span>" not in second
    with translation.override("en"):
        assert "2 March 2026" in render("news_cards", [news])


def test_facilitator_cards():
    categories = [CategoryFactory(name="Droit", order=1), CategoryFactory(name="Achats", order=2)]
    provinces = [
        ProvinceFactory(name="Luxembourg", order=1),
        ProvinceFactory(name="Namur", order=2),
    ]
    reviewed = FacilitatorFactory(
        name="Appui <juridique>", organisation=OrganisationFactory(name="Asbl Réseau"),
        categories=categories, provinces=provinces, last_reviewed=datetime.date(2026, 1, 15),
    )  # fmt: skip
    everywhere = FacilitatorFactory(organisation_name="Collectif", covers_all_wallonia=True)
    nowhere = FacilitatorFactory(organisation_name="")

    first, second, third = cards(render("facilitator_cards", [reviewed, everywhere, nowhere]))

    assert "Appui &lt;juridique&gt;" in first
    assert text(first).startswith("Appui <juridique> Asbl Réseau Droit Achats Luxembourg, Namur")
    assert text(first).endswith("Vérifié le 15 janvier 2026")
    assert "Collectif" in text(second) and "Toute la Wallonie" in text(second)
    assert "Zone non précisée" in text(third) and "Vérifié" not in third
    with translation.override("en"):
        assert "Checked on 15 January 2026" in render("facilitator_cards", [reviewed])
