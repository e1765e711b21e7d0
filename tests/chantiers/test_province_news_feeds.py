"""The news feeds of one province (RSS and Atom), linked from the province page and from the
news list filtered by that province."""

import xml.etree.ElementTree as ET
from http import HTTPStatus

import pytest
from django.urls import reverse

from tests.chantiers.factories import NewsFactory
from tests.querycount import assert_constant_queries
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def liege():
    return ProvinceFactory(name="Liège", slug="liege")


def test_routes():
    assert reverse("news:province_feed_rss", args=["liege"]) == "/actualites/province/liege/rss/"
    assert reverse("news:province_feed_atom", args=["liege"]) == "/actualites/province/liege/atom/"


def test_province_feeds_carry_only_that_provinces_published_news(client, liege):
    NewsFactory(title="De Liège", province=liege, summary="Le <b>chapeau</b>")
    NewsFactory(title="Brouillon liégeois", province=liege, published_at=None)
    NewsFactory(title="De Namur", province=ProvinceFactory(name="Namur", slug="namur"))
    NewsFactory(title="Sans province")

    rss = client.get(reverse("news:province_feed_rss", args=["liege"]))
    atom = client.get(reverse("news:province_feed_atom", args=["liege"]))

    assert rss.status_code == atom.status_code == HTTPStatus.OK
    assert rss["Content-Type"].startswith("application/rss+xml")
    assert atom["Content-Type"].startswith("application/atom+xml")
    channel = ET.fromstring(rss.content).find("channel")
    assert [item.findtext("title") for item in channel.findall("item")] == ["De Liège"]
    assert channel.findtext("title") == "Chantiers communs – actualités de la province : Liège"
    assert channel.findtext("link").endswith("/actualites/?province=liege")
    # The summary is text: its markup goes out escaped.
    assert channel.find("item").findtext("description") == "Le &lt;b&gt;chapeau&lt;/b&gt;"
    feed = ET.fromstring(atom.content)
    assert [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")] == ["De Liège"]
    assert feed.findtext(f"{ATOM}subtitle") == "Les actualités de la province : Liège."


@pytest.mark.parametrize("name", ["news:province_feed_rss", "news:province_feed_atom"])
def test_unknown_province_feed_is_404(client, name):
    assert client.get(reverse(name, args=["inconnue"])).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_province_feed_query_count_is_constant(client, liege, kind):
    def grow(n):
        NewsFactory.create_batch(n, province=liege)
        NewsFactory.create_batch(n)

    assert_constant_queries(client, reverse(f"news:province_feed_{kind}", args=["liege"]), grow)


def test_the_province_page_links_to_its_feeds(client, liege):
    html = client.get(liege.get_absolute_url()).content.decode()
    rss = reverse("news:province_feed_rss", args=["liege"])
    atom = reverse("news:province_feed_atom", args=["liege"])
    assert f'<link rel="alternate" type="application/rss+xml" href="{rss}"' in html
    assert f'<link rel="alternate" type="application/atom+xml" href="{atom}"' in html
    assert f'<a href="{rss}">Flux RSS' in html
    assert f'<a href="{atom}">Flux Atom' in html


def test_the_news_list_filtered_by_province_offers_its_feeds(client, liege):
    rss = reverse("news:province_feed_rss", args=["liege"])
    html = client.get(reverse("news:news_list"), {"province": "liege"}).content.decode()
    assert "Flux RSS de la province : Liège" in html
    assert f'href="{rss}"' in html
    # An unknown province offers none (and is reported by the filter as usual).
    html = client.get(reverse("news:news_list"), {"province": "inconnue"}).content.decode()
    assert "/actualites/province/" not in html
