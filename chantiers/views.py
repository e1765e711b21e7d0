"""Public pages of the chantiers: list, candidate chantiers and detail."""

from typing import Any

from django.db.models import QuerySet
from django.views.generic import DetailView, ListView

from chantiers.feeds import chantier_feed_urls
from chantiers.models import Chantier
from chantiers.selectors import chantier_detail_queryset, chantier_list, news_latest


class ChantierListView(ListView):
    template_name = "chantiers/chantier_list.html"
    context_object_name = "chantiers"

    def get_queryset(self) -> QuerySet[Chantier]:
        return chantier_list()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["candidate_count"] = chantier_list(candidates=True).count()
        return context


class CandidateListView(ListView):
    template_name = "chantiers/chantier_candidates.html"
    context_object_name = "chantiers"

    def get_queryset(self) -> QuerySet[Chantier]:
        return chantier_list(candidates=True)


class ChantierDetailView(DetailView):
    template_name = "chantiers/chantier_detail.html"
    context_object_name = "chantier"

    def get_queryset(self) -> QuerySet[Chantier]:
        return chantier_detail_queryset()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["latest_news"] = news_latest(chantier=self.object)
        context["news_feeds"] = chantier_feed_urls(self.object.slug)
        return context
