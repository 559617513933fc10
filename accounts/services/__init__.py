"""accounts services, one module per area; import from here."""

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
