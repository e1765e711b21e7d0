"""Writes on events from the officers' space: create, update, publish, cancel and copy.

Each service checks the permission functions itself (a view's queryset is one guard, not the
only one), re-reads the row under lock before changing its status, validates the whole event
against the model's rules, and tells simple-history who did what (``_history_user``, since a
service may run outside a request, and ``_change_reason``).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events.hooks import event_published
from events.models import Event
from events.notifications import CHANGE_FIELDS, event_cancelled_notify, event_changed_notify
from events.permissions import (
    can_cancel_event,
    can_copy_event,
    can_create_event,
    can_edit_event,
    can_manage_event,
    can_place_event_in,
    can_publish_event,
    is_event_staff,
)
from events.selectors import registrations_active
from events.services.addresses import _check_chosen_slug, _local_day, _readdress, _slug_for
from events.services.registrations import registrations_promote_waiting
from portal.model_updates import model_assign, model_locked, model_validate
from portal.models import User, in_wallonia
from projets.models import Organisation

# The fields a person sets through the space's form; status, slug and authorship are the
# services' own business.
EDITABLE_FIELDS = (
    "title",
    "kind",
    "chantier",
    "province",
    "start",
    "end",
    "time_to_be_confirmed",
    "venue",
    "address",
    "latitude",
    "longitude",
    "online_url",
    "summary",
    "description",
    "capacity",
    "project_cap",
    "registration_opens_at",
    "registration_closes_at",
    "reminder_days_before",
    "reminder_on_the_day",
)
# What a copy takes over from its original (the organiser is not in the form, but is kept).
COPIED_FIELDS = (*EDITABLE_FIELDS, "organiser")
# Set by staff only (the admin's form): the public address and who organises.
STAFF_FIELDS = ("slug", "organiser")
DESCRIPTION_MAX_LENGTH = 10_000
COPY_SUFFIX = " (copie)"
TITLE_MAX_LENGTH = 200  # Event.title
# simple-history's history_change_reason column.
CHANGE_REASON_MAX_LENGTH = 100


def _fields_for(user: User, data: Mapping[str, Any]) -> tuple[str, ...]:
    """The fields this person may set: the form's, and the slug and organiser for staff only."""
    given = [name for name in STAFF_FIELDS if name in data]
    if given and not is_event_staff(user):
        raise PermissionDenied(
            _("Seule la Cellule Manger Demain modifie l'adresse ou l'organisateur.")
        )
    return EDITABLE_FIELDS + tuple(given)


def _has_place(event: Event) -> bool:
    return bool(event.venue or event.address or event.online_url)


def _validate(event: Event, *, user: User, confirm_outside_wallonia: bool = False) -> None:
    """The model's rules (field limits, dates, window) and the space's own, as one error."""
    model_validate(
        event,
        check=partial(_check_event, user=user, confirm_outside_wallonia=confirm_outside_wallonia),
    )


def _check_event(event: Event, *, user: User, confirm_outside_wallonia: bool) -> None:
    """The space's own rules: the description's length, a point in Wallonia, a place."""
    errors: dict[str, list[ValidationError]] = {}

    def add(field: str, message: str, code: str) -> None:
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    if len(event.description) > DESCRIPTION_MAX_LENGTH:
        add(
            "description",
            _("La description ne peut pas dépasser %(max)s caractères (actuellement %(count)s).")
            % {"max": f"{DESCRIPTION_MAX_LENGTH:n}", "count": f"{len(event.description):n}"},
            "max_length",
        )
    if (
        event.latitude is not None
        and event.longitude is not None
        and not in_wallonia(float(event.latitude), float(event.longitude))
        and not (confirm_outside_wallonia and is_event_staff(user))
    ):
        add(
            "latitude",
            _("Le point se trouve hors de Wallonie : vérifiez la latitude et la longitude."),
            "outside_wallonia",
        )
    if event.status == Event.Status.PUBLISHED and not _has_place(event):
        add(
            "venue",
            _("Un événement publié doit garder un lieu, une adresse ou un lien en ligne."),
            "place_required",
        )
    if errors:
        raise ValidationError(errors)


def _check_province(*, user: User, event: Event) -> None:
    if can_place_event_in(user, event.province):
        return
    if event.province is None:
        raise ValidationError(
            {"province": _("Choisissez la province de l'événement.")}, code="required"
        )
    raise ValidationError(
        {"province": _("Vous ne gérez pas les événements de cette province.")}, code="forbidden"
    )


def _record(event: Event, *, user: User, reason: str) -> None:
    """Who acts and why: the reason staff gave, else the service's own word."""
    event._history_user = user  # type: ignore[attr-defined]
    event._change_reason = reason[:CHANGE_REASON_MAX_LENGTH]  # type: ignore[attr-defined]


def default_organiser() -> Organisation | None:
    """Who organises an event created without an organiser (by an officer, or by staff who left
    it empty): the Cellule (``EVENTS_DEFAULT_ORGANISER_SLUG``); None if that row is absent."""
    return Organisation.objects.filter(slug=settings.EVENTS_DEFAULT_ORGANISER_SLUG).first()


@transaction.atomic
def event_create(*, user: User, data: Mapping[str, Any], reason: str = "") -> Event:
    """A new draft in one of this person's provinces (or Wallonia-wide, for staff), organised
    by the Cellule unless staff chose another organisation."""
    if not can_create_event(user):
        raise PermissionDenied(_("Vous ne pouvez pas créer d'événement."))
    event = Event(status=Event.Status.DRAFT, created_by=user)
    model_assign(event, fields=_fields_for(user, data), data=data)
    if event.organiser_id is None:
        event.organiser = default_organiser()
    _check_province(user=user, event=event)
    if event.slug:
        _check_chosen_slug(event)
    else:
        event.slug = _slug_for(event)
    _validate(event, user=user, confirm_outside_wallonia=bool(data.get("confirm_outside_wallonia")))
    _record(event, user=user, reason=reason or _("Création"))
    event.save()
    return event


@transaction.atomic
def event_update(*, user: User, event: Event, data: Mapping[str, Any], reason: str = "") -> Event:
    """Change what the form holds. A new title or day gives a new slug; the old address
    redirects to the new one (``EventFormerSlug``), so links already sent keep working."""
    # The stored row decides, not the object passed in (a form may have changed it already).
    event = model_locked(event)
    if not can_edit_event(user, event):
        raise PermissionDenied(_("Vous ne pouvez pas modifier cet événement."))
    old_slug, old_day = event.slug, _local_day(event.start)
    changed = model_assign(event, fields=_fields_for(user, data), data=data)
    _check_province(user=user, event=event)
    _validate(event, user=user, confirm_outside_wallonia=bool(data.get("confirm_outside_wallonia")))
    _readdress(event, old_slug=old_slug, changed=changed, old_day=old_day)
    _record(event, user=user, reason=reason or _("Modification"))
    # Only a new time or place moves the event in its registrants' calendars.
    changes = [name for name in CHANGE_FIELDS if name in changed]
    if changes:
        # The row is locked: +1 in the same save cannot lose a concurrent raise.
        event.sequence += 1
    event.save()
    if changes and event.status == Event.Status.PUBLISHED and not event.is_past:
        # Written to the outbox in this transaction: the notice commits with the change.
        event_changed_notify(event=event, changes=changes)
    # More seats, or a looser cap per project: the first in line take them now.
    registrations_promote_waiting(event=event)
    return event


@transaction.atomic
def event_publish(*, user: User, event: Event, reason: str = "") -> Event:
    """Make a draft public: it shows on the public pages at once."""
    event = model_locked(event)
    if not can_manage_event(user, event):
        raise PermissionDenied(_("Vous ne pouvez pas publier cet événement."))
    if event.status == Event.Status.PUBLISHED:
        raise ValidationError(_("Cet événement est déjà publié."), code="already_published")
    if event.status == Event.Status.CANCELLED:
        raise ValidationError(
            _("Un événement annulé ne peut pas être publié à nouveau : copiez-le plutôt."),
            code="cancelled",
        )
    if not can_publish_event(user, event):
        raise PermissionDenied(_("Vous ne pouvez pas publier cet événement."))
    if not _has_place(event):
        raise ValidationError(
            _("Indiquez un lieu ou un lien en ligne avant de publier."), code="place_required"
        )
    event.status = Event.Status.PUBLISHED
    _validate(event, user=user, confirm_outside_wallonia=True)
    _record(event, user=user, reason=reason or _("Publication"))
    event.save()
    # In this transaction: what the receivers queue (emails) commits with the publication.
    event_published.send(sender=Event, event=event, user=user)
    return event


@transaction.atomic
def event_cancel(*, user: User, event: Event, reason: str = "") -> Event:
    """Cancel a published, not yet past event; it stays on the public pages, marked cancelled."""
    event = model_locked(event)
    if not can_manage_event(user, event):
        raise PermissionDenied(_("Vous ne pouvez pas annuler cet événement."))
    if event.status == Event.Status.DRAFT:
        raise ValidationError(
            _("Un brouillon n'est pas public : il n'y a rien à annuler."), code="draft"
        )
    if event.status == Event.Status.CANCELLED:
        raise ValidationError(_("Cet événement est déjà annulé."), code="already_cancelled")
    if event.is_past:
        raise ValidationError(
            _("Cet événement a déjà eu lieu : il ne peut plus être annulé."), code="past"
        )
    if not can_cancel_event(user, event):
        raise PermissionDenied(_("Vous ne pouvez pas annuler cet événement."))
    event.status = Event.Status.CANCELLED
    # The CANCEL invitations replace the copy in calendars: RFC 5546 wants a higher SEQUENCE.
    event.sequence += 1
    _record(event, user=user, reason=reason or _("Annulation"))
    event.save()
    event_cancelled_notify(event=event)
    return event


@transaction.atomic
def event_copy(*, user: User, event: Event) -> Event:
    """A new draft with the same fields, to be edited (its dates are kept on purpose)."""
    event = Event.objects.get(pk=event.pk)
    if not can_copy_event(user, event):
        raise PermissionDenied(_("Vous ne pouvez pas copier cet événement."))
    copy = Event(status=Event.Status.DRAFT, created_by=user)
    for name in COPIED_FIELDS:
        setattr(copy, name, getattr(event, name))
    copy.title = f"{event.title[: TITLE_MAX_LENGTH - len(COPY_SUFFIX)].rstrip()}{COPY_SUFFIX}"
    copy.slug = _slug_for(copy)
    # The original passed its checks when it was saved; a point outside Wallonia confirmed by
    # staff then stays confirmed in its copy.
    copy.full_clean()
    _record(copy, user=user, reason=_("Copie de « %(title)s »") % {"title": event.title})
    copy.save()
    return copy


@transaction.atomic
def event_unpublish(*, user: User, event: Event, reason: str = "") -> Event:
    """Back to a draft, while nobody is registered (registrants would lose it without a word:
    cancelling tells them)."""
    event = model_locked(event)
    if not can_manage_event(user, event):
        raise PermissionDenied(_("Vous ne pouvez pas modifier cet événement."))
    if event.status == Event.Status.DRAFT:
        raise ValidationError(_("Cet événement est déjà un brouillon."), code="draft")
    if event.status == Event.Status.CANCELLED:
        raise ValidationError(
            _("Un événement annulé le reste : copiez-le pour le reprogrammer."), code="cancelled"
        )
    if registrations_active(event=event).exists():
        raise ValidationError(
            _(
                "Des personnes sont inscrites : annulez l'événement plutôt que de le repasser "
                "en brouillon, elles en seront averties."
            ),
            code="has_registrations",
        )
    event.status = Event.Status.DRAFT
    _record(event, user=user, reason=reason or _("Retour en brouillon"))
    event.save()
    return event


@transaction.atomic
def event_delete(*, user: User, event: Event) -> None:
    """Delete for good an event nobody is registered to.

    With confirmed or waiting registrations it is refused: they hold an invitation in their
    calendar, which only a cancellation (``event_cancel``, with its notice) takes back, and
    the registrations are the record of who came.
    """
    event = model_locked(event)
    if not can_manage_event(user, event):
        raise PermissionDenied(_("Vous ne pouvez pas supprimer cet événement."))
    count = registrations_active(event=event).count()
    if count:
        raise ValidationError(
            ngettext(
                "« %(title)s » a %(count)d inscription : annulez-le plutôt (la personne en "
                "sera avertie) ; il restera dans l'historique.",
                "« %(title)s » a %(count)d inscriptions : annulez-le plutôt (les personnes en "
                "seront averties) ; il restera dans l'historique.",
                count,
            )
            % {"title": event.title, "count": count},
            code="has_registrations",
        )
    event.delete()


@transaction.atomic
def event_save(
    *, user: User, event: Event | None, data: Mapping[str, Any], reason: str = ""
) -> Event:
    """Create or change an event and bring it to ``data["status"]``, as one change.

    For a form that holds the status with the other fields (the admin's). Each step is the
    service above, with its checks and its emails: a new time or place is told to registrants
    with a raised SEQUENCE, a cancellation with METHOD:CANCEL, more seats promote those waiting.
    A cancellation comes before the other changes, so that registrants hear of it alone.
    """
    status = data.get("status")
    if event is None:
        event = event_create(user=user, data=data, reason=reason)
    else:
        if (
            status == Event.Status.CANCELLED
            and model_locked(event).status != Event.Status.CANCELLED
        ):
            event = event_cancel(user=user, event=event, reason=reason)
        event = event_update(user=user, event=event, data=data, reason=reason)
    if status and status != event.status:
        if status == Event.Status.PUBLISHED:
            event = event_publish(user=user, event=event, reason=reason)
        elif status == Event.Status.CANCELLED:
            event = event_cancel(user=user, event=event, reason=reason)
        elif status == Event.Status.DRAFT:
            event = event_unpublish(user=user, event=event, reason=reason)
    return event
