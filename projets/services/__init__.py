"""Writes on projects: staff's confirmation and CSV import (``imports``), the requests to join a
project and their decision (``join_requests``), and the edit of a project's page (``pages``)."""

from projets.services.imports import (
    MAX_IMPORT_BYTES,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    ImportReport,
    project_confirm_many,
    project_import_csv,
)
from projets.services.join_requests import (
    JOIN_MESSAGE_MAX_LENGTH,
    join_request_approve,
    join_request_create,
    join_request_decline,
    join_request_refusal,
)
from projets.services.memberships import membership_add, membership_remove
from projets.services.pages import (
    CHANGE_REASON_LEADER,
    CHANGE_REASON_STAFF,
    DESCRIPTION_MAX_LENGTH,
    PAGE_FIELDS,
    location_placed_by_hand,
    project_page_update,
)

__all__ = [
    "CHANGE_REASON_LEADER",
    "CHANGE_REASON_STAFF",
    "DESCRIPTION_MAX_LENGTH",
    "JOIN_MESSAGE_MAX_LENGTH",
    "MAX_IMPORT_BYTES",
    "OPTIONAL_COLUMNS",
    "PAGE_FIELDS",
    "REQUIRED_COLUMNS",
    "ImportReport",
    "join_request_approve",
    "join_request_create",
    "join_request_decline",
    "join_request_refusal",
    "location_placed_by_hand",
    "membership_add",
    "membership_remove",
    "project_confirm_many",
    "project_import_csv",
    "project_page_update",
]
