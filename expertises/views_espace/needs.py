"""Open needs for signed-in members, a need's page with its matches, and the board of the
needs one oversees (staff: all of them; an officer: those of their provinces)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from expertises.matching import match_counts, matches_for_need
from expertises.models import Need, NeedQuerySet
from expertises.permissions import (
    can_edit_need,
    can_see_need_board,
    can_see_need_matches,
    needs_answerable_by,
    needs_visible_to,
)
from expertises.selectors_espace import need_board, open_need_list
from expertises.services import need_mark_answered
from portal.editing import ObjectActionView, SpaceMixin
from portal.models import User
from portal.pagination import paginate, query_without


class NeedListView(SpaceMixin, TemplateView):
    """The open needs of every project, for signed-in members."""

    template_name = "expertises/espace/need_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        needs, form = open_need_list(user=self.request.user, data=self.request.GET)
        page = paginate(self.request, needs)
        context.update(
            filter=SimpleNamespace(form=form, errors=form.errors if form.is_bound else {}),
            page_obj=page,
            needs=page.object_list,
            total=page.paginator.count,
            page_query=query_without(self.request, "page"),
        )
        return context


class NeedDetailView(SpaceMixin, TemplateView):
    template_name = "expertises/espace/need_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        need = get_object_or_404(
            needs_visible_to(user).select_related("project", "category", "province"),
            pk=kwargs["pk"],
        )
        show_matches = can_see_need_matches(user, need)
        facilitators, offers = matches_for_need(need) if show_matches else ([], [])
        context.update(
            need=need,
            show_matches=show_matches,
            can_edit=can_edit_need(user, need),
            facilitators=list(facilitators),
            offers=list(offers),
        )
        return context


class NeedMarkAnsweredView(SpaceMixin, ObjectActionView[Need]):
    success_message = _("Le besoin est marqué comme répondu.")

    def get_queryset(self) -> NeedQuerySet:
        return needs_answerable_by(self.request.user)

    def perform(self) -> Need:
        return need_mark_answered(by=self.request.user, need=self.object)

    def get_success_url(self) -> str:
        # Back where the button was: the board, or the need's page.
        if self.request.POST.get("next") == "board" and can_see_need_board(self.request.user):
            return reverse("espace_expertises:board")
        return self.object.get_absolute_url()

    def get_refused_url(self, error: ValidationError) -> str:
        return self.get_success_url()


class NeedBoardView(SpaceMixin, TemplateView):
    """Every open need this person oversees, with how many entries and offers fit it."""

    template_name = "expertises/espace/board.html"

    def may_enter(self, user: User) -> bool:
        return can_see_need_board(user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = paginate(self.request, need_board(user=self.request.user))
        needs = list(page.object_list)
        counts = match_counts(needs)
        context.update(
            page_obj=page,
            rows=[(need, *counts[need.pk]) for need in needs],
            total=page.paginator.count,
            page_query=query_without(self.request, "page"),
        )
        return context
