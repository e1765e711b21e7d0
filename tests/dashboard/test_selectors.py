"""The dashboard's figures against the hand-counted world of ``factories.world_build``."""

import datetime

import pytest

from dashboard.selectors import Scope, dashboard_figure, dashboard_figures, scope_for
from tests.dashboard.factories import NOW
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

EVERYTHING = Scope(None, outbox=True)


def _figure(slug, scope=EVERYTHING):
    figure = dashboard_figure(scope=scope, slug=slug, now=NOW)
    assert figure is not None
    return figure


def _liege(world):
    return Scope(frozenset({world.liege.pk}))


def _rows(figure):
    return [(row.label, row.values) for row in figure.rows]


def _month(figure, label):
    return next(row.values for row in figure.rows if row.label == label)


def test_registrations_per_event_latest_first_drafts_left_out(world):
    figure = _figure("inscriptions-par-evenement")
    assert figure.series == ("Confirmées", "En attente", "Annulées", "Présences")
    assert _rows(figure) == [
        ("Rencontre de Namur", (1, 0, 0, 0)),
        ("Rencontre de Liège", (3, 1, 2, 2)),
        ('=HYPERLINK("http://evil.example")', (2, 0, 0, 0)),
    ]
    assert figure.rows[1].note == "6 mai 2026"
    assert figure.rows[1].url == world.e1.get_absolute_url()


def test_an_officer_sees_the_events_of_their_provinces_only(world):
    figure = _figure("inscriptions-par-evenement", _liege(world))
    assert _rows(figure) == [("Rencontre de Liège", (3, 1, 2, 2))]


def test_registrations_by_province_and_month(world):
    figure = _figure("inscriptions-par-province")
    assert figure.chart == "months"
    assert figure.series == ("Liège", "Namur", "Toute la Wallonie")
    # From July 2025 to September 2026: eleven months before June, three after.
    assert figure.rows[0].label == "juillet 2025"
    assert figure.rows[-1].label == "septembre 2026"
    assert len(figure.rows) == 15
    assert _month(figure, "mars 2026") == (0, 0, 2)
    assert _month(figure, "mai 2026") == (3, 0, 0)
    assert _month(figure, "juin 2026") == (0, 1, 0)
    assert sum(sum(row.values) for row in figure.rows) == 6


def test_registrations_by_province_for_an_officer(world):
    figure = _figure("inscriptions-par-province", _liege(world))
    assert figure.series == ("Liège",)
    assert sum(sum(row.values) for row in figure.rows) == 3


def test_registrations_by_chantier_and_month(world):
    figure = _figure("inscriptions-par-chantier")
    assert figure.series == ("Logistique", "Cantines")
    assert _month(figure, "mars 2026") == (2, 0)
    assert _month(figure, "mai 2026") == (3, 0)
    assert _month(figure, "juin 2026") == (0, 1)


def test_projects_per_chantier_and_role_without_withdrawn_ones(world):
    figure = _figure("projets-par-chantier")
    assert figure.series == ("Pilote", "Contributeur", "Intéressé")
    assert _rows(figure) == [("Logistique", (1, 1, 1)), ("Cantines", (1, 0, 0))]
    assert _rows(_figure("projets-par-chantier", _liege(world))) == [("Logistique", (1, 1, 0))]


def test_projects_per_province_confirmed_or_not(world):
    figure = _figure("projets-par-province")
    assert figure.series == ("Confirmées", "À confirmer")
    assert _rows(figure) == [
        ("Liège", (1, 1)),
        ("Namur", (0, 1)),
        ("Toute la Wallonie", (1, 0)),
    ]
    assert _rows(_figure("projets-par-province", _liege(world))) == [("Liège", (1, 1))]


def test_subscribers_at_the_end_of_each_month(world):
    figure = _figure("abonnes-lettre")
    assert figure.series == ("Confirmé·es", "En attente", "Désinscrit·es")
    assert figure.rows[0].label == "juillet 2025"
    assert figure.rows[-1].label == "juin 2026"
    assert _month(figure, "novembre 2025") == (0, 0, 0)
    assert _month(figure, "décembre 2025") == (1, 0, 0)
    assert _month(figure, "janvier 2026") == (2, 0, 0)
    assert _month(figure, "mars 2026") == (1, 0, 1)
    assert _month(figure, "mai 2026") == (2, 0, 1)
    assert _month(figure, "juin 2026") == (2, 1, 1)


def test_subscribers_of_an_officers_provinces(world):
    figure = _figure("abonnes-lettre", _liege(world))
    assert _month(figure, "janvier 2026") == (2, 0, 0)
    assert _month(figure, "juin 2026") == (1, 0, 1)


def test_each_issue_sent_and_failed(world):
    figure = _figure("envois-lettre")
    assert figure.series == ("Envoyés", "En échec", "En file")
    assert [row.values for row in figure.rows] == [(2, 1, 0)]
    assert "Lettre de printemps" in figure.rows[0].label
    # An officer counts the messages to the subscribers of their provinces.
    assert [row.values for row in _figure("envois-lettre", _liege(world)).rows] == [(2, 0, 0)]


def test_open_needs_and_their_matches_per_category(world):
    figure = _figure("besoins-ouverts")
    assert _rows(figure) == [("Terres", (2, 1, 0, 1)), ("Outils", (1, 0, 1, 0))]
    assert _rows(_figure("besoins-ouverts", _liege(world))) == [("Terres", (1, 1, 0, 0))]


def test_open_proposals_by_support(world):
    figure = _figure("propositions-ateliers")
    assert _rows(figure) == [("Atelier compostage", (2,)), ("Atelier conserves", (0,))]
    assert figure.rows[0].note == "Logistique"


def test_the_outbox_by_state_with_links_to_each_list(world):
    figure = _figure("boite-envoi")
    assert _rows(figure) == [
        ("En attente", (1,)),
        ("Envoi en cours", (1,)),
        ("Incertains", (1,)),
        ("En échec", (2,)),
    ]
    assert [row.url for row in figure.rows] == [
        "/admin/portal/outgoingemail/?etat=queued",
        "/admin/portal/outgoingemail/?etat=in_progress",
        "/admin/portal/outgoingemail/?etat=uncertain",
        "/admin/portal/outgoingemail/?etat=failed",
    ]


def test_officers_have_no_outbox_and_unknown_slugs_give_nothing(world):
    liege = _liege(world)
    assert dashboard_figure(scope=liege, slug="boite-envoi", now=NOW) is None
    assert dashboard_figure(scope=EVERYTHING, slug="inconnu", now=NOW) is None
    slugs = [figure.slug for figure in dashboard_figures(scope=liege, now=NOW)]
    assert "boite-envoi" not in slugs
    assert len(slugs) == 9


def test_an_empty_portal_gives_empty_figures(db):
    for figure in dashboard_figures(scope=EVERYTHING, now=NOW):
        assert figure.is_empty, figure.slug
    assert dashboard_figure(scope=EVERYTHING, slug="boite-envoi", now=NOW).has_table


def test_scope_for_each_role(staff, officer, liege):
    assert scope_for(staff) == Scope(None, outbox=True)
    assert scope_for(officer) == Scope(frozenset({liege.pk}))
    assert scope_for(UserFactory()) is None
    assert scope_for(UserFactory(is_staff=True)) is None  # staff outside the Cellule's group


def test_months_follow_brussels_time(liege, namur):
    from tests.events.factories import EventFactory, RegistrationFactory

    # 21:30 UTC on 31 May is 23:30 in Brussels (May); 22:30 UTC is 00:30 on 1 June (June).
    may = EventFactory(
        province=liege, start=datetime.datetime(2026, 5, 31, 21, 30, tzinfo=datetime.UTC)
    )
    june = EventFactory(
        province=liege, start=datetime.datetime(2026, 5, 31, 22, 30, tzinfo=datetime.UTC)
    )
    RegistrationFactory(event=may)
    RegistrationFactory(event=june)
    RegistrationFactory(event=june)
    figure = _figure("inscriptions-par-province")
    assert _month(figure, "mai 2026") == (1,)
    assert _month(figure, "juin 2026") == (2,)
