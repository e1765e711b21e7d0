"""Public pages of the chantiers: list, candidate chantiers, the échéancier and detail."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.views.generic import DetailView, ListView, TemplateView

from chantiers.feeds import chantier_feed_urls
from chantiers.models import Chantier
from chantiers.selectors import ChantierPage, chantier_get, chantier_list, step_filter
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
    """A chantier's page: the chantier is read first (one light query: title, status); the
    parts of its page (``page``, a ChantierPage) only when the template renders them, so
    that a page whose parts come from the shared fragments reads nothing more."""

    template_name = "chantiers/chantier_detail.html"
    context_object_name = "chantier"
    page_class: type[ChantierPage] = ChantierPage

    def get_object(self, queryset: QuerySet[Chantier] | None = None) -> Chantier:
        chantier = chantier_get(slug=self.kwargs["slug"])
        if chantier is None:
            raise Http404
        return chantier

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["page"] = self.page_class(self.object, now=timezone.now())
        context["news_feeds"] = chantier_feed_urls(self.object.slug)
        return context
