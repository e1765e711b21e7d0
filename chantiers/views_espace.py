"""The officers' space for news: my provinces' news, and create, edit, preview, publish,
unpublish and delete.

Every view starts from ``news_manageable_by``: another province's item is a 404, for a GET and
for a forged POST alike. The views only read input and call one service each.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from chantiers.forms import NewsForm
from chantiers.models import News, NewsQuerySet
from chantiers.permissions import news_manageable_by, policy
from chantiers.selectors import news_manage_sections
from chantiers.services import (
    news_create,
    news_delete,
    news_publish,
    news_unpublish,
    news_update,
)
from portal.editing import ObjectActionView, ObjectConfirmView, ObjectEditView, ScopedObjectMixin
from portal.markdown import markdown_to_html
from portal.pagination import paginate, query_without
from territoires.editing import ProvinceCreateView, ProvinceSpaceMixin

LIST_URL = "espace_news:news_list"
SECTIONS = (
    # (key of news_manage_sections, page parameter of its pagination)
    ("drafts", "brouillons"),
    ("published", "publiees"),
)


def _preview_url(news: News) -> str:
    return reverse("espace_news:news_preview", kwargs={"slug": news.slug})


class NewsWriterRequiredMixin(ProvinceSpaceMixin):
    """Signed in, and staff or the officer of at least one province; otherwise « not found »."""

    policy = policy


class ManagedNewsMixin(NewsWriterRequiredMixin):
    """The news item named in the URL, among those this person manages (else 404)."""

    def get_queryset(self) -> NewsQuerySet:
        return news_manageable_by(self.request.user).select_related("province", "chantier")


class NewsManageListView(NewsWriterRequiredMixin, TemplateView):
    template_name = "chantiers/espace/news_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        querysets = news_manage_sections(user=self.user)
        context["sections"] = {
            key: {
                "page": paginate(self.request, querysets[key], param=param),
                "param": param,
                "query": query_without(self.request, param),
            }
            for key, param in SECTIONS
        }
        return context


class NewsCreateView(NewsWriterRequiredMixin, ProvinceCreateView):
    template_name = "chantiers/espace/news_form.html"
    form_class = NewsForm
    success_message = _("Le brouillon « %(title)s » est enregistré. Publiez-le quand il est prêt.")

    def perform(self, form: NewsForm) -> News:
        return news_create(user=self.user, data=form.cleaned_data)

    def get_success_url(self) -> str:
        return _preview_url(self.result)


class NewsEditView(ManagedNewsMixin, ObjectEditView[News, NewsForm]):
    template_name = "chantiers/espace/news_form.html"
    form_class = NewsForm
    form_takes_user = True
    success_message = _("« %(title)s » est enregistrée.")

    def perform(self, form: NewsForm) -> News:
        return news_update(user=self.user, news=self.object, data=form.cleaned_data)

    def get_success_url(self) -> str:
        return _preview_url(self.result)


class NewsPreviewView(ManagedNewsMixin, ScopedObjectMixin[News], TemplateView):
    """The item as its public page will show it, drafts included, with its buttons."""

    template_name = "chantiers/espace/news_preview.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.object = news = self.get_object()
        return super().get_context_data(body_html=markdown_to_html(news.body), **kwargs)


class NewsPublishView(ManagedNewsMixin, ObjectActionView[News]):
    success_message = _(
        "« %(title)s » est publiée : elle figure dès maintenant sur les pages publiques."
    )

    def perform(self) -> News:
        return news_publish(user=self.user, news=self.object)

    def get_refused_url(self, error: ValidationError) -> str:
        return _preview_url(self.object)


class NewsUnpublishView(ManagedNewsMixin, ObjectActionView[News]):
    success_message = _("« %(title)s » est redevenue un brouillon : elle n'est plus publique.")

    def perform(self) -> News:
        return news_unpublish(user=self.user, news=self.object)

    def get_success_url(self) -> str:
        return _preview_url(self.object)

    def get_refused_url(self, error: ValidationError) -> str:
        return _preview_url(self.object)


class NewsDeleteView(ManagedNewsMixin, ObjectConfirmView[News]):
    """GET asks for confirmation; POST deletes."""

    template_name = "chantiers/espace/news_delete.html"
    success_message = _("« %(title)s » est supprimée.")
    success_url = reverse_lazy(LIST_URL)

    def perform(self) -> None:
        news_delete(user=self.user, news=self.object)

    def get_refused_url(self, error: ValidationError) -> str:
        return reverse(LIST_URL)
