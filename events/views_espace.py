"""The officers' space for events: my provinces' events, and create, edit, publish, cancel, copy.

Every view starts from ``events_manageable_by``: another province's event is a 404, for a GET
and for a forged POST alike. The views only read input and call one service each.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from events.forms import EventForm
from events.models import Event, EventQuerySet
from events.permissions import (
    can_cancel_event,
    can_create_event,
    event_actions,
    events_manageable_by,
    policy,
)
from events.selectors import event_manage_sections
from events.services import event_cancel, event_copy, event_create, event_publish, event_update
from portal.editing import ObjectActionView, ObjectConfirmView, ObjectEditView
from portal.pagination import paginate, query_without
from portal.service_errors import error_codes
from territoires.editing import ProvinceCreateView, ProvinceSpaceMixin

SECTIONS = (
    # (key of event_manage_sections, page parameter of its pagination)
    ("drafts", "brouillons"),
    ("upcoming", "a_venir"),
    ("past", "passes"),
    ("cancelled", "annules"),
)


class OfficerRequiredMixin(ProvinceSpaceMixin):
    """Signed in, and staff or the officer of at least one province; otherwise « not found »."""

    policy = policy


class ManagedEventMixin(OfficerRequiredMixin):
    """The event named in the URL, among those this person manages (else 404)."""

    def managed_events(self) -> EventQuerySet:
        return events_manageable_by(self.request.user).select_related("province", "chantier")

    def get_queryset(self) -> QuerySet[Any]:
        return self.managed_events()

    def get_event(self) -> Event:
        return get_object_or_404(self.managed_events(), slug=self.kwargs["slug"])


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


class EventCreateView(OfficerRequiredMixin, ProvinceCreateView):
    template_name = "events/espace/event_form.html"
    form_class = EventForm
    success_message = _("Le brouillon « %(title)s » est enregistré. Publiez-le quand il est prêt.")

    def perform(self, form: EventForm) -> Event:
        return event_create(user=self.user, data=form.cleaned_data)


class EventEditView(ManagedEventMixin, ObjectEditView[Event, EventForm]):
    template_name = "events/espace/event_form.html"
    form_class = EventForm
    form_takes_user = True
    success_message = _("« %(title)s » est enregistré.")

    def perform(self, form: EventForm) -> Event:
        return event_update(user=self.user, event=self.object, data=form.cleaned_data)


class EventPublishView(ManagedEventMixin, ObjectActionView[Event]):
    success_message = _(
        "« %(title)s » est publié : il figure dès maintenant sur les pages publiques."
    )

    def perform(self) -> Event:
        return event_publish(user=self.user, event=self.object)

    def get_refused_url(self, error: ValidationError) -> str:
        if "place_required" in error_codes(error):
            # Something to fill in: straight to the form.
            return reverse("espace_events:event_edit", kwargs={"slug": self.object.slug})
        return super().get_refused_url(error)


class EventCancelView(ManagedEventMixin, ObjectConfirmView[Event]):
    """GET asks for confirmation; POST cancels."""

    template_name = "events/espace/event_cancel.html"
    success_message = _("« %(title)s » est annulé ; sa page publique l'indique.")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = event = self.get_object()
        if not can_cancel_event(request.user, event):
            messages.error(request, _("Cet événement ne peut pas être annulé."))
            return HttpResponseRedirect(event.get_absolute_url())
        return self.render_to_response(self.get_context_data())

    def perform(self) -> Event:
        return event_cancel(user=self.user, event=self.object)


class EventCopyView(ManagedEventMixin, ObjectActionView[Event]):
    success_message = _("Copie créée en brouillon : adaptez ses dates, puis publiez-la.")

    def perform(self) -> Event:
        # Only an original that no longer passes today's rules is refused.
        return event_copy(user=self.user, event=self.object)

    def get_success_url(self) -> str:
        return reverse("espace_events:event_edit", kwargs={"slug": self.result.slug})
