"""The organisers' pages about an event's registrants: list, exports, attendance, cancel, message.

Every view finds the event through ``ManagedEventMixin`` (``events_manageable_by``): anyone
else gets a 404, for a GET and for a forged POST alike, and nothing changes.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView

from events.attendees import (
    attendance_mark,
    attendee_counts,
    attendees_csv,
    attendees_of_event,
    attendees_xlsx,
    event_message_send,
)
from events.forms_attendees import AttendanceForm, EventMessageForm
from events.models import Event, Registration
from events.registrations import registration_cancel
from events.selectors import registrations_of_event
from events.views_espace import ManagedEventMixin
from portal.service_errors import error_to_messages


def _attendees_url(event: Event) -> str:
    from django.urls import reverse

    return reverse("espace_events:attendees", kwargs={"slug": event.slug})


def _download(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Names, emails and needs of people: not for shared caches.
    response["Cache-Control"] = "private, no-store"
    return response


class AttendeeListView(ManagedEventMixin, TemplateView):
    template_name = "events/espace/attendees.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        event = self.get_event()
        registrations = attendees_of_event(event=event)
        context.update(
            event=event,
            registrations=registrations,
            counts=attendee_counts(event=event, registrations=registrations),
        )
        return context


class AttendeeCsvView(ManagedEventMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        event = self.get_event()
        content = attendees_csv(registrations=attendees_of_event(event=event))
        return _download(
            content, content_type="text/csv; charset=utf-8", filename=f"inscrits-{event.slug}.csv"
        )


class AttendeeXlsxView(ManagedEventMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        event = self.get_event()
        content = attendees_xlsx(event=event, registrations=attendees_of_event(event=event))
        return _download(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            filename=f"inscrits-{event.slug}.xlsx",
        )


class AttendanceView(ManagedEventMixin, TemplateView):
    template_name = "events/espace/attendees_attendance.html"

    def _form(self, event: Event, data: Any = None) -> AttendanceForm:
        confirmed = registrations_of_event(event=event).filter(status=Registration.Status.CONFIRMED)
        return AttendanceForm(data, registrations=confirmed)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        event = self.get_event()
        return self.render_to_response(self.get_context_data(event=event, form=self._form(event)))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        event = self.get_event()
        form = self._form(event, request.POST)
        if form.is_valid():
            present, absent = form.marked_ids()
            try:
                attendance_mark(
                    by=request.user, event=event, present_ids=present, absent_ids=absent
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Présences enregistrées : %(present)s présent·es, %(absent)s absent·es.")
                    % {"present": len(present), "absent": len(absent)},
                )
                return redirect(_attendees_url(event))
        return self.render_to_response(self.get_context_data(event=event, form=form))


class AttendeeCancelView(ManagedEventMixin, TemplateView):
    """GET asks for confirmation; POST cancels on the person's behalf."""

    template_name = "events/espace/attendees_cancel.html"

    def get_registration(self, event: Event) -> Registration:
        queryset = Registration.objects.filter(event=event).select_related("user", "project")
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        event = self.get_event()
        registration = self.get_registration(event)
        if registration.is_cancelled:
            messages.info(request, _("Cette inscription est déjà annulée."))
            return redirect(_attendees_url(event))
        return self.render_to_response(
            self.get_context_data(event=event, registration=registration)
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        event = self.get_event()
        registration = self.get_registration(event)
        try:
            promoted = registration_cancel(registration=registration, by=request.user)
        except ValidationError as error:
            error_to_messages(request, error)
            return redirect(_attendees_url(event))
        person = registration.user.get_full_name() or registration.user.email
        text = _("L'inscription de %(person)s est annulée.") % {"person": person}
        if promoted is not None:
            text += " " + _(
                "%(person)s, première sur la liste d'attente, reçoit la place et en est "
                "informée par e-mail."
            ) % {"person": promoted.user.get_full_name() or promoted.user.email}
        messages.success(request, text)
        return redirect(_attendees_url(event))


class EventMessageView(ManagedEventMixin, TemplateView):
    template_name = "events/espace/attendees_message.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        event = self.get_event()
        form = EventMessageForm(initial=EventMessageForm.new_initial())
        return self.render_to_response(self.get_context_data(event=event, form=form))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        event = self.get_event()
        form = EventMessageForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = event_message_send(
                    by=request.user,
                    event=event,
                    subject=data["subject"],
                    body=data["body"],
                    recipients=data["recipients"],
                    message_id=str(data["message_id"]),
                )
            except ValidationError as error:
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                if result.queued == 0:
                    messages.info(
                        request,
                        _("Ce message avait déjà été envoyé : il ne part pas une seconde fois."),
                    )
                else:
                    messages.success(
                        request,
                        ngettext(
                            "Message envoyé à %(count)s personne.",
                            "Message envoyé à %(count)s personnes.",
                            result.recipients,
                        )
                        % {"count": result.recipients},
                    )
                return redirect(_attendees_url(event))
        return self.render_to_response(self.get_context_data(event=event, form=form))
