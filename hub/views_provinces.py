"""Public pages of the provinces: list and detail with projects, meetings and map."""

from typing import Any

from django.db.models import QuerySet
from django.views.generic import DetailView, ListView

from chantiers.selectors import news_latest
from events.selectors import event_public_queryset
from expertises.selectors import facilitators_covering
from hub.selectors import province_list
from portal.pagination import paginate
from projets.maps import project_markers
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
        markers = project_markers(projects)
        facilitators = facilitators_covering(province=province)
        context.update(
            facilitators=facilitators[:PROVINCE_FACILITATORS],
            facilitator_count=facilitators.count(),
            projects_page=page,
            markers=markers,
            unlocated=page.paginator.count - len(markers),
            upcoming_events=events.upcoming(),
            past_events=paginate(self.request, events.past(), param="passes"),
            latest_news=news_latest(province=province),
        )
        return context
