"""News pages over HTTP: the public list and detail, the pages that show the latest items, the
officers' space as each role (forged POSTs included), the admin, and query counts."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from chantiers.models import News
from tests.chantiers.factories import ChantierFactory, NewsFactory
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db

LIST = reverse("news:news_list")
ESPACE = reverse("espace_news:news_list")
CREATE = reverse("espace_news:news_create")


def espace_url(name, news):
    return reverse(f"espace_news:{name}", args=[news.slug])


# --- public list and detail -------------------------------------------------------------------


def test_list_shows_published_news_only(client):
    NewsFactory(title="Publiée hier", published_at=timezone.now() - datetime.timedelta(days=1))
    NewsFactory(title="Brouillon caché", published_at=None)
    NewsFactory(title="Programmée", published_at=timezone.now() + datetime.timedelta(hours=1))

    response = client.get(LIST)

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Publiée hier" in html
    assert "Brouillon caché" not in html and "Programmée" not in html
    assert "1 actualité" in html
    assert (
        f'<link rel="alternate" type="application/rss+xml" href="{reverse("news:feed_rss")}"'
        in html
    )
    assert f'type="application/atom+xml" href="{reverse("news:feed_atom")}"' in html


def test_list_filters_by_chantier_and_province(client, liege, namur):
    chantier = ChantierFactory(slug="marches-publics")
    NewsFactory(title="Liège et marchés", province=liege, chantier=chantier)
    NewsFactory(title="Liège seule", province=liege)
    NewsFactory(title="Namur et marchés", province=namur, chantier=chantier)

    by_chantier = client.get(LIST, {"chantier": "marches-publics"}).content.decode()
    by_both = client.get(
        LIST, {"chantier": "marches-publics", "province": "liege"}
    ).content.decode()

    assert "Liège et marchés" in by_chantier and "Namur et marchés" in by_chantier
    assert "Liège seule" not in by_chantier
    assert "Liège et marchés" in by_both
    assert "Namur et marchés" not in by_both and "Liège seule" not in by_both
    # The chantier's own feeds are offered once it is chosen.
    assert reverse("news:chantier_feed_rss", args=["marches-publics"]) in by_chantier


def test_unknown_filter_values_are_ignored_and_reported(client):
    NewsFactory(title="Toujours là")

    response = client.get(LIST, {"province": "bruxelles"})

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Toujours là" in html
    assert "ignorés" in html


def test_list_is_paginated(client, settings):
    NewsFactory.create_batch(settings.PAGINATE_BY + 1)

    first = client.get(LIST)
    last = client.get(LIST, {"page": "99"})

    assert len(first.context["page"].object_list) == settings.PAGINATE_BY
    assert len(last.context["page"].object_list) == 1


def test_detail_renders_sanitised_markdown_and_links(client, liege):
    chantier = ChantierFactory(title="Diagnostics")
    news = NewsFactory(
        title="Grande nouvelle",
        body="Un **texte** <script>alert(1)</script>",
        province=liege,
        chantier=chantier,
    )

    response = client.get(news.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "<strong>texte</strong>" in html
    assert "<script>alert" not in html
    assert f'href="{liege.get_absolute_url()}"' in html
    assert f'href="{chantier.get_absolute_url()}"' in html
    assert "<title>Grande nouvelle" in html


@pytest.mark.parametrize(
    "published_at",
    [None, timezone.now() + datetime.timedelta(days=1)],
    ids=["draft", "scheduled"],
)
def test_unpublished_detail_is_404_for_everyone(client, staff, officer, liege, published_at):
    news = NewsFactory(province=liege, published_at=published_at)

    for user in (None, officer, staff):
        if user:
            client.force_login(user)
        assert client.get(news.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def test_unknown_slug_is_404(client):
    response = client.get(reverse("news:news_detail", args=["inconnue"]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_navigation_marks_the_news_page(client):
    html = client.get(LIST).content.decode()

    assert f'<a href="{LIST}" aria-current="page">Actualités</a>' in html


def test_list_query_count_is_constant(client, liege):
    chantier = ChantierFactory()

    def grow(n):
        NewsFactory.create_batch(n, province=liege, chantier=chantier)
        NewsFactory.create_batch(n, chantier=ChantierFactory())
        NewsFactory.create_batch(n, published_at=None)

    assert_constant_queries(client, LIST, grow)


def test_detail_query_count_is_constant(client, liege):
    news = NewsFactory(province=liege, chantier=ChantierFactory())

    def grow(n):
        NewsFactory.create_batch(n, province=liege)

    assert_constant_queries(client, news.get_absolute_url(), grow)


# --- the latest news on the home, chantier and province pages ---------------------------------


def test_home_shows_the_latest_published_news(client):
    old = NewsFactory(
        title="Vieille nouvelle", published_at=timezone.now() - datetime.timedelta(days=9)
    )
    for day in range(3):
        NewsFactory(
            title=f"Nouvelle {day}", published_at=timezone.now() - datetime.timedelta(days=day)
        )
    NewsFactory(title="Brouillon caché", published_at=None)

    html = client.get(reverse("home")).content.decode()

    assert "Nouvelle 0" in html and "Nouvelle 2" in html
    assert old.title not in html and "Brouillon caché" not in html
    assert f'href="{LIST}"' in html


def test_chantier_page_shows_its_news_and_advertises_its_feeds(client):
    chantier = ChantierFactory()
    NewsFactory(title="Sur ce chantier", chantier=chantier)
    NewsFactory(title="Brouillon du chantier", chantier=chantier, published_at=None)
    NewsFactory(title="Sur un autre", chantier=ChantierFactory())

    html = client.get(chantier.get_absolute_url()).content.decode()

    assert "Sur ce chantier" in html
    assert "Brouillon du chantier" not in html and "Sur un autre" not in html
    assert f'href="{LIST}?chantier={chantier.slug}"' in html
    rss = reverse("news:chantier_feed_rss", args=[chantier.slug])
    atom = reverse("news:chantier_feed_atom", args=[chantier.slug])
    assert f'<link rel="alternate" type="application/rss+xml" href="{rss}"' in html
    assert f'<link rel="alternate" type="application/atom+xml" href="{atom}"' in html


def test_province_page_shows_its_news(client, liege, namur):
    NewsFactory(title="Nouvelle liégeoise", province=liege)
    NewsFactory(title="Nouvelle namuroise", province=namur)
    NewsFactory(title="Brouillon liégeois", province=liege, published_at=None)

    html = client.get(liege.get_absolute_url()).content.decode()

    assert "Nouvelle liégeoise" in html
    assert "Nouvelle namuroise" not in html and "Brouillon liégeois" not in html
    assert f'href="{LIST}?province=liege"' in html


# --- the officers' space ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("plain", HTTPStatus.NOT_FOUND),
        ("leader", HTTPStatus.NOT_FOUND),
        ("officer_liege", HTTPStatus.OK),
        ("staff", HTTPStatus.OK),
    ],
)
def test_who_enters_the_space(client, people, role, status):
    client.force_login(people[role])

    assert client.get(ESPACE).status_code == status
    assert client.get(CREATE).status_code == status


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(ESPACE)

    assert response.status_code == HTTPStatus.FOUND
    assert reverse("account_login") in response["Location"]


def test_space_lists_the_news_of_my_provinces_only(client, officer, liege, namur):
    NewsFactory(title="Brouillon liégeois", province=liege, published_at=None)
    NewsFactory(title="Publiée à Liège", province=liege)
    NewsFactory(title="Namuroise", province=namur)
    NewsFactory(title="Wallonne", province=None)
    client.force_login(officer)

    html = client.get(ESPACE).content.decode()

    assert "Brouillon liégeois" in html and "Publiée à Liège" in html
    assert "Namuroise" not in html and "Wallonne" not in html


def test_officer_creates_a_draft(client, officer, liege):
    client.force_login(officer)
    form = client.get(CREATE).context["form"]
    assert list(form.fields["province"].queryset) == [liege]
    assert form.initial["province"] == liege

    response = client.post(
        CREATE,
        {"title": "Rencontre à Liège", "summary": "Le point.", "body": "", "province": liege.pk},
    )

    news = News.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == espace_url("news_preview", news)
    assert news.published_at is None and news.author == officer and news.province == liege


def test_officer_cannot_create_for_another_province(client, officer, namur):
    client.force_login(officer)

    response = client.post(
        CREATE, {"title": "Forcée", "summary": "Texte tapé.", "body": "", "province": namur.pk}
    )

    assert response.status_code == HTTPStatus.OK
    assert News.objects.count() == 0
    assert response.context["form"].errors["province"]
    assert "Texte tapé." in response.content.decode()  # what was typed is kept


def test_officer_must_choose_a_province(client, officer):
    client.force_login(officer)

    response = client.post(CREATE, {"title": "Sans province", "summary": "Oui.", "body": ""})

    assert response.status_code == HTTPStatus.OK
    assert News.objects.count() == 0
    assert "province" in response.context["form"].errors


def test_staff_creates_a_wallonia_wide_item(client, staff):
    client.force_login(staff)

    response = client.post(CREATE, {"title": "Pour tous", "summary": "Wallonie.", "body": ""})

    assert response.status_code == HTTPStatus.FOUND
    assert News.objects.get().province is None


def test_edit_keeps_typed_input_on_error(client, officer, liege):
    news = NewsFactory(province=liege, title="Titre enregistré")
    client.force_login(officer)

    response = client.post(
        espace_url("news_edit", news),
        {"title": "", "summary": "Nouveau chapeau tapé", "body": "", "province": liege.pk},
    )

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Nouveau chapeau tapé" in html and "Titre enregistré" in html
    news.refresh_from_db()
    assert news.title == "Titre enregistré"


def test_edit_saves(client, officer, liege):
    chantier = ChantierFactory()
    news = NewsFactory(province=liege)
    client.force_login(officer)

    response = client.post(
        espace_url("news_edit", news),
        {
            "title": "Corrigé",
            "summary": "Ok.",
            "body": "",
            "province": liege.pk,
            "chantier": chantier.pk,
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    news.refresh_from_db()
    assert news.title == "Corrigé" and news.chantier == chantier


def test_publish_unpublish_and_delete(client, officer, liege):
    news = NewsFactory(province=liege, published_at=None)
    client.force_login(officer)

    response = client.post(espace_url("news_publish", news))
    news.refresh_from_db()
    assert response["Location"] == news.get_absolute_url()
    assert news.is_published
    assert client.get(news.get_absolute_url()).status_code == HTTPStatus.OK

    client.post(espace_url("news_unpublish", news))
    news.refresh_from_db()
    assert news.published_at is None

    confirm = client.get(espace_url("news_delete", news))
    assert confirm.status_code == HTTPStatus.OK
    assert News.objects.filter(pk=news.pk).exists()
    response = client.post(espace_url("news_delete", news))
    assert response["Location"] == ESPACE
    assert not News.objects.filter(pk=news.pk).exists()


def test_publishing_twice_says_so(client, officer, liege):
    news = NewsFactory(province=liege)
    client.force_login(officer)

    response = client.post(espace_url("news_publish", news), follow=True)

    assert "déjà publiée" in response.content.decode()


def test_preview_shows_a_draft_to_its_managers(client, officer, liege):
    news = NewsFactory(province=liege, published_at=None, body="**Gras**")
    client.force_login(officer)

    response = client.get(espace_url("news_preview", news))

    assert response.status_code == HTTPStatus.OK
    assert "<strong>Gras</strong>" in response.content.decode()


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "news_preview"),
        ("get", "news_edit"),
        ("get", "news_delete"),
        ("post", "news_edit"),
        ("post", "news_publish"),
        ("post", "news_unpublish"),
        ("post", "news_delete"),
    ],
)
def test_forged_requests_on_another_provinces_news_are_404(client, officer, namur, method, name):
    news = NewsFactory(province=namur, title="Namuroise")
    client.force_login(officer)
    payload = {"title": "Pris", "summary": "Pris.", "body": "", "province": namur.pk}

    response = getattr(client, method)(
        espace_url(name, news), payload if method == "post" else None
    )

    assert response.status_code == HTTPStatus.NOT_FOUND
    after = News.objects.get(pk=news.pk)
    assert after.title == "Namuroise" and after.published_at == news.published_at


def test_space_list_query_count_is_constant(client, officer, liege):
    client.force_login(officer)
    chantier = ChantierFactory()

    def grow(n):
        NewsFactory.create_batch(n, province=liege, chantier=chantier)
        NewsFactory.create_batch(n, province=liege, published_at=None)

    assert_constant_queries(client, ESPACE, grow)


@pytest.mark.parametrize(
    ("role", "shown"),
    [("plain", False), ("leader", False), ("officer_liege", True), ("staff", True)],
)
def test_my_space_links_the_news_space(client, people, role, shown):
    client.force_login(people[role])

    html = client.get(reverse("espace:home")).content.decode()

    assert (f'href="{ESPACE}"' in html) is shown


# --- admin ------------------------------------------------------------------------------------


def test_admin_sets_the_author_and_lists_news(client, staff, liege):
    client.force_login(staff)

    response = client.post(
        reverse("admin:chantiers_news_add"),
        {
            "title": "Par l'admin",
            "slug": "par-l-admin",
            "summary": "Oui.",
            "body": "",
            "province": liege.pk,
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    assert News.objects.get().author == staff
    changelist = client.get(reverse("admin:chantiers_news_changelist"), {"publication": "draft"})
    assert changelist.status_code == HTTPStatus.OK
    assert "Par l&#x27;admin" in changelist.content.decode()


def test_admin_refuses_a_reserved_slug(client, staff):
    client.force_login(staff)

    response = client.post(
        reverse("admin:chantiers_news_add"),
        {"title": "Flux", "slug": "rss", "summary": "Oui.", "body": ""},
    )

    assert response.status_code == HTTPStatus.OK
    assert News.objects.count() == 0


def test_admin_is_closed_to_officers(client, officer):
    client.force_login(officer)

    response = client.get(reverse("admin:chantiers_news_changelist"))

    assert response.status_code == HTTPStatus.FOUND
