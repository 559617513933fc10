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
    PERMISSION_DENIED = "permission_denied", "Only the MP's User Security Administrator may do this"
    ROLE_NOT_GRANTABLE = "role_not_grantable", "The USA does not grant that role"
    ROLES_REQUIRED = "roles_required", "At least one role is required"
    LAST_SECURITY_ADMINISTRATOR = "last_security_administrator", "The MP must keep an active USA"
    ALREADY_HAS_ACCESS = "already_has_access", "The person already has access"
    AUTHORIZING_ROLE_HELD = "authorizing_role_held", "AR and BAR change through registration"
    INVITATION_NOT_PENDING = "invitation_not_pending", "The invitation is used, revoked or expired"
    INVITATION_OTHER_ACCOUNT = "invitation_other_account", "The invitation is for another email address"
    ACCOUNT_EXISTS = "account_exists", "An account exists for the address: sign in to accept"
    INVALID_TRANSITION_ACCESS = "invalid_access_transition", "The access cannot move to that status"
    NOT_A_PERSON_HERE = "not_a_person_here", "The person has no access at this MP"
    REVIEW_CLOSED = "review_closed", "The access review is closed"
