"""The newsletter in "Mon espace": a member sees their subscription, and subscribes (their
verified account proves the address: no confirmation email) or leaves in one click."""

from __future__ import annotations

from typing import Any

from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from newsletter.models import Subscriber
from newsletter.services import (
    subscriber_of_member,
    subscriber_subscribe_member,
    subscriber_unsubscribe_member,
)
from newsletter.services.subscriptions import member_email_verified
from portal.editing import ActionView, SpaceMixin


class NewsletterEspaceView(SpaceMixin, TemplateView):
    template_name = "newsletter/espace.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.user
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


class NewsletterSubscribeView(SpaceMixin, ActionView):
    success_message = gettext_lazy(
        "Vous êtes inscrit·e à la lettre d'information, à l'adresse %(email)s."
    )
    success_url = reverse_lazy("espace_newsletter:home")

    def perform(self) -> Subscriber:
        return subscriber_subscribe_member(user=self.user)

    def get_message_params(self) -> dict[str, Any]:
        return {"email": self.result.email}


class NewsletterUnsubscribeView(SpaceMixin, ActionView):
    success_url = reverse_lazy("espace_newsletter:home")

    def perform(self) -> Subscriber | None:
        return subscriber_unsubscribe_member(user=self.user)

    def get_success_message(self) -> str:
        if self.result is None:
            return ""  # was not subscribed: nothing to say
        return _("Vous ne recevrez plus la lettre d'information.")
