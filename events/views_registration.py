"""Registering for an event and cancelling, from its page and from « Mes inscriptions »."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from events.forms_registration import RegistrationForm
from events.models import Event, Registration
from events.selectors import (
    registration_for,
    registration_waiting_position,
    registrations_of_user,
)
from events.services import registration_cancel, registration_create
from portal.editing import ConfirmView, ObjectFormView, ServiceFormView, SpaceMixin


def _window_open(event: Event, now: Any) -> bool:
    if event.registration_opens_at and now < event.registration_opens_at:
        return False
    return not (event.registration_closes_at and now >= event.registration_closes_at)


def event_places(event: Event) -> dict[str, Any]:
    """The seats as everyone sees them on the event page, signed in or not.

    ``open``: a published event not started yet with a limited capacity (otherwise only the
    capacity is shown); ``left``: the free seats; ``full`` with ``waiting_list_open`` while
    registrations are open (registering then joins the waiting list).
    """
    now = timezone.now()
    open_ = (
        event.status == Event.Status.PUBLISHED and event.start > now and event.capacity is not None
    )
    return {
        "open": open_,
        "left": event.seats_left,
        "full": event.is_full,
        "waiting_list_open": open_ and event.is_full and _window_open(event, now),
    }


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


class RegistrationCreateView(SpaceMixin, ObjectFormView[Event, RegistrationForm]):
    """``/evenements/<slug>/inscription/``: the form (GET) and the registration (POST)."""

    template_name = "events/registration_form.html"
    form_class = RegistrationForm
    form_takes_user = True

    def get_queryset(self) -> QuerySet[Event]:
        return Event.objects.public().select_related("province")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = event = self.get_object()
        box = registration_box(request, event)
        if not box["show"] or box.get("registration") is not None:
            return HttpResponseRedirect(event.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=box["form"]))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # The event is read by the registration, in the query that locks it (same scope: a
        # public event, else a 404): one statement less for every registration. Only a form
        # shown again reads it here.
        self.object = None
        return ServiceFormView.post(self, request, *args, **kwargs)

    def form_invalid(self, form: RegistrationForm) -> HttpResponse:
        if self.object is None:
            self.object = self.get_object()
        return super().form_invalid(form)

    def perform(self, form: RegistrationForm) -> Registration:
        # Refused (double submit, window closed meanwhile, project cap reached…): said in
        # French above the form, with what was typed kept.
        try:
            registration = registration_create(
                user=self.user,
                public_slug=self.kwargs["slug"],
                project=form.cleaned_data["project"],
                organisation=form.cleaned_data["organisation"],
                remarks=form.cleaned_data["remarks"],
            )
        except Event.DoesNotExist:
            raise Http404 from None
        self.object = registration.event
        return registration

    def notify_success(self) -> None:
        registration = self.result
        if registration.status == Registration.Status.CONFIRMED:
            messages.success(self.request, _("Votre inscription est confirmée."))
        else:
            messages.info(
                self.request,
                _("Vous êtes sur la liste d'attente, en position %(position)s.")
                % {"position": registration_waiting_position(registration)},
            )

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()


class RegistrationCancelView(SpaceMixin, ConfirmView):
    """``/evenements/<slug>/desinscription/``: confirm (GET), then cancel one's own (POST)."""

    template_name = "events/registration_cancel.html"
    success_message = gettext_lazy("Votre inscription est annulée.")

    def get_object(self, queryset: Any = None) -> Registration:
        self.event = _event(self.kwargs["slug"])
        # Only the person's own registration: someone else's is never reachable here.
        registration = registration_for(user=self.user, event=self.event)
        if registration is None or registration.status == Registration.Status.CANCELLED:
            raise Http404
        registration.event = self.event
        return registration

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            event=self.event,
            registration=self.object,
            position=registration_waiting_position(self.object),
            next=_next_url(self.request, ""),
            **kwargs,
        )

    def perform(self) -> Registration | None:
        return registration_cancel(registration=self.object, by=self.user)

    def get_success_url(self) -> str:
        return _next_url(self.request, self.event.get_absolute_url())

    def get_refused_url(self, error: ValidationError) -> str:
        return self.get_success_url()


class MyRegistrationsView(SpaceMixin, TemplateView):
    """« Mes inscriptions »: upcoming and past, with status and place on the waiting list."""

    template_name = "espace/registrations.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        registrations = registrations_of_user(user=self.user)
        upcoming = list(registrations.upcoming(now))
        for registration in upcoming:
            registration.can_cancel = (  # type: ignore[attr-defined]
                registration.status != Registration.Status.CANCELLED
                and registration.event.status == Event.Status.PUBLISHED
                and registration.event.start > now
            )
        context.update(upcoming=upcoming, past=list(registrations.past(now)))
        return context
