"""Why an accounts service refused: the ``code`` of its ``DomainError``."""

from django.db import models


class AccountErrorCode(models.TextChoices):
    INVALID = "invalid", "The details are not valid"
    UNKNOWN_ROLE = "unknown_role", "Unknown market role"
    STATUS_NOT_EDITABLE_HERE = "status_not_editable_here", "The status changes through participant_set_status"
    INVALID_TRANSITION = "invalid_transition", "The participant cannot move to that status"
    INACTIVE_ACCOUNT_MANAGER = "inactive_account_manager", "The Account Manager is no longer active"
    ALREADY_ASSIGNED = "already_assigned", "The Account Manager is already assigned"
    SAME_ACCOUNT_MANAGER = "same_account_manager", "The book must go to a different Account Manager"
    REASON_REQUIRED = "reason_required", "A reason is required"
    NOT_STAFF = "not_staff", "Only operator staff can be Account Managers"
    STAFF_AS_CONTACT = "staff_as_contact", "Operator staff cannot be contacts of an MP"
    ALREADY_A_CONTACT = "already_a_contact", "The user already holds that contact role"
    SESSION_ENDED = "session_ended", "That browser is already signed out"
