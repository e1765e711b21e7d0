"""The dashboard of the signed-in space ("Mon espace"): my projects, requests, provinces, roles."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.views.generic import TemplateView

from portal.editing import SpaceMixin
from portal.page_cache import PAGE_NUMBER, known_params
from portal.pagination import paginate
from portal.personal_fragments import personal_fragment
from projets.selectors import join_requests_of, join_requests_to_decide, projects_led_by
from territoires.models import Province

# The dashboard shows the latest requests; the page of requests shows them all.
MY_REQUESTS_SHOWN = 10
# The projects one leads, by pages (the roles and the needs' links follow the same page): each
# project shows in three lists (about 0.9 KB), so that a leader of a hundred projects gets a
# page at most 1.5 times the size of a leader of one (tests/hub/test_espace_home.py).
MY_PROJECTS_SHOWN = 4
PROJECTS_PARAM = "projets"
# The staff's permissions the page reads (links to the admin's spaces): part of the kept body's
# key, since they live in django.contrib.auth, whose changes do not bump the content version.
STAFF_PERMISSIONS = ("projets.view_project", "chantiers.change_news", "expertises.change_need")


class EspaceHomeView(SpaceMixin, TemplateView):
    """The page's body is this person's alone and shows only rows of the content apps: kept
    for them (``portal.personal_fragments``) until one of those rows changes, so that a return
    to the dashboard costs no query but the session's and the user's."""

    template_name = "espace/home.html"
    body_template_name = "espace/includes/home_body.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.user
        if not known_params(self.request, {PROJECTS_PARAM: PAGE_NUMBER.fullmatch}):
            context["body"] = self.build_body()[0]  # another query: built, never kept
            return context
        # The User's own fields the body shows are keys too: the services that change them
        # (the address, the staff role) update the row without a signal that bumps the version.
        keys: list[object] = [self.request.GET.get(PROJECTS_PARAM, "1"), user.email, user.is_staff]
        if user.is_staff:
            keys += [user.has_perm(permission) for permission in STAFF_PERMISSIONS]
        context["body"] = personal_fragment(self.request, "espace:home", keys, self.build_body)
        return context

    def build_body(self) -> tuple[str, bool]:
        """The body's HTML, and whether it is the page asked for (an unknown page number is
        answered with the nearest page, which is not kept under that number)."""
        user = self.user
        my_requests = list(join_requests_of(user=user)[: MY_REQUESTS_SHOWN + 1])
        projects = paginate(
            self.request,
            projects_led_by(user=user),
            per_page=MY_PROJECTS_SHOWN,
            param=PROJECTS_PARAM,
        )
        context = {
            "projects": projects.object_list,
            "projects_page": projects,
            "pending_count": join_requests_to_decide(user=user).count(),
            "my_requests": my_requests[:MY_REQUESTS_SHOWN],
            "has_more_requests": len(my_requests) > MY_REQUESTS_SHOWN,
            "provinces": list(Province.objects.followed_by(user).order_by("order", "name")),
        }
        html = render_to_string(self.body_template_name, context, request=self.request)
        asked = self.request.GET.get(PROJECTS_PARAM, "1")
        return html, asked == str(projects.number)
