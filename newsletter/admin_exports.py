"""The subscribers' admin list exports as CSV or XLSX (``portal.admin_exports``), staff only,
with a warning about personal data before the download."""

from __future__ import annotations

from newsletter.resources import SubscriberResource
from portal.admin_exports import SpreadsheetExportMixin


class SubscriberExportMixin(SpreadsheetExportMixin):
    export_resource_class = SubscriberResource
    export_filename = "abonnes-lettre"
    export_personal_data = True
