"""Writes of the newsletter; each module's public names are re-exported here (``x as x``: an
explicit re-export, so each module appends its own lines)."""

from newsletter.services.drafts import issue_fill_draft as issue_fill_draft
from newsletter.services.progress import Progress as Progress
from newsletter.services.progress import issue_progress as issue_progress
from newsletter.services.rendering import RenderedIssue as RenderedIssue
from newsletter.services.rendering import issue_render as issue_render
from newsletter.services.sending import issue_send_batch as issue_send_batch
from newsletter.services.sending import issue_send_start as issue_send_start
from newsletter.services.sending import issue_send_test as issue_send_test
from newsletter.services.subscriptions import SOURCE_ESPACE as SOURCE_ESPACE
from newsletter.services.subscriptions import SOURCE_FOOTER as SOURCE_FOOTER
from newsletter.services.subscriptions import SOURCE_PAGE as SOURCE_PAGE
from newsletter.services.subscriptions import SOURCE_RESUBSCRIBE as SOURCE_RESUBSCRIBE
from newsletter.services.subscriptions import email_normalise as email_normalise
from newsletter.services.subscriptions import (
    member_email_verified as member_email_verified,
)
from newsletter.services.subscriptions import subscriber_confirm as subscriber_confirm
from newsletter.services.subscriptions import (
    subscriber_for_confirmation as subscriber_for_confirmation,
)
from newsletter.services.subscriptions import subscriber_for_token as subscriber_for_token
from newsletter.services.subscriptions import subscriber_of_member as subscriber_of_member
from newsletter.services.subscriptions import subscriber_request as subscriber_request
from newsletter.services.subscriptions import (
    subscriber_resubscribe as subscriber_resubscribe,
)
from newsletter.services.subscriptions import (
    subscriber_subscribe_member as subscriber_subscribe_member,
)
from newsletter.services.subscriptions import (
    subscriber_unsubscribe as subscriber_unsubscribe,
)
from newsletter.services.subscriptions import (
    subscriber_unsubscribe_member as subscriber_unsubscribe_member,
)
from newsletter.services.subscriptions import (
    subscriber_update_interests as subscriber_update_interests,
)
