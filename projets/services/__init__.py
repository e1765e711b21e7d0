"""Writes on projects: staff's confirmation and the creation of an import's rows (``imports``),
the requests to join a project and their decision (``join_requests``), and the edit of a
project's page (``pages``)."""

from projets.services.imports import project_confirm_many, project_create_many
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
    project_page_update,
)

__all__ = [
    "CHANGE_REASON_LEADER",
    "CHANGE_REASON_STAFF",
    "DESCRIPTION_MAX_LENGTH",
    "JOIN_MESSAGE_MAX_LENGTH",
    "PAGE_FIELDS",
    "join_request_approve",
    "join_request_create",
    "join_request_decline",
    "join_request_refusal",
    "membership_add",
    "membership_remove",
    "project_confirm_many",
    "project_create_many",
    "project_page_update",
]
