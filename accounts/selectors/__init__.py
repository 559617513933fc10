"""accounts selectors, one module per area; import from here."""

from .history import participant_history, security_history
from .participants import (
    account_managers_with_book_size,
    assignment_history,
    current_manager,
    memberships_for_user,
    participant_contacts,
    participant_get_for_user,
    participant_ids_for_user,
    participant_list,
    participants_for_user,
    scope_to_user,
    with_current_manager,
)
from .second_factor import second_factor_user_ids
from .sessions import SignedInBrowser, signed_in_browsers

__all__ = [
    "SignedInBrowser",
    "signed_in_browsers",
    "participant_history",
    "security_history",
    "participants_for_user",
    "participant_ids_for_user",
    "participant_get_for_user",
    "scope_to_user",
    "with_current_manager",
    "current_manager",
    "participant_list",
    "participant_contacts",
    "assignment_history",
    "memberships_for_user",
    "account_managers_with_book_size",
    "second_factor_user_ids",
]
