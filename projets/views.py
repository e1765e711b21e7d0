"""Public pages of the projects: filtered list with its map, and detail."""

from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView

from portal.maps import MapConfig, MapLayer, MapPoint, form_params
from portal.markdown import markdown_to_html
from portal.pagination import paginate, query_without
from projets.models import Project
from projets.permissions import can_edit_project, can_request_to_join
from projets.selectors import (
    project_counts,
    project_detail_queryset,
    project_filter,
    project_pages,
)


class ProjectListView(TemplateView):
    template_name = "projets/project_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        filterset = project_filter(data=self.request.GET)
        if filterset.is_bound:
            projects = filterset.qs.distinct()
            page = paginate(self.request, projects)
            located = projects.located().count()
        else:
            # The whole list (the page the cache keeps): statements compiled once.
            counts = project_counts()
            pages = project_pages(count=counts["projects"])
            page = paginate(self.request, pages, count=counts["projects"])
            located = counts["located"]
        # The markers come from the map's cached GeoJSON layer, with the same valid filters.
        query = urlencode(form_params(filterset.form))
        layer_url = reverse("maps:projets") + (f"?{query}" if query else "")
        context.update(
            filter=filterset,
            page_obj=page,
            projects=page.object_list,
            map=MapConfig(
                id="projects-map",
                label=_("Carte des projets"),
                layers=[MapLayer("projets", _("Projets"), layer_url, "project")],
            ),
            located=located,
            total=page.paginator.count,
            unlocated=page.paginator.count - located,
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
        project = self.object
        if project.latitude is not None and project.longitude is not None:
            note = _("Position approximative") if project.location_is_approximate else ""
            context["map"] = MapConfig(
                id="project-map",
                label=_("Localisation du projet"),
                point=MapPoint(project.latitude, project.longitude, project.name, note),
            )
        # Written in Markdown by its leaders and staff, sanitised as news is.
        context["description_html"] = markdown_to_html(project.description)
        context["can_edit_project"] = can_edit_project(self.request.user, self.object)
        context["can_request_to_join"] = can_request_to_join(self.request.user, self.object)
        return context
