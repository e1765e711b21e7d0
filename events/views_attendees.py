"""The organisers' pages about an event's registrants: list, exports, attendance, cancel, message.

Every view finds the event through ``ManagedEventMixin`` (``events_manageable_by``): anyone
else gets a 404, for a GET and for a forged POST alike, and nothing changes.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import TemplateView

from events.attendees import (
    MessageResult,
    attendance_mark,
    attendee_counts,
    attendees_csv,
    attendees_of_event,
    attendees_xlsx,
    event_message_send,
)
from events.forms_attendees import AttendanceForm, EventMessageForm
from events.models import Event, Registration
from events.selectors import registrations_of_event
from events.services import registration_cancel
from events.views_espace import ManagedEventMixin
from portal.editing import ObjectConfirmView, ObjectFormView


def _attendees_url(event: Event) -> str:
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


class AttendanceView(ManagedEventMixin, ObjectFormView[Event, AttendanceForm]):
    template_name = "events/espace/attendees_attendance.html"
    form_class = AttendanceForm
    success_message = gettext_lazy(
        "Présences enregistrées : %(present)s présent·es, %(absent)s absent·es."
    )

    def get_form_kwargs(self) -> dict[str, Any]:
        confirmed = registrations_of_event(event=self.object).filter(
            status=Registration.Status.CONFIRMED
        )
        return {**super().get_form_kwargs(), "registrations": confirmed}

    def perform(self, form: AttendanceForm) -> tuple[list[int], list[int]]:
        present, absent = form.marked_ids()
        attendance_mark(by=self.user, event=self.object, present_ids=present, absent_ids=absent)
        return present, absent

    def get_message_params(self) -> dict[str, Any]:
        present, absent = self.result
        return {"present": len(present), "absent": len(absent)}

    def get_success_url(self) -> str:
        return _attendees_url(self.object)


class AttendeeCancelView(ManagedEventMixin, ObjectConfirmView[Registration]):
    """GET asks for confirmation; POST cancels on the person's behalf."""

    template_name = "events/espace/attendees_cancel.html"

    def get_queryset(self) -> QuerySet[Registration]:
        self.event = self.get_event()
        return Registration.objects.filter(event=self.event).select_related("user", "project")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = registration = self.get_object()
        if registration.is_cancelled:
            messages.info(request, _("Cette inscription est déjà annulée."))
            return HttpResponseRedirect(_attendees_url(self.event))
        return self.render_to_response(self.get_context_data(event=self.event))

    def perform(self) -> Registration | None:
        return registration_cancel(registration=self.object, by=self.user)

    def get_success_message(self) -> str:
        person = self.object.user.get_full_name() or self.object.user.email
        text = _("L'inscription de %(person)s est annulée.") % {"person": person}
        promoted = self.result
        if promoted is not None:
            text += " " + _(
                "%(person)s, première sur la liste d'attente, reçoit la place et en est "
                "informée par e-mail."
            ) % {"person": promoted.user.get_full_name() or promoted.user.email}
        return text

    def get_success_url(self) -> str:
        return _attendees_url(self.event)

    def get_refused_url(self, error: ValidationError) -> str:
        return _attendees_url(self.event)


class EventMessageView(ManagedEventMixin, ObjectFormView[Event, EventMessageForm]):
    template_name = "events/espace/attendees_message.html"
    form_class = EventMessageForm

    def get_initial(self) -> dict[str, Any]:
        return EventMessageForm.new_initial()

    def perform(self, form: EventMessageForm) -> MessageResult:
        data = form.cleaned_data
        return event_message_send(
            by=self.user,
            event=self.object,
            subject=data["subject"],
            body=data["body"],
            recipients=data["recipients"],
            message_id=str(data["message_id"]),
        )

    def notify_success(self) -> None:
        if self.result.queued == 0:
            messages.info(
                self.request,
                _("Ce message avait déjà été envoyé : il ne part pas une seconde fois."),
            )
            return
        messages.success(
            self.request,
            ngettext(
                "Message envoyé à %(count)s personne.",
                "Message envoyé à %(count)s personnes.",
                self.result.recipients,
            )
            % {"count": self.result.recipients},
        )

    def get_success_url(self) -> str:
        return _attendees_url(self.object)
