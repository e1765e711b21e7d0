"""The newsletter in "Mon espace": a member sees their subscription, and subscribes (their
verified account proves the address: no confirmation email) or leaves in one click."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from newsletter.services import (
    subscriber_of_member,
    subscriber_subscribe_member,
    subscriber_unsubscribe_member,
)
from newsletter.services.subscriptions import member_email_verified
from portal.service_errors import error_to_messages

if TYPE_CHECKING:
    from portal.models import User


def _member(request: HttpRequest) -> User:
    return cast("User", request.user)  # LoginRequiredMixin: signed in


class NewsletterEspaceView(LoginRequiredMixin, TemplateView):
    template_name = "newsletter/espace.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = _member(self.request)
        subscriber = subscriber_of_member(user=user)
        context.update(
            subscriber=subscriber,
            provinces=list(subscriber.provinces.order_by("order", "name")) if subscriber else [],
            chantiers=list(subscriber.chantiers.order_by("status", "order", "title"))
            if subscriber
            else [],
            verified=member_email_verified(user=user),
        )
        return context


class NewsletterSubscribeView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            subscriber = subscriber_subscribe_member(user=_member(request))
        except ValidationError as error:
            error_to_messages(request, error)
        else:
            messages.success(
                request,
                _("Vous êtes inscrit·e à la lettre d'information, à l'adresse %(email)s.")
                % {"email": subscriber.email},
            )
        return HttpResponseRedirect(reverse("espace_newsletter:home"))


class NewsletterUnsubscribeView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if subscriber_unsubscribe_member(user=_member(request)) is not None:
            messages.success(request, _("Vous ne recevrez plus la lettre d'information."))
        return HttpResponseRedirect(reverse("espace_newsletter:home"))
