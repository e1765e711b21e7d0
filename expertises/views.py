"""Public pages of the expertise catalogue: the filtered list (with the projects' offers) and
the detail of a facilitator."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.views.generic import DetailView, TemplateView

from expertises.models import Facilitator
from expertises.selectors import facilitator_detail_queryset, facilitator_filter, peer_offer_list
from portal.pagination import paginate, query_without

OFFERS_PAGE_PARAM = "offres"


class FacilitatorListView(TemplateView):
    template_name = "expertises/facilitator_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        filterset = facilitator_filter(data=self.request.GET)
        page = paginate(self.request, filterset.qs)
        # The offers follow the same category; an invalid one is ignored, as by the filter.
        category = None
        if filterset.is_bound:
            filterset.is_valid()
            category = filterset.form.cleaned_data.get("categorie")
        offers = paginate(self.request, peer_offer_list(category=category), param=OFFERS_PAGE_PARAM)
        context.update(
            filter=filterset,
            page_obj=page,
            facilitators=page.object_list,
            total=page.paginator.count,
            page_query=query_without(self.request, "page"),
            offers_page=offers,
            offers_query=query_without(self.request, OFFERS_PAGE_PARAM),
            offers_param=OFFERS_PAGE_PARAM,
            category=category,
        )
        return context


class FacilitatorDetailView(DetailView):
    template_name = "expertises/facilitator_detail.html"
    context_object_name = "facilitator"

    def get_queryset(self) -> QuerySet[Facilitator]:
        return facilitator_detail_queryset()
