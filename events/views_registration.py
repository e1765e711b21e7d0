"""Registering for an event and cancelling, from its page and from « Mes inscriptions »."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from events.forms_registration import RegistrationForm
from events.models import Event, Registration
from events.registrations import registration_cancel, registration_create
from events.selectors import (
    registration_for,
    registration_waiting_position,
    registrations_of_user,
)


def _window_open(event: Event, now: Any) -> bool:
    if event.registration_opens_at and now < event.registration_opens_at:
        return False
    return not (event.registration_closes_at and now >= event.registration_closes_at)


def registration_box(request: HttpRequest, event: Event, *, form: Any = None) -> dict[str, Any]:
    """What the event page's registration box shows; ``show`` False hides it.

    Shown for a published event that has not started: inside the registration window to
    register, and until the start to whoever is registered (their status and « Me désinscrire »).
    At most three queries, whatever the number of registrations.
    """
    now = timezone.now()
    box: dict[str, Any] = {"show": False}
    if event.status != Event.Status.PUBLISHED or event.start <= now:
        return box
    window_open = _window_open(event, now)
    registration = registration_for(user=request.user, event=event)
    if registration is not None and registration.status == Registration.Status.CANCELLED:
        registration = None
    if registration is None and not window_open:
        return box
    box.update(show=True, registration=registration, window_open=window_open)
    if registration is not None:
        box["position"] = registration_waiting_position(registration)
    elif request.user.is_authenticated:
        box["form"] = form or RegistrationForm(user=request.user)
    return box


def _event(slug: str) -> Event:
    return get_object_or_404(Event.objects.public().select_related("province"), slug=slug)


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class RegistrationCreateView(LoginRequiredMixin, View):
    """``/evenements/<slug>/inscription/``: the form (GET) and the registration (POST)."""

    template_name = "events/registration_form.html"

    def _render(self, request: HttpRequest, event: Event, form: RegistrationForm) -> HttpResponse:
        return render(request, self.template_name, {"event": event, "form": form})

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        event = _event(slug)
        box = registration_box(request, event)
        if not box["show"] or box.get("registration") is not None:
            return HttpResponseRedirect(event.get_absolute_url())
        return self._render(request, event, box["form"])

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        event = _event(slug)
        form = RegistrationForm(request.POST, user=request.user)
        if not form.is_valid():
            return self._render(request, event, form)
        try:
            registration = registration_create(
                user=request.user,
                event=event,
                project=form.cleaned_data["project"],
                organisation=form.cleaned_data["organisation"],
                remarks=form.cleaned_data["remarks"],
            )
        except ValidationError as exc:
            # Double submit, window closed meanwhile, project cap reached…: said in French, with
            # what was typed kept.
            form.add_error(None, exc)
            return self._render(request, event, form)
        if registration.status == Registration.Status.CONFIRMED:
            messages.success(request, _("Votre inscription est confirmée."))
        else:
            messages.info(
                request,
                _("Vous êtes sur la liste d'attente, en position %(position)s.")
                % {"position": registration_waiting_position(registration)},
            )
        return HttpResponseRedirect(event.get_absolute_url())


class RegistrationCancelView(LoginRequiredMixin, View):
    """``/evenements/<slug>/desinscription/``: confirm (GET), then cancel one's own (POST)."""

    template_name = "events/registration_cancel.html"

    def _registration(self, request: HttpRequest, event: Event) -> Registration:
        # Only the person's own registration: someone else's is never reachable here.
        registration = registration_for(user=request.user, event=event)
        if registration is None or registration.status == Registration.Status.CANCELLED:
            raise Http404
        registration.event = event
        return registration

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        event = _event(slug)
        registration = self._registration(request, event)
        return render(
            request,
            self.template_name,
            {
                "event": event,
                "registration": registration,
                "position": registration_waiting_position(registration),
                "next": _next_url(request, ""),
            },
        )

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        event = _event(slug)
        registration = self._registration(request, event)
        try:
            registration_cancel(registration=registration, by=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Votre inscription est annulée."))
        return HttpResponseRedirect(_next_url(request, event.get_absolute_url()))


class MyRegistrationsView(LoginRequiredMixin, TemplateView):
    """« Mes inscriptions »: upcoming and past, with status and place on the waiting list."""

    template_name = "espace/registrations.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        registrations = registrations_of_user(user=self.request.user)
        upcoming = list(registrations.upcoming(now))
        for registration in upcoming:
            registration.can_cancel = (  # type: ignore[attr-defined]
                registration.status != Registration.Status.CANCELLED
                and registration.event.status == Event.Status.PUBLISHED
                and registration.event.start > now
            )
        context.update(upcoming=upcoming, past=list(registrations.past(now)))
        return context
