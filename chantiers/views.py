"""Public pages of the chantiers: list, candidate chantiers, the échéancier and detail."""

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.views.generic import DetailView, ListView, TemplateView

from chantiers.feeds import chantier_feed_urls
from chantiers.models import Chantier
from chantiers.selectors import chantier_detail_queryset, chantier_list, news_latest, step_filter
from chantiers.timeline import build_timeline


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


class TimelineView(TemplateView):
    """Every chantier's steps on one time axis, filtered by chantier and status."""

    template_name = "chantiers/timeline.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        filterset = step_filter(data=self.request.GET)
        context.update(
            filter=filterset,
            timeline=build_timeline(filterset.qs, today=timezone.localdate()),
            is_filtered=filterset.is_bound and any(filterset.form.cleaned_data.values()),
        )
        return context


class ChantierDetailView(DetailView):
    template_name = "chantiers/chantier_detail.html"
    context_object_name = "chantier"

    def get_queryset(self) -> QuerySet[Chantier]:
        return chantier_detail_queryset()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["timeline"] = build_timeline(self.object.first_steps, today=timezone.localdate())
        context["latest_news"] = news_latest(chantier=self.object)
        context["news_feeds"] = chantier_feed_urls(self.object.slug)
        return context
