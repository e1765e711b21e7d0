"""The dashboard of the signed-in space ("Mon espace"): my projects, requests, provinces, roles."""

from __future__ import annotations

from typing import Any

from django.views.generic import TemplateView

from portal.editing import SpaceMixin
from portal.pagination import paginate
from projets.selectors import join_requests_of, join_requests_to_decide, projects_led_by
from territoires.models import Province

# The dashboard shows the latest requests; the page of requests shows them all.
MY_REQUESTS_SHOWN = 10
# The projects one leads, by pages (the roles and the needs' links follow the same page): each
# project shows in three lists (about 0.9 KB), so that a leader of a hundred projects gets a
# page at most 1.5 times the size of a leader of one (tests/hub/test_espace_home.py).
MY_PROJECTS_SHOWN = 4


class EspaceHomeView(SpaceMixin, TemplateView):
    template_name = "espace/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.user
        my_requests = list(join_requests_of(user=user)[: MY_REQUESTS_SHOWN + 1])
        projects = paginate(
            self.request, projects_led_by(user=user), per_page=MY_PROJECTS_SHOWN, param="projets"
        )
        context.update(
            projects=projects.object_list,
            projects_page=projects,
            pending_count=join_requests_to_decide(user=user).count(),
            my_requests=my_requests[:MY_REQUESTS_SHOWN],
            has_more_requests=len(my_requests) > MY_REQUESTS_SHOWN,
            provinces=list(Province.objects.followed_by(user).order_by("order", "name")),
        )
        return context
