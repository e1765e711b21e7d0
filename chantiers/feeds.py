"""RSS and Atom feeds of the news: site-wide, per chantier and per province.

Each feed is one query for its items (plus one for its chantier or province), whatever their
number. Only published items appear (drafts and scheduled ones wait); an unknown chantier or
province is a 404.

Feed readers take an RSS description and an Atom summary (``type="html"``) as HTML: the
summary, which is plain text, goes out HTML-escaped, so markup typed in it shows as typed and
never runs. Control characters, which XML refuses (a 500), are left out of every text.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from chantiers.models import Chantier, News
from chantiers.selectors import news_feed_items
from portal.text import html_escaped_text, without_control_characters
from portal.urls_memo import slug_url
from territoires.models import Province


def chantier_feed_urls(slug: str) -> dict[str, str]:
    """The RSS and Atom addresses of one chantier's news (for the page head and links: on
    every rendering of its page, signed-in visitors' included, hence remembered)."""
    return {
        "rss": slug_url("news:chantier_feed_rss", slug),
        "atom": slug_url("news:chantier_feed_atom", slug),
    }


def province_feed_urls(slug: str) -> dict[str, str]:
    """The RSS and Atom addresses of one province's news (for the province page)."""
    return {
        "rss": slug_url("news:province_feed_rss", slug),
        "atom": slug_url("news:province_feed_atom", slug),
    }


class NewsFeed(Feed):
    """``/actualites/rss/``: the latest published news of the whole portal."""

    def title(self, obj: Chantier | None = None) -> str:
        if obj is None:
            return _("Chantiers communs – actualités")
        return _("Chantiers communs – actualités du chantier « %(chantier)s »") % {
            "chantier": without_control_characters(obj.title)
        }

    def link(self, obj: Chantier | None = None) -> str:
        url = reverse("news:news_list")
        return url if obj is None else f"{url}?chantier={obj.slug}"

    def description(self, obj: Chantier | None = None) -> str:
        if obj is None:
            return _("Les actualités des chantiers communs et des territoires wallons.")
        return _("Les actualités du chantier « %(chantier)s ».") % {
            "chantier": without_control_characters(obj.title)
        }

    def items(self, obj: Chantier | None = None) -> QuerySet[News]:
        return news_feed_items(chantier=obj)

    def item_title(self, item: News) -> str:
        return without_control_characters(item.title)

    def item_description(self, item: News) -> str:
        return html_escaped_text(item.summary)

    def item_link(self, item: News) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: News) -> datetime.datetime | None:
        return item.published_at

    def item_updateddate(self, item: News) -> datetime.datetime:
        return item.updated_at


class NewsAtomFeed(NewsFeed):
    """``/actualites/atom/``."""

    feed_type = Atom1Feed

    def subtitle(self, obj: Chantier | None = None) -> str:
        return self.description(obj)


class ChantierNewsFeed(NewsFeed):
    """``/actualites/chantier/<slug>/rss/``: the news of one chantier."""

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Chantier:
        return get_object_or_404(Chantier.objects.only("pk", "title", "slug"), slug=kwargs["slug"])


class ChantierNewsAtomFeed(ChantierNewsFeed):
    """``/actualites/chantier/<slug>/atom/``."""

    feed_type = Atom1Feed

    def subtitle(self, obj: Chantier | None = None) -> str:
        return self.description(obj)


class ProvinceNewsFeed(NewsFeed):
    """``/actualites/province/<slug>/rss/``: the news of one province."""

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Province:  # type: ignore[override]
        return get_object_or_404(Province.objects.only("pk", "name", "slug"), slug=kwargs["slug"])

    def title(self, obj: Province) -> str:  # type: ignore[override]
        return _("Chantiers communs – actualités de la province : %(province)s") % {
            "province": without_control_characters(obj.name)
        }

    def link(self, obj: Province) -> str:  # type: ignore[override]
        return f"{reverse('news:news_list')}?province={obj.slug}"

    def description(self, obj: Province) -> str:  # type: ignore[override]
        return _("Les actualités de la province : %(province)s.") % {
            "province": without_control_characters(obj.name)
        }

    def items(self, obj: Province) -> QuerySet[News]:  # type: ignore[override]
        return news_feed_items(province=obj)


class ProvinceNewsAtomFeed(ProvinceNewsFeed):
    """``/actualites/province/<slug>/atom/``."""

    feed_type = Atom1Feed

    def subtitle(self, obj: Province) -> str:
        return self.description(obj)
