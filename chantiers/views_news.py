"""Public pages of the news: the list (filtered by chantier and province) and one item.

Drafts and items scheduled for later are 404s here for everyone, their authors included: the
space of the officers shows them a preview.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.views.generic import DetailView, TemplateView

from chantiers.feeds import chantier_feed_urls, province_feed_urls
from chantiers.models import News
from chantiers.selectors import news_filter, news_public_queryset
from portal.markdown import markdown_to_html
from portal.pagination import paginate, query_without


class NewsListView(TemplateView):
    template_name = "chantiers/news_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        filterset = news_filter(data=self.request.GET)
        page = paginate(self.request, filterset.qs)
        # A valid chantier filter also offers that chantier's own feeds.
        cleaned = filterset.form.cleaned_data if filterset.is_valid() else {}
        chantier = cleaned.get("chantier")
        # And a valid province filter, that province's.
        province = cleaned.get("province")
        context.update(
            filter=filterset,
            page=page,
            query=query_without(self.request, "page"),
            chantier=chantier,
            chantier_feeds=chantier_feed_urls(chantier.slug) if chantier else None,
            province=province,
            province_feeds=province_feed_urls(province.slug) if province else None,
        )
        return context


class NewsDetailView(DetailView):
    template_name = "chantiers/news_detail.html"
    context_object_name = "news"

    def get_queryset(self) -> QuerySet[News]:
        return news_public_queryset()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["body_html"] = markdown_to_html(self.object.body)
        return context
