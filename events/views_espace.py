"""The officers' space for events: my provinces' events, and create, edit, publish, cancel, copy.

Every view starts from ``events_manageable_by``: another province's event is a 404, for a GET
and for a forged POST alike. The views only read input and call one service each.
"""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from events.forms import EventForm
from events.models import Event
from events.permissions import (
    can_cancel_event,
    can_create_event,
    event_actions,
    events_manageable_by,
    is_event_staff,
    provinces_managed_by,
)
from events.selectors import event_manage_sections
from events.services import event_cancel, event_copy, event_create, event_publish, event_update
from portal.pagination import paginate, query_without
from portal.service_errors import error_to_form, error_to_messages

SECTIONS = (
    # (key of event_manage_sections, page parameter of its pagination)
    ("drafts", "brouillons"),
    ("upcoming", "a_venir"),
    ("past", "passes"),
    ("cancelled", "annules"),
)


class OfficerRequiredMixin(LoginRequiredMixin):
    """Signed in, and staff or the officer of at least one province; otherwise « not found »."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and not can_create_event(request.user):
            raise Http404(_("Cet espace est réservé aux chargé·es de mission territoriale."))
        return super().dispatch(request, *args, **kwargs)


class ManagedEventMixin(OfficerRequiredMixin):
    """The event named in the URL, among those this person manages (else 404)."""

    request: HttpRequest
    kwargs: dict[str, Any]

    def get_event(self) -> Event:
        queryset: QuerySet[Event] = events_manageable_by(self.request.user).select_related(
            "province", "chantier"
        )
        return get_object_or_404(queryset, slug=self.kwargs["slug"])


class EventManageListView(OfficerRequiredMixin, TemplateView):
    template_name = "events/espace/event_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        querysets = event_manage_sections(user=user)
        sections = {}
        for key, param in SECTIONS:
            page = paginate(self.request, querysets[key], param=param)
            # The page's rows, each with the buttons its permissions allow (no query per row).
            page.object_list = [(event, event_actions(user, event)) for event in page.object_list]
            sections[key] = {
                "page": page,
                "param": param,
                "query": query_without(self.request, param),
            }
        context.update(sections=sections, can_create=can_create_event(user))
        return context


class EventCreateView(OfficerRequiredMixin, TemplateView):
    template_name = "events/espace/event_form.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = EventForm(user=request.user, initial=self._initial())
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = EventForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                event = event_create(user=request.user, data=form.cleaned_data)
            except ValidationError as error:
                error_to_form(form, error)
            else:
                messages.success(
                    request,
                    _("Le brouillon « %(title)s » est enregistré. Publiez-le quand il est prêt.")
                    % {"title": event.title},
                )
                return redirect(event)
        return self.render_to_response(self.get_context_data(form=form))

    def _initial(self) -> dict[str, Any]:
        # An officer of one province: preselect it (staff start from Wallonia-wide).
        if is_event_staff(self.request.user):
            return {}
        provinces = list(provinces_managed_by(self.request.user)[:2])
        return {"province": provinces[0]} if len(provinces) == 1 else {}


class EventEditView(ManagedEventMixin, TemplateView):
    template_name = "events/espace/event_form.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        event = self.get_event()
        form = EventForm(instance=copy.copy(event), user=request.user)
        return self.render_to_response(self.get_context_data(form=form, event=event))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        event = self.get_event()
        # The form works on a copy: the page keeps the saved title while errors are shown.
        form = EventForm(request.POST, instance=copy.copy(event), user=request.user)
        if form.is_valid():
            try:
                event = event_update(user=request.user, event=event, data=form.cleaned_data)
            except ValidationError as error:
                error_to_form(form, error)
            else:
                messages.success(
                    request, _("« %(title)s » est enregistré.") % {"title": event.title}
                )
                return redirect(event)
        return self.render_to_response(self.get_context_data(form=form, event=event))


class EventPublishView(ManagedEventMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        event = self.get_event()
        try:
            event = event_publish(user=request.user, event=event)
        except ValidationError as error:
            error_to_messages(request, error)
            if any(e.code == "place_required" for e in error.error_list):
                # Something to fill in: straight to the form.
                return redirect("espace_events:event_edit", slug=event.slug)
            return redirect(event)
        messages.success(
            request,
            _("« %(title)s » est publié : il figure dès maintenant sur les pages publiques.")
            % {"title": event.title},
        )
        return redirect(event)


class EventCancelView(ManagedEventMixin, TemplateView):
    """GET asks for confirmation; POST cancels."""

    template_name = "events/espace/event_cancel.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        event = self.get_event()
        if not can_cancel_event(request.user, event):
            messages.error(request, _("Cet événement ne peut pas être annulé."))
            return redirect(event)
        return self.render_to_response(self.get_context_data(event=event))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        event = self.get_event()
        try:
            event = event_cancel(user=request.user, event=event)
        except ValidationError as error:
            error_to_messages(request, error)
            return redirect(event)
        messages.success(
            request,
            _("« %(title)s » est annulé ; sa page publique l'indique.") % {"title": event.title},
        )
        return redirect(event)


class EventCopyView(ManagedEventMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseRedirect:
        event = self.get_event()
        try:
            copied = event_copy(user=request.user, event=event)
        except ValidationError as error:
            # Only an original that no longer passes today's rules gets here.
            error_to_messages(request, error)
            return HttpResponseRedirect(event.get_absolute_url())
        messages.success(
            request,
            _("Copie créée en brouillon : adaptez ses dates, puis publiez-la."),
        )
        return HttpResponseRedirect(reverse("espace_events:event_edit", args=[copied.slug]))
