"""Site-wide pages: the home page."""

from typing import Any

from django.views.generic import TemplateView

from chantiers.selectors import chantier_list, news_latest
from events.selectors import event_list_recent, event_list_upcoming
from projets.models import Project
from territoires.models import Province


class HomeView(TemplateView):
    template_name = "portal/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            chantiers=chantier_list(),
            candidate_count=chantier_list(candidates=True).count(),
            upcoming_events=event_list_upcoming(limit=5),
            recent_events=event_list_recent(limit=5),
            latest_news=news_latest(),
            project_count=Project.objects.public().count(),
            provinces=Province.objects.all(),
        )
        return context
