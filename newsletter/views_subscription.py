"""Public pages of the subscription: subscribe (its page, and the footer's form), confirm,
unsubscribe (the email's link shows a button; the mail provider's RFC 8058 POST is one click),
resubscribe and preferences behind the subscriber's token. Thin: each reads input and calls one
service. No GET changes anything: mail scanners follow every link of a message.

A wrong, expired or used key or token shows a kind page (404) and changes nothing.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from django.core.exceptions import ValidationError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotFound,
    HttpResponseRedirect,
)
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView

from newsletter.forms import InterestsForm, SubscribeForm
from newsletter.models import CONFIRMATION_DAYS, Subscriber
from newsletter.services import (
    SOURCE_RESUBSCRIBE,
    email_normalise,
    subscriber_confirm,
    subscriber_for_confirmation,
    subscriber_for_token,
    subscriber_request,
    subscriber_resubscribe,
    subscriber_unsubscribe,
    subscriber_update_interests,
)
from portal import editing
from portal.ratelimits import FormLimits

logger = logging.getLogger(__name__)

# Per address of the sender, a burst and a sustained flood; per email address, a mailbox bombed.
LIMITS = FormLimits(group="newsletter-subscribe", per_ip=("5/m", "20/h"), per_email="3/h")
TOO_MANY = gettext_lazy(
    "Trop de demandes d'inscription en peu de temps. Réessayez dans quelques minutes."
)
SOURCE_RESUBSCRIBE_PREFERENCES = gettext_lazy("Réinscription depuis la page des préférences")


def _invalid(request: HttpRequest, error: ValidationError, *, kind: str) -> HttpResponse:
    """The kind page of a wrong, expired or used link (nothing was changed)."""
    return render(
        request,
        "newsletter/token_invalid.html",
        {"kind": kind, "code": error.code, "reasons": error.messages},
        status=HTTPStatus.NOT_FOUND,
    )


@method_decorator(csrf_exempt, name="dispatch")
class SubscribeView(TemplateView):
    """Its own post(), not the scaffold's: the rate limits count every attempt, valid or not,
    before the form is read, and answer 429. Exempt from the CSRF check: the footer's form, on
    pages the same for every anonymous visitor, carries no token; the subscription acts on no
    session (a double opt-in by email, rate-limited): see docs/ARCHITECTURE.md, "CSRF and the
    cached pages"."""

    template_name = "newsletter/subscribe.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=SubscribeForm()))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = SubscribeForm(request.POST)
        valid = form.is_valid()
        if LIMITS.exceeded(
            request, email=email_normalise(form.cleaned_data["email"]) if valid else None
        ):
            form.add_error(None, TOO_MANY)
            context = self.get_context_data(form=form)
            return self.render_to_response(context, status=HTTPStatus.TOO_MANY_REQUESTS)
        if valid:
            try:
                subscriber_request(
                    email=form.cleaned_data["email"],
                    provinces=form.cleaned_data["provinces"],
                    chantiers=form.cleaned_data["chantiers"],
                    source=form.consent_source(),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                # The same answer whatever the address: known, unknown, confirmed or not.
                return HttpResponseRedirect(reverse("newsletter:subscribe_done"))
        return self.render_to_response(self.get_context_data(form=form))


class SubscribeDoneView(TemplateView):
    template_name = "newsletter/subscribe_done.html"
    extra_context = {"days": CONFIRMATION_DAYS}


class ConfirmView(editing.ConfirmView):
    """GET shows a button; only its POST confirms (link scanners GET, they must not confirm)."""

    template_name = "newsletter/confirm.html"
    success_message = gettext_lazy(
        "Votre inscription est confirmée : vous recevrez la prochaine lettre à %(email)s."
    )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            subscriber_for_confirmation(key=kwargs["key"])
        except ValidationError as error:
            return _invalid(request, error, kind="confirm")
        return super().get(request, *args, **kwargs)

    def perform(self) -> Subscriber:
        return subscriber_confirm(key=self.kwargs["key"])

    def refused(self, error: ValidationError) -> HttpResponse:
        return _invalid(self.request, error, kind="confirm")

    def get_message_params(self) -> dict[str, Any]:
        return {"email": self.result.email}

    def get_success_url(self) -> str:
        return self.result.get_preferences_url()


@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(View):
    """The email's link (GET) shows a button and changes nothing: link scanners of mail
    providers open every link, and must not unsubscribe the reader. Its POST unsubscribes. The
    mail provider's button POSTs ``List-Unsubscribe=One-Click`` (RFC 8058) to the same address
    without cookie or CSRF token — hence csrf_exempt; the token in the address is the
    credential, and this view changes nothing but the subscription."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            subscriber = subscriber_for_token(token=kwargs["token"])
        except ValidationError as error:
            return _invalid(request, error, kind="token")
        if subscriber.status == Subscriber.Status.UNSUBSCRIBED:
            return render(request, "newsletter/unsubscribe.html", {"subscriber": subscriber})
        return render(request, "newsletter/unsubscribe_confirm.html", {"subscriber": subscriber})

    def head(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Link checkers probe with HEAD: answer without unsubscribing anybody.
        exists = Subscriber.objects.filter(token=kwargs["token"]).exists()
        return HttpResponse() if exists else HttpResponseNotFound()

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        if not one_click and request.POST.get("confirmer") != "1":
            return HttpResponseBadRequest(
                _("Requête de désinscription incomplète."), content_type="text/plain"
            )
        try:
            subscriber = subscriber_unsubscribe(token=kwargs["token"])
        except ValidationError as error:
            if not one_click:
                return _invalid(request, error, kind="token")
            return HttpResponseNotFound(
                _("Lien de désinscription inconnu."), content_type="text/plain"
            )
        if one_click:
            return HttpResponse(_("Désinscription enregistrée."), content_type="text/plain")
        # The button of the page: back to the same address, which now says it is done.
        return HttpResponseRedirect(subscriber.get_unsubscribe_url())


class ResubscribeView(editing.ActionView):
    success_message = gettext_lazy(
        "Vous êtes à nouveau inscrit·e : la prochaine lettre arrivera à %(email)s."
    )

    def perform(self) -> Subscriber:
        from_preferences = self.request.POST.get("depuis") == "preferences"
        source = SOURCE_RESUBSCRIBE_PREFERENCES if from_preferences else SOURCE_RESUBSCRIBE
        return subscriber_resubscribe(token=self.kwargs["token"], source=str(source))

    def refused(self, error: ValidationError) -> HttpResponse:
        return _invalid(self.request, error, kind="token")

    def get_message_params(self) -> dict[str, Any]:
        return {"email": self.result.email}

    def get_success_url(self) -> str:
        return self.result.get_preferences_url()


class PreferencesView(editing.ServiceFormView[InterestsForm]):
    """The subscriber behind the token chooses their provinces and chantiers."""

    template_name = "newsletter/preferences.html"
    form_class = InterestsForm
    success_message = gettext_lazy("Vos centres d'intérêt sont enregistrés.")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            self.object = subscriber_for_token(token=kwargs["token"])
        except ValidationError as error:
            return _invalid(request, error, kind="token")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        return {
            "provinces": list(self.object.provinces.values_list("pk", flat=True)),
            "chantiers": list(self.object.chantiers.values_list("pk", flat=True)),
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(subscriber=self.object, **kwargs)

    def perform(self, form: InterestsForm) -> None:
        subscriber_update_interests(
            subscriber=self.object,
            provinces=form.cleaned_data["provinces"],
            chantiers=form.cleaned_data["chantiers"],
        )

    def get_success_url(self) -> str:
        return self.object.get_preferences_url()
