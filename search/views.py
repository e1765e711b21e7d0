"""The site search page: every kind at a glance, or one kind's results page by page."""

from __future__ import annotations

from typing import Any

from django.views.generic import TemplateView

from portal.pagination import paginate, query_without
from portal.search import search_words
from search.forms import SearchForm, typed_text
from search.kinds import KINDS_BY_SLUG
from search.selectors import kind_counts, kind_matches, results_of, search_overview


class SearchView(TemplateView):
    template_name = "search/results.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = SearchForm(self.request.GET or None)
        query = ""
        if form.is_bound and form.is_valid():
            query = form.cleaned_data["q"].strip()
        kind = KINDS_BY_SLUG.get(self.request.GET.get("type", ""))
        context.update(
            form=form,
            query=query,
            typed=typed_text(self.request.GET.get("q", "")),
            kind=kind,
            words=search_words(query),
        )
        if not query:
            return context
        if kind is None:
            groups = search_overview(query)
            context.update(groups=groups, total=sum(g.count for g in groups))
            return context
        groups = kind_counts(query)
        page = paginate(self.request, kind_matches(kind, query))
        context.update(
            groups=groups,
            total=sum(g.count for g in groups),
            page_obj=page,
            results=results_of(kind, page.object_list, query),
            kind_count=page.paginator.count,
            page_query=query_without(self.request, "page"),
        )
        return context
