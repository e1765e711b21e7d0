"""The events' and registrations' admin lists export as CSV or XLSX (``portal.admin_exports``).

The registrations of some events: the events' action "Exporter leurs inscriptions" opens the
registrations' export filtered on them (or filter the registrations' list, then export)."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from events.resources import EventResource, RegistrationResource
from portal.admin_exports import SpreadsheetExportMixin


class EventExportMixin(SpreadsheetExportMixin):
    export_resource_class = EventResource
    export_filename = "evenements"

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if request.user.has_perm("events.view_registration"):
            actions["export_registrations"] = (
                EventExportMixin.export_registrations,
                "export_registrations",
                _("Exporter leurs inscriptions (CSV ou XLSX)"),
            )
        return actions

    def export_registrations(self, request: HttpRequest, queryset: Any) -> HttpResponseRedirect:
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        site = cast(Any, self).admin_site.name
        return HttpResponseRedirect(
            reverse(f"{site}:events_registration_export") + f"?event__id__in={ids}"
        )


class RegistrationExportMixin(SpreadsheetExportMixin):
    export_resource_class = RegistrationResource
    export_filename = "inscriptions"
    # Names, e-mail addresses, presence and remarks (health or diet needs, at times).
    export_personal_data = True
