"""Public pages of the expertise catalogue: filters, search (SQLite and PostgreSQL), 404s,
nonsense parameters, the projects' offers, and query counts; the chantier and province pages."""

import datetime
from http import HTTPStatus

import pytest
from django.db import connection
from django.urls import reverse

from expertises.models import Category, Facilitator
from tests.chantiers.factories import ChantierFactory
from tests.expertises.factories import CategoryFactory, FacilitatorFactory
from tests.projets.factories import OrganisationFactory, ProjectFactory
from tests.querycount import assert_constant_queries
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/expertises/"


def names(response) -> list[str]:
    return [f.name for f in response.context["facilitators"]]


@pytest.fixture
def catalogue():
    liege = ProvinceFactory(name="Liège", slug="liege", code="LG")
    namur = ProvinceFactory(name="Namur", slug="namur", code="NA")
    finance = CategoryFactory(name="Financement et micro-crédit", slug="financement-micro-credit")
    legal = CategoryFactory(name="Juridique", slug="juridique")
    credal = FacilitatorFactory(
        name="Crédal",
        offer="Micro-crédit pour les petites entreprises alimentaires.",
        organisation=OrganisationFactory(name="Crédal SC"),
        categories=[finance],
        provinces=[liege],
        cost=Facilitator.Cost.FREE,
    )
    sowalfin = FacilitatorFactory(
        name="Guichet des financements",
        offer="Des financements publics et des garanties.",
        audience="Porteurs de projets",
        categories=[finance],
        covers_all_wallonia=True,
        cost=Facilitator.Cost.QUOTE,
    )
    lawyers = FacilitatorFactory(
        name="Juristes solidaires",
        offer="Conseil en statuts et contrats.",
        categories=[legal],
        provinces=[namur],
        cost=Facilitator.Cost.PAID,
    )
    hidden = FacilitatorFactory(
        name="Service caché", offer="Micro-crédit caché.", categories=[finance], is_published=False
    )
    return {
        "liege": liege,
        "namur": namur,
        "finance": finance,
        "legal": legal,
        "credal": credal,
        "sowalfin": sowalfin,
        "lawyers": lawyers,
        "hidden": hidden,
    }


def test_list_shows_published_entries_with_their_details(client, catalogue):
    catalogue["credal"].last_reviewed = datetime.date(2026, 3, 2)
    catalogue["credal"].save()

    response = client.get(LIST_URL)

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert names(response) == ["Crédal", "Guichet des financements", "Juristes solidaires"]
    assert "Service caché" not in html
    assert "Crédal SC" in html and "Asbl Exemple" in html
    assert "Toute la Wallonie" in html and "Liège" in html
    assert "Sur devis" in html and "Payant" in html
    assert "2 mars 2026" in html
    assert 'aria-current="page">Expertises' in html


def test_category_filter(client, catalogue):
    response = client.get(LIST_URL, {"categorie": "juridique"})

    assert names(response) == ["Juristes solidaires"]


def test_cost_filter(client, catalogue):
    response = client.get(LIST_URL, {"cout": "quote"})

    assert names(response) == ["Guichet des financements"]


@pytest.mark.parametrize(
    ("province", "expected"),
    [
        ("liege", ["Crédal", "Guichet des financements"]),
        ("namur", ["Guichet des financements", "Juristes solidaires"]),
    ],
)
def test_province_filter_includes_those_covering_all_wallonia(
    client, catalogue, province, expected
):
    response = client.get(LIST_URL, {"province": province})

    assert names(response) == expected


def test_all_wallonia_entry_with_provinces_is_listed_once(client, catalogue):
    catalogue["sowalfin"].provinces.set([catalogue["liege"], catalogue["namur"]])

    response = client.get(LIST_URL, {"province": "liege", "q": "financements"})

    assert names(response) == ["Guichet des financements"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("micro-crédit", ["Crédal"]),
        ("credit", ["Crédal"]),
        ("CRÉDIT", ["Crédal"]),
        ("financements", ["Guichet des financements"]),
        ("crédal sc", ["Crédal"]),  # the organisation's name
        ("porteurs", ["Guichet des financements"]),  # the audience
        ("statuts contrats", ["Juristes solidaires"]),  # every word
        ("statuts inexistant", []),
        ("caché", []),  # unpublished
    ],
)
def test_search(client, catalogue, query, expected):
    response = client.get(LIST_URL, {"q": query})

    assert response.status_code == HTTPStatus.OK
    assert names(response) == expected


def test_search_combines_with_filters(client, catalogue):
    response = client.get(LIST_URL, {"q": "crédit", "province": "namur"})

    assert names(response) == []


def test_search_finds_singular_and_plural(client, catalogue):
    # A substring on SQLite, French stemming on PostgreSQL: the same entry either way.
    response = client.get(LIST_URL, {"q": "financement garantie"})

    assert names(response) == ["Guichet des financements"]


def test_search_stems_and_ranks_on_postgresql(client, catalogue):
    FacilitatorFactory(name="Autre", offer="Il finance un peu.")

    response = client.get(LIST_URL, {"q": "financements"})

    if connection.vendor == "postgresql":
        # Stemming: "finance" and "financements" share their stem; the richer match ranks first.
        assert names(response) == ["Guichet des financements", "Autre"]
    else:
        # No stemming on SQLite: "financements" is not in "finance".
        assert names(response) == ["Guichet des financements"]


@pytest.mark.parametrize(
    "params",
    [
        {"categorie": "inconnue"},
        {"province": "bruxelles"},
        {"cout": "cher"},
        {"page": "abc"},
        {"page": "999"},
        {"offres": "-1"},
        {"q": "x" * 300},
        {"q": "'\"&|!():*<->"},
    ],
)
def test_nonsense_parameters_never_fail(client, catalogue, params):
    response = client.get(LIST_URL, params)

    assert response.status_code == HTTPStatus.OK


def test_invalid_filter_is_ignored_with_a_french_message(client, catalogue):
    response = client.get(LIST_URL, {"categorie": "inconnue", "cout": "paid"})

    html = response.content.decode()
    assert names(response) == ["Juristes solidaires"]
    assert "Certains filtres n'ont pas été compris" in html


def test_pagination_clamps_to_the_last_page(client, settings, catalogue):
    settings.PAGINATE_BY = 2

    response = client.get(LIST_URL, {"page": "999"})

    assert response.context["page_obj"].number == 2
    assert names(response) == ["Juristes solidaires"]


def test_project_offers_are_listed_and_filtered_by_category(client, catalogue):
    from expertises.models import Offer

    public = ProjectFactory(name="Ferme pédagogique")
    withdrawn = ProjectFactory(name="Projet retiré", status="withdrawn")
    Offer.objects.create(project=public, category=catalogue["finance"], description="Montage BEI")
    Offer.objects.create(project=public, category=catalogue["legal"], description="Statuts coop")
    Offer.objects.create(project=withdrawn, category=catalogue["legal"], description="Caché")

    everything = client.get(LIST_URL).content.decode()
    legal = client.get(LIST_URL, {"categorie": "juridique"}).content.decode()

    assert "Expertises offertes par les projets" in everything
    assert "Montage BEI" in everything and "Statuts coop" in everything
    assert "Caché" not in everything
    assert "Statuts coop" in legal and "Montage BEI" not in legal


def test_detail_shows_everything(client, catalogue):
    credal = catalogue["credal"]
    credal.offer = "Première ligne.\n\nDeuxième paragraphe."
    credal.audience = "Coopératives"
    credal.contact_name = "Anne Exemple"
    credal.contact_email = "anne@example.org"
    credal.contact_phone = "+32 81 00 00 00"
    credal.website = "https://credal.example.org"
    credal.links = "https://a.example.org\nhttps://b.example.org"
    credal.last_reviewed = datetime.date(2026, 1, 15)
    credal.save()

    response = client.get(credal.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "<p>Première ligne.</p>" in html and "<p>Deuxième paragraphe.</p>" in html
    for text in [
        "Coopératives",
        "Anne Exemple",
        "mailto:anne@example.org",
        "+32 81 00 00 00",
        "https://credal.example.org",
        "https://a.example.org",
        "https://b.example.org",
        "15 janvier 2026",
        "Gratuit",
        "Financement et micro-crédit",
        "Crédal SC",
    ]:
        assert text in html, text
    assert f'href="{reverse("expertises:facilitator_list")}">Expertises' in html


@pytest.mark.parametrize("slug", ["inconnu", "service-cache"])
def test_unknown_or_unpublished_detail_is_a_french_404(client, catalogue, slug):
    catalogue["hidden"].slug = "service-cache"
    catalogue["hidden"].save()

    response = client.get(reverse("expertises:facilitator_detail", kwargs={"slug": slug}))

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "introuvable" in response.content.decode().lower()


def test_default_categories_exist():
    slugs = set(Category.objects.values_list("slug", flat=True))

    assert {
        "financement-micro-credit",
        "accompagnement-economique",
        "juridique",
        "marches-publics",
        "logistique",
        "formation",
        "communication",
        "foncier",
    } <= slugs


# --- Where the catalogue appears --------------------------------------------------------------


def test_province_page_lists_facilitators_covering_it(client, catalogue):
    response = client.get(catalogue["liege"].get_absolute_url())

    html = response.content.decode()
    assert "Facilitateurs actifs dans la province" in html
    assert "Crédal" in html and "Guichet des financements" in html
    assert "Juristes solidaires" not in html and "Service caché" not in html
    assert "/expertises/?province=liege" in html


def test_province_page_lists_at_most_ten(client):
    namur = ProvinceFactory(slug="namur")
    FacilitatorFactory.create_batch(12, provinces=[namur])

    response = client.get(namur.get_absolute_url())

    assert len(response.context["facilitators"]) == 10
    assert "Voir les 12 facilitateurs" in response.content.decode()


def test_recueil_chantier_page_shows_the_catalogue(client, catalogue):
    chantier = ChantierFactory(slug="recueil-expertises", title="Recueil d'expertises")
    other = ChantierFactory()

    html = client.get(chantier.get_absolute_url()).content.decode()
    other_html = client.get(other.get_absolute_url()).content.decode()

    assert "Le catalogue des expertises" in html
    assert "Crédal" in html and "Service caché" not in html
    assert 'href="/expertises/"' in html
    assert "Le catalogue des expertises" not in other_html


# --- Query counts -------------------------------------------------------------------------


def _grow_catalogue(province):
    def grow(count):
        category = CategoryFactory()
        for _ in range(count):
            FacilitatorFactory(
                categories=[category, CategoryFactory()],
                provinces=[province, ProvinceFactory()],
                organisation=OrganisationFactory(),
            )
            FacilitatorFactory(covers_all_wallonia=True, categories=[category])

    return grow


def test_list_query_count_is_constant(client):
    province = ProvinceFactory(slug="liege")

    def grow(count):
        _grow_catalogue(province)(count)
        from expertises.models import Offer

        for _ in range(count):
            Offer.objects.create(
                project=ProjectFactory(), category=CategoryFactory(), description="Offre"
            )

    assert_constant_queries(client, LIST_URL, grow)


def test_filtered_list_query_count_is_constant(client):
    province = ProvinceFactory(slug="liege")

    assert_constant_queries(client, f"{LIST_URL}?province=liege&q=e", _grow_catalogue(province))


def test_detail_query_count_is_constant(client):
    province = ProvinceFactory()
    facilitator = FacilitatorFactory(organisation=OrganisationFactory())

    def grow(count):
        facilitator.categories.add(*CategoryFactory.create_batch(count))
        facilitator.provinces.add(province, *ProvinceFactory.create_batch(count))

    assert_constant_queries(client, facilitator.get_absolute_url(), grow)


def test_province_page_query_count_is_constant(client):
    province = ProvinceFactory()

    assert_constant_queries(client, province.get_absolute_url(), _grow_catalogue(province))


def test_chantier_page_query_count_is_constant(client):
    chantier = ChantierFactory(slug="recueil-expertises")

    assert_constant_queries(client, chantier.get_absolute_url(), _grow_catalogue(ProvinceFactory()))
