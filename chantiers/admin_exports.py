"""The chantiers' (with their steps and resources) and news' admin lists export as CSV or XLSX
(``portal.admin_exports``)."""

from __future__ import annotations

from chantiers.resources import ChantierResource, NewsResource
from portal.admin_exports import SpreadsheetExportMixin


class ChantierExportMixin(SpreadsheetExportMixin):
    export_resource_class = ChantierResource
    export_filename = "chantiers"


class NewsExportMixin(SpreadsheetExportMixin):
    export_resource_class = NewsResource
    export_filename = "actualites"
