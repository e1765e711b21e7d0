"""RSS and Atom feeds of the news: what they carry, their links, 404s and query counts."""

import datetime
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from chantiers.selectors import NEWS_FEED_ITEMS
from tests.chantiers.factories import ChantierFactory, NewsFactory
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
RSS = reverse("news:feed_rss")
ATOM_URL = reverse("news:feed_atom")


def rss_items(client, url):
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    assert channel is not None
    return channel, channel.findall("item")


def atom_entries(client, url):
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    return feed, feed.findall(f"{ATOM}entry")


@pytest.fixture
def news_set():
    now = timezone.now()
    older = NewsFactory(title="Plus ancienne", published_at=now - datetime.timedelta(days=5))
    newer = NewsFactory(
        title="Plus récente", summary="Le chapeau.", published_at=now - datetime.timedelta(days=1)
    )
    NewsFactory(title="Brouillon caché", published_at=None)
    NewsFactory(title="Programmée cachée", published_at=now + datetime.timedelta(days=1))
    return newer, older


def test_rss_carries_exactly_the_published_items_newest_first(client, news_set):
    newer, _older = news_set

    channel, items = rss_items(client, RSS)

    assert [item.findtext("title") for item in items] == ["Plus récente", "Plus ancienne"]
    first = items[0]
    assert first.findtext("link") == f"http://testserver{newer.get_absolute_url()}"
    assert first.findtext("description") == "Le chapeau."
    assert parsedate_to_datetime(first.findtext("pubDate")) == newer.published_at.replace(
        microsecond=0
    )
    assert channel.findtext("link") == f"http://testserver{reverse('news:news_list')}"


def test_atom_carries_exactly_the_published_items(client, news_set):
    newer, _older = news_set

    feed, entries = atom_entries(client, ATOM_URL)

    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [
        "Plus récente",
        "Plus ancienne",
    ]
    link = entries[0].find(f"{ATOM}link")
    assert link is not None
    assert link.get("href") == f"http://testserver{newer.get_absolute_url()}"
    assert entries[0].findtext(f"{ATOM}summary") == "Le chapeau."
    assert entries[0].findtext(f"{ATOM}published")
    assert feed.findtext(f"{ATOM}subtitle")


def test_feeds_are_limited(client):
    NewsFactory.create_batch(NEWS_FEED_ITEMS + 2)

    _channel, items = rss_items(client, RSS)

    assert len(items) == NEWS_FEED_ITEMS


def test_chantier_feeds_carry_only_that_chantiers_news(client):
    chantier = ChantierFactory(title="Marchés publics", slug="marches-publics")
    NewsFactory(title="Du chantier", chantier=chantier)
    NewsFactory(title="Brouillon du chantier", chantier=chantier, published_at=None)
    NewsFactory(title="D'un autre chantier", chantier=ChantierFactory())
    NewsFactory(title="Sans chantier")

    channel, items = rss_items(client, reverse("news:chantier_feed_rss", args=["marches-publics"]))
    _feed, entries = atom_entries(client, reverse("news:chantier_feed_atom", args=[chantier.slug]))

    assert [item.findtext("title") for item in items] == ["Du chantier"]
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["Du chantier"]
    assert "Marchés publics" in channel.findtext("title")
    assert channel.findtext("link").endswith("?chantier=marches-publics")


@pytest.mark.parametrize("name", ["news:chantier_feed_rss", "news:chantier_feed_atom"])
def test_unknown_chantier_feed_is_404(client, name):
    response = client.get(reverse(name, args=["inconnu"]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_empty_feed_is_valid(client):
    _channel, items = rss_items(client, RSS)

    assert items == []


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feed_query_counts_are_constant(client, kind):
    chantier = ChantierFactory()

    def grow(n):
        NewsFactory.create_batch(n, chantier=chantier)
        NewsFactory.create_batch(n)
        NewsFactory.create_batch(n, published_at=None)

    assert_constant_queries(client, reverse(f"news:feed_{kind}"), grow)
    assert_constant_queries(
        client, reverse(f"news:chantier_feed_{kind}", args=[chantier.slug]), grow
    )


# --- Output encoding: the summary is text, whatever it holds ---------------------------------

MARKUP = 'Un <b>chapeau</b> & <script>alert("x")</script> <img src=x onerror=alert(1)>'


def test_rss_description_carries_the_summary_as_text_not_markup(client):
    NewsFactory(title="Balisée", summary=MARKUP)

    _channel, items = rss_items(client, RSS)

    # Once the XML is read, a reader gets escaped HTML: it shows the tags, it runs nothing.
    description = items[0].findtext("description")
    assert description == (
        "Un &lt;b&gt;chapeau&lt;/b&gt; &amp; &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; "
        "&lt;img src=x onerror=alert(1)&gt;"
    )
    assert "<" not in description


def test_atom_summary_carries_the_summary_as_text_not_markup(client):
    NewsFactory(title="Balisée", summary=MARKUP)

    _feed, entries = atom_entries(client, ATOM_URL)

    summary = entries[0].find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    assert "<" not in summary.text
    assert summary.text.startswith("Un &lt;b&gt;chapeau&lt;/b&gt; &amp; &lt;script&gt;")


@pytest.mark.parametrize("url", [RSS, ATOM_URL])
def test_control_characters_in_a_news_item_do_not_break_the_feeds(client, url):
    """XML 1.0 refuses them: Django raised (a 500) on a title or summary pasted with one."""
    chantier = ChantierFactory(title="Chantier\x0b")
    NewsFactory(title="Titre\x0b collé", summary="Résumé\x0c\x01 collé", chantier=chantier)

    response = client.get(url)

    assert response.status_code == HTTPStatus.OK
    ET.fromstring(response.content)  # well-formed
    text = response.content.decode()
    assert "Titre collé" in text
    assert "Résumé collé" in text
    feed_url = reverse("news:chantier_feed_rss", kwargs={"slug": chantier.slug})
    assert client.get(feed_url).status_code == HTTPStatus.OK
