"""Public pages of the projects: filtered list with its map, and detail."""

from typing import Any

from django.db.models import QuerySet
from django.views.generic import DetailView, TemplateView

from portal.pagination import paginate, query_without
from projets.maps import project_marker, project_markers
from projets.models import Project
from projets.permissions import can_edit_project, can_request_to_join
from projets.selectors import project_detail_queryset, project_filter


class ProjectListView(TemplateView):
    template_name = "projets/project_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        filterset = project_filter(data=self.request.GET)
        projects = filterset.qs.distinct()
        page = paginate(self.request, projects)
        markers = project_markers(projects)
        context.update(
            filter=filterset,
            page_obj=page,
            projects=page.object_list,
            markers=markers,
            total=page.paginator.count,
            unlocated=page.paginator.count - len(markers),
            page_query=query_without(self.request, "page"),
        )
        return context


class ProjectDetailView(DetailView):
    template_name = "projets/project_detail.html"
    context_object_name = "project"

    def get_queryset(self) -> QuerySet[Project]:
        return project_detail_queryset()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["markers"] = project_marker(self.object)
        context["can_edit_project"] = can_edit_project(self.request.user, self.object)
        context["can_request_to_join"] = can_request_to_join(self.request.user, self.object)
        return context
