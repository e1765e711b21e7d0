"""Public pages of the provinces: list and detail with projects, meetings and map."""

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from chantiers.selectors import news_latest
from events.selectors import event_public_queryset
from expertises.selectors import facilitators_covering
from hub.selectors import province_list
from portal.maps import MapConfig, MapLayer
from portal.pagination import paginate
from projets.selectors import project_list_queryset
from territoires.models import Province

# How many facilitators a province page lists before linking to the filtered catalogue.
PROVINCE_FACILITATORS = 10


class ProvinceListView(ListView):
    template_name = "hub/province_list.html"
    context_object_name = "provinces"

    def get_queryset(self) -> QuerySet[Province]:
        return province_list()


class ProvinceDetailView(DetailView):
    template_name = "hub/province_detail.html"
    context_object_name = "province"
    queryset = Province.objects.all()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        province = self.object
        projects = project_list_queryset().filter(province=province)
        events = event_public_queryset().filter(province=province)
        page = paginate(self.request, projects)
        located = projects.located().count()
        facilitators = facilitators_covering(province=province)
        context.update(
            facilitators=facilitators[:PROVINCE_FACILITATORS],
            facilitator_count=facilitators.count(),
            projects_page=page,
            map=province_map(province),
            located=located,
            unlocated=page.paginator.count - located,
            upcoming_events=events.upcoming(),
            past_events=paginate(self.request, events.past(), param="passes"),
            latest_news=news_latest(province=province),
        )
        return context


def province_map(province: Province) -> MapConfig:
    """The province's projects and meetings (upcoming, and past ones), from the map's layers."""
    scope = f"?province={province.slug}"
    return MapConfig(
        id="province-map",
        label=_("Carte de la province : %(name)s") % {"name": province.name},
        layers=[
            MapLayer("projets", _("Projets"), reverse("maps:projets") + scope, "project"),
            MapLayer(
                "evenements",
                _("Rencontres et ateliers à venir"),
                reverse("maps:evenements") + scope,
                "event",
            ),
            MapLayer(
                "evenements-passes",
                _("Rencontres et ateliers passés"),
                reverse("maps:evenements") + scope + "&periode=passes",
                "event_past",
            ),
        ],
        centre=(province.centre_latitude, province.centre_longitude),
        zoom=province.zoom,
    )
