"""accounts services, one module per area; import from here."""

from .access import (
    participant_second_factor_set,
    person_reinstate,
    person_remove,
    person_roles_change,
    person_suspend,
    portal_access_ensure,
)
from .access_reviews import access_review_close, access_review_confirm, access_review_open, access_reviews_run
from .invitations import invitation_accept, invitation_for_token, invitation_revoke, invitation_send
from .participants import (
    ParticipantInput,
    account_manager_assign,
    account_manager_create,
    account_manager_reassign_book,
    membership_add,
    membership_end,
    participant_create,
    participant_set_status,
    participant_update,
)
from .summary import (
    SummaryDrift,
    participant_summaries_rebuild,
    participant_summaries_roll,
    participant_summary_refresh,
)

__all__ = [
    "invitation_accept",
    "invitation_for_token",
    "invitation_revoke",
    "invitation_send",
    "participant_second_factor_set",
    "person_reinstate",
    "person_remove",
    "person_roles_change",
    "person_suspend",
    "portal_access_ensure",
    "access_review_close",
    "access_review_confirm",
    "access_review_open",
    "access_reviews_run",
    "ParticipantInput",
    "participant_create",
    "participant_update",
    "participant_set_status",
    "account_manager_assign",
    "account_manager_reassign_book",
    "account_manager_create",
    "membership_add",
    "membership_end",
    "SummaryDrift",
    "participant_summary_refresh",
    "participant_summaries_roll",
    "participant_summaries_rebuild",
]
