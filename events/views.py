"""Public pages of the events: list (upcoming and past, filtered) and detail."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView

from events.models import Event
from events.permissions import event_actions
from events.selectors import (
    event_by_former_slug,
    event_detail_queryset_for,
    event_filter,
    event_public_by_slug,
    event_steps,
)
from events.views_registration import event_places, registration_box
from portal.maps import MapConfig, MapPoint
from portal.pagination import paginate, query_without


class EventListView(TemplateView):
    template_name = "events/event_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        filterset = event_filter(data=self.request.GET)
        events = filterset.qs
        context.update(
            filter=filterset,
            upcoming_page=paginate(self.request, events.upcoming(), param="a_venir"),
            past_page=paginate(self.request, events.past(), param="passes"),
            upcoming_query=query_without(self.request, "a_venir"),
            past_query=query_without(self.request, "passes"),
        )
        return context


class EventDetailView(DetailView):
    """Public page of an event; who manages it also sees their drafts here, and the buttons."""

    template_name = "events/event_detail.html"
    context_object_name = "event"

    def get_queryset(self) -> QuerySet[Event]:
        return event_detail_queryset_for(user=self.request.user)

    def get_object(self, queryset: QuerySet[Event] | None = None) -> Event:
        # A public event is anyone's to open: one statement compiled once; the others (drafts,
        # for whoever manages them) through the person's rights.
        event = event_public_by_slug(slug=self.kwargs["slug"])
        return event if event is not None else super().get_object(queryset)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # An address the event had before its title or date changed: moved for good.
            event = event_by_former_slug(user=request.user, slug=kwargs["slug"])
            if event is None:
                raise
            return HttpResponsePermanentRedirect(event.get_absolute_url())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["actions"] = event_actions(self.request.user, self.object)
        context["registration_box"] = registration_box(self.request, self.object)
        context["places"] = event_places(self.object)
        context["steps"] = event_steps(event=self.object)
        event = self.object
        if event.latitude is not None and event.longitude is not None:
            context["map"] = MapConfig(
                id="event-map",
                label=_("Lieu de l'événement sur la carte"),
                point=MapPoint(event.latitude, event.longitude, event.title, event.venue),
            )
        return context
