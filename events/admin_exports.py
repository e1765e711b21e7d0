"""The events' and registrations' admin lists export as CSV or XLSX (``portal.admin_exports``).

The registrations of one event: filter the registrations' list by that event, then export."""

from __future__ import annotations

from events.resources import EventResource, RegistrationResource
from portal.admin_exports import SpreadsheetExportMixin


class EventExportMixin(SpreadsheetExportMixin):
    export_resource_class = EventResource
    export_filename = "evenements"


class RegistrationExportMixin(SpreadsheetExportMixin):
    export_resource_class = RegistrationResource
    export_filename = "inscriptions"
    # Names, e-mail addresses, presence and remarks (health or diet needs, at times).
    export_personal_data = True
