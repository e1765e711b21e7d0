"""The dashboard of the signed-in space ("Mon espace"): my projects, requests, provinces, roles."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views.generic import TemplateView

from portal.editing import SpaceMixin
from portal.page_cache import PAGE_NUMBER, known_params
from portal.pagination import paginate
from portal.personal_fragments import personal_fragment, personal_page, personal_page_keep
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
    to the dashboard costs no query but the session's and the user's. The whole page is kept
    too (its other parts are the chrome's), and served with the person's header."""

    template_name = "espace/home.html"
    body_template_name = "espace/includes/home_body.html"
    page_name = "espace:home:page"
    # Whether the body built for this request may be kept (the page asked for exists): the
    # whole page is kept only then.
    body_keepable = True

    @cached_property
    def body_keys(self) -> list[object] | None:
        """The keys the body is kept under; ``None``: an unknown query, built and not kept."""
        if not known_params(self.request, {PROJECTS_PARAM: PAGE_NUMBER.fullmatch}):
            return None
        user = self.user
        # The User's own fields the body shows are keys too: the services that change them
        # (the address, the staff role) update the row without a signal that bumps the version.
        keys: list[object] = [self.request.GET.get(PROJECTS_PARAM, "1"), user.email, user.is_staff]
        if user.is_staff:
            keys += [user.has_perm(permission) for permission in STAFF_PERMISSIONS]
        return keys

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        keys = self.body_keys
        if keys is None:
            return super().get(request, *args, **kwargs)
        # The page's own keys: the full path too (the language switcher sends back to it).
        page_keys = [request.get_full_path(), *keys]
        kept = personal_page(request, self.page_name, page_keys)
        if kept is not None:
            return kept
        response = super().get(request, *args, **kwargs)
        response.add_post_render_callback(  # type: ignore[attr-defined]
            lambda rendered: personal_page_keep(request, rendered) if self.body_keepable else None
        )
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        keys = self.body_keys
        if keys is None:
            context["body"] = self.build_body()[0]  # another query: built, never kept
            return context
        context["body"] = personal_fragment(self.request, "espace:home", keys, self._build_body)
        return context

    def _build_body(self) -> tuple[str, bool]:
        html, keep = self.build_body()
        self.body_keepable = keep
        return html, keep

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
