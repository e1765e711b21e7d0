"""Writes of the newsletter; each module's public names are re-exported here (``x as x``: an
explicit re-export, so each module appends its own lines)."""

from portal.newsletter.services.sending import Progress as Progress
from portal.newsletter.services.sending import RenderedIssue as RenderedIssue
from portal.newsletter.services.sending import issue_fill_draft as issue_fill_draft
from portal.newsletter.services.sending import issue_progress as issue_progress
from portal.newsletter.services.sending import issue_render as issue_render
from portal.newsletter.services.sending import issue_send_batch as issue_send_batch
from portal.newsletter.services.sending import issue_send_start as issue_send_start
from portal.newsletter.services.sending import issue_send_test as issue_send_test
from portal.newsletter.services.subscriptions import SOURCE_ESPACE as SOURCE_ESPACE
from portal.newsletter.services.subscriptions import SOURCE_FOOTER as SOURCE_FOOTER
from portal.newsletter.services.subscriptions import SOURCE_PAGE as SOURCE_PAGE
from portal.newsletter.services.subscriptions import SOURCE_RESUBSCRIBE as SOURCE_RESUBSCRIBE
from portal.newsletter.services.subscriptions import email_normalise as email_normalise
from portal.newsletter.services.subscriptions import (
    member_email_verified as member_email_verified,
)
from portal.newsletter.services.subscriptions import subscriber_confirm as subscriber_confirm
from portal.newsletter.services.subscriptions import (
    subscriber_for_confirmation as subscriber_for_confirmation,
)
from portal.newsletter.services.subscriptions import subscriber_for_token as subscriber_for_token
from portal.newsletter.services.subscriptions import subscriber_of_member as subscriber_of_member
from portal.newsletter.services.subscriptions import subscriber_request as subscriber_request
from portal.newsletter.services.subscriptions import (
    subscriber_resubscribe as subscriber_resubscribe,
)
from portal.newsletter.services.subscriptions import (
    subscriber_subscribe_member as subscriber_subscribe_member,
)
from portal.newsletter.services.subscriptions import (
    subscriber_unsubscribe as subscriber_unsubscribe,
)
from portal.newsletter.services.subscriptions import (
    subscriber_unsubscribe_member as subscriber_unsubscribe_member,
)
from portal.newsletter.services.subscriptions import (
    subscriber_update_interests as subscriber_update_interests,
)
