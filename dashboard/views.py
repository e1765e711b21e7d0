"""The dashboard's pages: the staff's in the admin, the officers' in "Mon espace", and each
figure's CSV. Thin: the figures come from ``dashboard.selectors``, the charts from
``dashboard.charts``."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse
from django.views import View
from django.views.generic import TemplateView

from dashboard.charts import chart_svg
from dashboard.exports import figure_csv
from dashboard.selectors import Figure, Scope, dashboard_figure, dashboard_figures, scope_for
from portal.editing import SpaceMixin
from portal.models import User


def _scope(request: HttpRequest, *, staff: bool) -> Scope:
    """The figures this person sees at this door (404 for anyone else)."""
    scope = scope_for(request.user)
    if scope is None or (staff and not scope.is_everything):
        raise Http404
    return scope


def _csv_response(figure: Figure | None) -> HttpResponse:
    if figure is None:
        raise Http404
    response = HttpResponse(figure_csv(figure), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{figure.slug}.csv"'
    return response


class DashboardMixin:
    request: HttpRequest
    staff = False
    csv_url_name = ""

    def figures_context(self) -> dict[str, Any]:
        scope = _scope(self.request, staff=self.staff)
        figures = dashboard_figures(scope=scope)
        return {
            "figures": [(figure, chart_svg(figure)) for figure in figures],
            "scope": scope,
            "csv_url_name": self.csv_url_name,
        }


class StaffDashboardView(DashboardMixin, TemplateView):
    """/admin/tableau-de-bord/: every figure (reached through ``admin_view``: staff only)."""

    template_name = "dashboard/admin_dashboard.html"
    staff = True
    csv_url_name = "dashboard:figure_csv"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(admin.site.each_context(self.request))
        context.update(self.figures_context())
        return context


class StaffFigureCsvView(View):
    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        return _csv_response(dashboard_figure(scope=_scope(request, staff=True), slug=slug))


class OfficerDashboardView(SpaceMixin, DashboardMixin, TemplateView):
    """/espace/tableau-de-bord/: the same figures, for the provinces an officer follows."""

    template_name = "dashboard/espace_dashboard.html"
    csv_url_name = "espace_dashboard:figure_csv"

    def may_enter(self, user: User) -> bool:
        return scope_for(user) is not None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(self.figures_context())
        return context


class OfficerFigureCsvView(SpaceMixin, View):
    def may_enter(self, user: User) -> bool:
        return scope_for(user) is not None

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        return _csv_response(dashboard_figure(scope=_scope(request, staff=False), slug=slug))
