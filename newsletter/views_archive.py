"""Public archive of the newsletter: the list of sent issues and each issue's web version."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.views.generic import DetailView, TemplateView

from newsletter.models import Issue
from newsletter.selectors import issue_archive_detail_queryset, issue_archive_list
from newsletter.services.rendering import issue_content
from portal.pagination import paginate


class IssueListView(TemplateView):
    template_name = "newsletter/issue_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["page"] = paginate(self.request, issue_archive_list())
        return context


class IssueDetailView(DetailView):
    template_name = "newsletter/issue_detail.html"
    context_object_name = "issue"

    def get_queryset(self) -> QuerySet[Issue]:
        return issue_archive_detail_queryset()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # Sanitised once here: the template prints HTML and makes no query.
        context.update(issue_content(issue=self.object, sections=list(self.object.sections.all())))
        return context


issue_list = IssueListView.as_view()
issue_detail = IssueDetailView.as_view()
