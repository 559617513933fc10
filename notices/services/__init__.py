"""Market notice services, one module per concern: drafting (``drafting``), the four-eyes workflow and
publication (``workflow``), notice IDs (``ids``), recipients and the outbox (``recipients``), subscriptions and
suppressions (``subscriptions``), an address's list preferences (``preferences``) and acknowledgements
(``acknowledgements``).

The names below are re-exported for callers outside the app (tests, seed data, benchmarks); the app's own modules
import from the module that defines them."""

from .acknowledgements import notice_acknowledge
from .drafting import (
    NoticeInput,
    default_contact,
    is_publisher,
    notice_attach,
    notice_create,
    notice_detach,
    notice_follow_up,
    notice_update,
)
from .ids import notice_id_for, thread_letter
from .preferences import contact_list_opt_out_set, notice_preferences_update
from .recipients import lists_for, recipients_for
from .subscriptions import (
    CONFIRMATION_RESEND_INTERVAL,
    subscription_confirm,
    subscription_request,
    suppression_add,
    unsubscribe_by_token,
)
from .workflow import (
    notice_approve,
    notice_publish,
    notice_return_to_draft,
    notice_schedule,
    notice_submit_for_review,
    publish_due_notices,
)

__all__ = [
    "contact_list_opt_out_set",
    "notice_preferences_update",
    "NoticeInput",
    "notice_acknowledge",
    "default_contact",
    "is_publisher",
    "notice_attach",
    "notice_create",
    "notice_detach",
    "notice_follow_up",
    "notice_update",
    "notice_id_for",
    "thread_letter",
    "lists_for",
    "recipients_for",
    "CONFIRMATION_RESEND_INTERVAL",
    "subscription_confirm",
    "subscription_request",
    "suppression_add",
    "unsubscribe_by_token",
    "notice_approve",
    "notice_publish",
    "notice_return_to_draft",
    "notice_schedule",
    "notice_submit_for_review",
    "publish_due_notices",
]
