"""Writes on projects: staff's confirmation and the creation of an import's rows (``imports``),
the requests to join a project and their decision (``join_requests``), the edit of a project's
page (``pages``), and the proposals of new pistes (``pistes``)."""

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
    location_placed_by_hand,
    project_page_update,
)
from projets.services.pistes import (
    PISTE_DESCRIPTION_MAX_LENGTH,
    PISTE_TITLE_MAX_LENGTH,
    piste_proposal_accept,
    piste_proposal_decline,
    piste_propose,
)

__all__ = [
    "CHANGE_REASON_LEADER",
    "CHANGE_REASON_STAFF",
    "DESCRIPTION_MAX_LENGTH",
    "JOIN_MESSAGE_MAX_LENGTH",
    "PAGE_FIELDS",
    "PISTE_DESCRIPTION_MAX_LENGTH",
    "PISTE_TITLE_MAX_LENGTH",
    "join_request_approve",
    "join_request_create",
    "join_request_decline",
    "join_request_refusal",
    "location_placed_by_hand",
    "membership_add",
    "membership_remove",
    "piste_proposal_accept",
    "piste_proposal_decline",
    "piste_propose",
    "project_confirm_many",
    "project_create_many",
    "project_page_update",
]
