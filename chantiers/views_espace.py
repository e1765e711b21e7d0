"""The officers' space for news: my provinces' news, and create, edit, preview, publish,
unpublish and delete.

Every view starts from ``news_manageable_by``: another province's item is a 404, for a GET and
for a forged POST alike. The views only read input and call one service each.
"""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from chantiers.forms import NewsForm
from chantiers.models import News
from chantiers.permissions import (
    can_write_news,
    is_news_staff,
    news_manageable_by,
    news_provinces_for,
)
from chantiers.selectors import news_manage_sections
from chantiers.services import (
    news_create,
    news_delete,
    news_publish,
    news_unpublish,
    news_update,
)
from portal.markdown import markdown_to_html
from portal.pagination import paginate, query_without
from portal.service_errors import error_to_form, error_to_messages

LIST_URL = "espace_news:news_list"
SECTIONS = (
    # (key of news_manage_sections, page parameter of its pagination)
    ("drafts", "brouillons"),
    ("published", "publiees"),
)


class NewsWriterRequiredMixin(LoginRequiredMixin):
    """Signed in, and staff or the officer of at least one province; otherwise « not found »."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and not can_write_news(request.user):
            raise Http404(_("Cet espace est réservé aux chargé·es de mission territoriale."))
        return super().dispatch(request, *args, **kwargs)


class ManagedNewsMixin(NewsWriterRequiredMixin):
    """The news item named in the URL, among those this person manages (else 404)."""

    request: HttpRequest
    kwargs: dict[str, Any]

    def get_news(self) -> News:
        queryset = news_manageable_by(self.request.user).select_related("province", "chantier")
        return get_object_or_404(queryset, slug=self.kwargs["slug"])


class NewsManageListView(NewsWriterRequiredMixin, TemplateView):
    template_name = "chantiers/espace/news_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        querysets = news_manage_sections(user=self.request.user)
        context["sections"] = {
            key: {
                "page": paginate(self.request, querysets[key], param=param),
                "param": param,
                "query": query_without(self.request, param),
            }
            for key, param in SECTIONS
        }
        return context


class NewsCreateView(NewsWriterRequiredMixin, TemplateView):
    template_name = "chantiers/espace/news_form.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = NewsForm(user=request.user, initial=self._initial())
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = NewsForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                news = news_create(user=request.user, data=form.cleaned_data)
            except ValidationError as error:
                error_to_form(form, error)
            else:
                messages.success(
                    request,
                    _("Le brouillon « %(title)s » est enregistré. Publiez-le quand il est prêt.")
                    % {"title": news.title},
                )
                return redirect("espace_news:news_preview", slug=news.slug)
        return self.render_to_response(self.get_context_data(form=form))

    def _initial(self) -> dict[str, Any]:
        # An officer of one province: preselect it (staff start from Wallonia-wide).
        if is_news_staff(self.request.user):
            return {}
        provinces = list(news_provinces_for(self.request.user)[:2])
        return {"province": provinces[0]} if len(provinces) == 1 else {}


class NewsEditView(ManagedNewsMixin, TemplateView):
    template_name = "chantiers/espace/news_form.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        news = self.get_news()
        form = NewsForm(instance=copy.copy(news), user=request.user)
        return self.render_to_response(self.get_context_data(form=form, news=news))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        news = self.get_news()
        # The form works on a copy: the page keeps the saved title while errors are shown.
        form = NewsForm(request.POST, instance=copy.copy(news), user=request.user)
        if form.is_valid():
            try:
                news = news_update(user=request.user, news=news, data=form.cleaned_data)
            except ValidationError as error:
                error_to_form(form, error)
            else:
                messages.success(
                    request, _("« %(title)s » est enregistrée.") % {"title": news.title}
                )
                return redirect("espace_news:news_preview", slug=news.slug)
        return self.render_to_response(self.get_context_data(form=form, news=news))


class NewsPreviewView(ManagedNewsMixin, TemplateView):
    """The item as its public page will show it, drafts included, with its buttons."""

    template_name = "chantiers/espace/news_preview.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        news = self.get_news()
        context = self.get_context_data(news=news, body_html=markdown_to_html(news.body))
        return self.render_to_response(context)


class NewsPublishView(ManagedNewsMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        news = self.get_news()
        try:
            news = news_publish(user=request.user, news=news)
        except ValidationError as error:
            error_to_messages(request, error)
            return redirect("espace_news:news_preview", slug=news.slug)
        messages.success(
            request,
            _("« %(title)s » est publiée : elle figure dès maintenant sur les pages publiques.")
            % {"title": news.title},
        )
        return redirect(news)


class NewsUnpublishView(ManagedNewsMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        news = self.get_news()
        try:
            news = news_unpublish(user=request.user, news=news)
        except ValidationError as error:
            error_to_messages(request, error)
        else:
            messages.success(
                request,
                _("« %(title)s » est redevenue un brouillon : elle n'est plus publique.")
                % {"title": news.title},
            )
        return redirect("espace_news:news_preview", slug=news.slug)


class NewsDeleteView(ManagedNewsMixin, TemplateView):
    """GET asks for confirmation; POST deletes."""

    template_name = "chantiers/espace/news_delete.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(news=self.get_news()))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        news = self.get_news()
        title = news.title
        try:
            news_delete(user=request.user, news=news)
        except ValidationError as error:
            error_to_messages(request, error)
        else:
            messages.success(request, _("« %(title)s » est supprimée.") % {"title": title})
        return redirect(LIST_URL)
