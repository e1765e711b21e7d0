"""URLs of the news ("actualités"): list, detail and the RSS/Atom feeds."""

from django.urls import path

from chantiers import feeds, views_news
from portal.page_cache import anonymous_page, page_number

app_name = "news"

# The feeds come before the detail: a news slug is never "rss" or "atom"
# (chantiers.services.RESERVED_SLUGS).
urlpatterns = [
    path(
        "",
        anonymous_page(views_news.NewsListView.as_view(), params=page_number, signed_in=True),
        name="news_list",
    ),
    path("rss/", feeds.NewsFeed(), name="feed_rss"),
    path("atom/", feeds.NewsAtomFeed(), name="feed_atom"),
    path("chantier/<slug:slug>/rss/", feeds.ChantierNewsFeed(), name="chantier_feed_rss"),
    path("chantier/<slug:slug>/atom/", feeds.ChantierNewsAtomFeed(), name="chantier_feed_atom"),
    path("province/<slug:slug>/rss/", feeds.ProvinceNewsFeed(), name="province_feed_rss"),
    path("province/<slug:slug>/atom/", feeds.ProvinceNewsAtomFeed(), name="province_feed_atom"),
    path(
        "<slug:slug>/",
        anonymous_page(views_news.NewsDetailView.as_view(), signed_in=True),
        name="news_detail",
    ),
]
