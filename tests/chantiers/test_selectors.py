"""Reads of chantiers: the chantier of a page and its partners, in one query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chantiers.selectors import ChantierPage, chantier_get
from tests.chantiers.factories import ChantierFactory, PartnershipFactory
from tests.projets.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_the_chantier_comes_with_its_partners_in_their_order_in_one_query():
    chantier = ChantierFactory(slug="cpa")
    rata = OrganisationFactory(name="Réseau des GAL", acronym="RATA", website="https://rata.be")
    cwad = OrganisationFactory(name="Collège wallon", acronym="")
    PartnershipFactory(chantier=chantier, organisation=cwad, order=2, role="Relais")
    PartnershipFactory(chantier=chantier, organisation=rata, order=1, role="")
    PartnershipFactory(chantier=ChantierFactory(), organisation=rata)  # another chantier's

    with CaptureQueriesContext(connection) as queries:
        read = chantier_get(slug="cpa")
        page = ChantierPage(read, now=None)
        partners = [
            (p.organisation.name, p.organisation.acronym, p.organisation.website, p.role)
            for p in page.partnerships
        ]

    assert len(queries) == 1
    assert read == chantier and read.title == chantier.title
    assert partners == [
        ("Réseau des GAL", "RATA", "https://rata.be", ""),
        ("Collège wallon", "", "", "Relais"),
    ]
    assert all(p.chantier is read for p in page.partnerships)


def test_a_chantier_without_partners_is_read_alone_and_an_unknown_one_is_none():
    ChantierFactory(slug="seul")

    with CaptureQueriesContext(connection) as queries:
        alone = chantier_get(slug="seul")
        partners = ChantierPage(alone, now=None).partnerships

    assert len(queries) == 1
    assert alone.slug == "seul" and partners == []
    assert chantier_get(slug="inconnu") is None
