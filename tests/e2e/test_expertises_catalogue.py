"""A visitor browses the expertise catalogue: filters by category and province, opens an entry;
each page passes its accessibility scan."""

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from expertises.models import Category, Facilitator
from territoires.models import Province


@pytest.fixture
def catalogue(transactional_db: None) -> None:
    liege = Province.objects.create(
        name="Liège", slug="liege", code="LG", centre_latitude=50.5, centre_longitude=5.6
    )
    namur = Province.objects.create(
        name="Namur", slug="namur", code="NA", centre_latitude=50.4, centre_longitude=4.9
    )
    # The data migration's categories do not survive a transactional test's flush.
    finance, _ = Category.objects.get_or_create(
        slug="financement-micro-credit", defaults={"name": "Financement et micro-crédit"}
    )
    legal, _ = Category.objects.get_or_create(slug="juridique", defaults={"name": "Juridique"})
    credal = Facilitator.objects.create(
        name="Crédal", slug="credal", offer="Micro-crédit.\n\nAccompagnement.", cost="free"
    )
    credal.categories.set([finance])
    credal.provinces.set([liege])
    everywhere = Facilitator.objects.create(
        name="Guichet wallon", slug="guichet", offer="Financements.", covers_all_wallonia=True
    )
    everywhere.categories.set([finance])
    lawyers = Facilitator.objects.create(name="Juristes", slug="juristes", offer="Statuts.")
    lawyers.categories.set([legal])
    lawyers.provinces.set([namur])


def test_filter_the_catalogue_and_open_an_entry(
    catalogue: None, page: Page, live_server: Any, assert_accessible: Callable[..., None]
) -> None:
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Expertises"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Expertises")
    expect(page.locator(".facilitator-card")).to_have_count(3)
    assert_accessible(page)

    page.get_by_label("Catégorie").select_option(label="Financement et micro-crédit")
    page.get_by_label("Province").select_option(label="Namur")
    page.get_by_role("button", name="Filtrer").click()

    cards = page.locator(".facilitator-card")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Guichet wallon")
    expect(cards.first).to_contain_text("Toute la Wallonie")
    assert "categorie=financement-micro-credit" in page.url and "province=namur" in page.url
    assert_accessible(page)

    page.get_by_role("link", name="Guichet wallon").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Guichet wallon")
    expect(page.get_by_role("navigation", name="Fil d'Ariane")).to_contain_text("Expertises")
    assert_accessible(page)
