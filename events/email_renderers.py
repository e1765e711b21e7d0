"""The event emails as the sender builds them, just before sending, from the ids they were
queued with (``events.notifications``): the request that registers someone renders nothing,
and no message describes an event as it was rather than as it is.

Each renderer reads the rows as they are now and either builds the message (with its
invitation) or raises ``EmailObsolete`` when what it would say is no longer true: a reminder or
a confirmation for an event cancelled since (its cancellation notice says so), a reminder for
an event that moved (the new start has its own), a change notice superseded by a newer change
(which tells both), a message of a registration round the person has left.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from events.calendar import event_invitation, invitation_content_type
from events.models import Event, Registration
from events.notifications import (
    CANCELLED_RENDERER,
    CHANGED_RENDERER,
    REGISTRATION_RENDERER,
    REMINDER_RENDERER,
    change_labels,
)
from events.selectors import registration_waiting_position
from portal.mail import Attachment, EmailObsolete, RenderedEmail, email_renderer
from portal.mail import render_template_email as render


def invitation(
    event: Event,
    *,
    attendee: tuple[str, str],
    round: int,
    cancelled: bool = False,
) -> Attachment:
    """The .ics of one person: REQUEST, or CANCEL when ``cancelled`` or the event is."""
    return Attachment(
        filename="invitation.ics",
        content=event_invitation(event, cancelled=cancelled, attendee=attendee, round=round).decode(
            "utf-8"
        ),
        mimetype=invitation_content_type(event, cancelled=cancelled),
    )


def _event(pk: int) -> Event:
    event = Event.objects.select_related("organiser").filter(pk=pk).first()
    if event is None:
        raise EmailObsolete(_("L'événement a été supprimé entre-temps."))
    return event


def _registration(pk: int, event: Event) -> Registration:
    registration = Registration.objects.select_related("user").filter(pk=pk).first()
    if registration is None:
        raise EmailObsolete(_("L'inscription a été supprimée entre-temps."))
    registration.event = event
    return registration


def _attendee(registration: Registration) -> tuple[str, str]:
    return registration.user.get_full_name(), registration.user.email


def _not_cancelled(event: Event) -> None:
    if event.is_cancelled:
        raise EmailObsolete(_("L'événement a été annulé entre-temps : l'avis d'annulation le dit."))


def _context(registration: Registration, **extra: Any) -> dict[str, Any]:
    return {
        "registration": registration,
        "event": registration.event,
        "person": registration.user,
        **extra,
    }


@email_renderer(REGISTRATION_RENDERER)
def render_registration(params: dict[str, Any]) -> RenderedEmail:
    """Confirmed, waiting, promoted (with the REQUEST invitation when a seat is held) or
    cancelled (with the CANCEL invitation when a seat was held)."""
    purpose, round = params["purpose"], params["round"]
    event = _event(params["event"])
    if purpose == "cancelled":
        return _render_cancelled(params, event)
    registration = _registration(params["registration"], event)
    if registration.times_registered != round:
        raise EmailObsolete(_("La personne s'est réinscrite depuis : un autre message suit."))
    _not_cancelled(event)
    extra: dict[str, Any] = {"position": None}
    attachments: list[Attachment] = []
    if purpose == "waiting":
        if registration.status != Registration.Status.WAITING:
            raise EmailObsolete(
                _("La personne n'est plus en liste d'attente : un autre message suit.")
            )
        extra["position"] = registration_waiting_position(registration)
    else:
        attachments.append(invitation(event, attendee=_attendee(registration), round=round))
    return render(
        f"registration_{purpose}", _context(registration, **extra), attachments=attachments
    )


def _render_cancelled(params: dict[str, Any], event: Event) -> RenderedEmail:
    """From the parameters and the event alone: the admin may have deleted the registration."""
    round = params["round"]
    current = Registration.objects.filter(pk=params["registration"]).first()
    if current is not None and current.times_registered != round:
        raise EmailObsolete(_("La personne s'est réinscrite depuis : un autre message suit."))
    attachments = []
    if params.get("was_confirmed"):
        # The email the row was queued to, not the person's current one: the one holding it.
        to = params.get("to", "")
        attachments.append(
            invitation(event, attendee=(params.get("name", ""), to), round=round, cancelled=True)
        )
    return render(
        "registration_cancelled",
        {
            "event": event,
            "by_organiser": params.get("by_organiser", False),
            "was_confirmed": params.get("was_confirmed", False),
        },
        attachments=attachments,
    )


@email_renderer(REMINDER_RENDERER)
def render_reminder(params: dict[str, Any]) -> RenderedEmail:
    """A reminder with the current invitation, while the event still starts when it did."""
    event = _event(params["event"])
    registration = _registration(params["registration"], event)
    _not_cancelled(event)
    if registration.status != Registration.Status.CONFIRMED:
        raise EmailObsolete(_("L'inscription n'est plus confirmée."))
    start = datetime.datetime.fromisoformat(params["start"])
    if event.start.replace(second=0, microsecond=0) != start.replace(second=0, microsecond=0):
        raise EmailObsolete(
            _("L'événement a été déplacé : le rappel de la nouvelle date le remplace.")
        )
    if event.start <= timezone.now():
        raise EmailObsolete(_("L'événement a déjà commencé."))
    kind = params["kind"]
    return render(
        f"event_reminder_{kind}",
        _context(registration, kind=kind),
        attachments=[
            invitation(event, attendee=_attendee(registration), round=registration.times_registered)
        ],
    )


@email_renderer(CHANGED_RENDERER)
def render_changed(params: dict[str, Any]) -> RenderedEmail:
    """A change of time or place, with the updated invitation for those holding a seat."""
    event = _event(params["event"])
    registration = _registration(params["registration"], event)
    _not_cancelled(event)
    if event.sequence != params["sequence"]:
        raise EmailObsolete(
            _("L'événement a encore changé : l'avis suivant dit tous les changements.")
        )
    if registration.status not in (Registration.Status.CONFIRMED, Registration.Status.WAITING):
        raise EmailObsolete(_("L'inscription a été annulée entre-temps."))
    confirmed = registration.status == Registration.Status.CONFIRMED
    labels = change_labels()
    attachments = []
    if confirmed:
        attachments.append(
            invitation(event, attendee=_attendee(registration), round=registration.times_registered)
        )
    return render(
        "event_changed",
        _context(
            registration,
            changes=[labels.get(change, change) for change in params["changes"]],
            confirmed=confirmed,
        ),
        attachments=attachments,
    )


@email_renderer(CANCELLED_RENDERER)
def render_event_cancelled(params: dict[str, Any]) -> RenderedEmail:
    """The event is cancelled: a CANCEL invitation for those who held a seat."""
    event = _event(params["event"])
    registration = _registration(params["registration"], event)
    confirmed = bool(params.get("confirmed"))
    attachments = []
    if confirmed:
        attachments.append(
            invitation(event, attendee=_attendee(registration), round=registration.times_registered)
        )
    return render(
        "event_cancelled", _context(registration, confirmed=confirmed), attachments=attachments
    )
