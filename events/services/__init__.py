"""Writes on events: the events themselves from the officers' space and the admin (``events``,
with their addresses in ``addresses``), the registrations and the waiting list
(``registrations``, on the seats of ``seats``), and what staff do to a registration
(``registrations_staff``)."""

from events.services.events import (
    DESCRIPTION_MAX_LENGTH,
    EDITABLE_FIELDS,
    default_organiser,
    event_cancel,
    event_copy,
    event_create,
    event_delete,
    event_publish,
    event_save,
    event_unpublish,
    event_update,
)
from events.services.registrations import (
    ORGANISATION_MAX_LENGTH,
    REMARKS_MAX_LENGTH,
    registration_cancel,
    registration_create,
    registration_lock_event,
    registration_seat_released,
    registration_waiting_position,
    registrations_promote_waiting,
)
from events.services.registrations_staff import registration_delete, registration_status_change

__all__ = [
    "DESCRIPTION_MAX_LENGTH",
    "EDITABLE_FIELDS",
    "ORGANISATION_MAX_LENGTH",
    "REMARKS_MAX_LENGTH",
    "default_organiser",
    "event_cancel",
    "event_copy",
    "event_create",
    "event_delete",
    "event_publish",
    "event_save",
    "event_unpublish",
    "event_update",
    "registration_cancel",
    "registration_create",
    "registration_delete",
    "registration_lock_event",
    "registration_seat_released",
    "registration_status_change",
    "registration_waiting_position",
    "registrations_promote_waiting",
]
