"""The audit verbs accounts writes (``AuditEvent.verb``): one enum, the stored values unchanged."""

from django.db import models


class AccountEvent(models.TextChoices):
    ACCOUNT_MANAGER_CREATED = "account_manager.created", "Account manager created"
    ACCOUNT_MANAGER_DEACTIVATED = "account_manager.deactivated", "Account manager deactivated"
    MEMBERSHIP_ADDED = "membership.added", "Membership added"
    MEMBERSHIP_ENDED = "membership.ended", "Membership ended"
    PARTICIPANT_ACCOUNT_MANAGER_ASSIGNED = (
        "participant.account_manager_assigned",
        "Participant account manager assigned",
    )
    PARTICIPANT_CREATED = "participant.created", "Participant created"
    PARTICIPANT_STATUS_CHANGED = "participant.status_changed", "Participant status changed"
    PARTICIPANT_UPDATED = "participant.updated", "Participant updated"
    ACCESS_REVIEW_OPENED = "access_review.opened", "Access review opened"
    ACCESS_REVIEW_CONFIRMED = "access_review.confirmed", "Access confirmed in the review"
    ACCESS_REVIEW_CLOSED = "access_review.closed", "Access review closed"
    INVITATION_SENT = "invitation.sent", "Portal invitation sent"
    INVITATION_REVOKED = "invitation.revoked", "Portal invitation revoked"
    PORTAL_ACCESS_GRANTED = "portal_access.granted", "Portal access granted"
    PORTAL_ACCESS_ROLES_CHANGED = "portal_access.roles_changed", "Portal roles changed"
    PORTAL_ACCESS_SUSPENDED = "portal_access.suspended", "Portal access suspended"
    PORTAL_ACCESS_REINSTATED = "portal_access.reinstated", "Portal access reinstated"
    PORTAL_ACCESS_REMOVED = "portal_access.removed", "Portal access removed"
    PARTICIPANT_SECOND_FACTOR_SET = "participant.second_factor_set", "Second factor requirement changed"
    USER_PASSWORD_CHANGED_IN_ADMIN = "user.password_changed_in_admin", "User password changed in admin"
    USER_SIGNED_IN = "user.signed_in", "Signed in"
    USER_SIGN_IN_FAILED = "user.sign_in_failed", "Sign-in failed"
    USER_LOCKED_OUT = "user.locked_out", "Locked out after failed sign-ins"
    USER_SESSIONS_ENDED = "user.sessions_ended", "Signed out other browsers"
    USER_PASSWORD_CHANGED = "user.password_changed", "Password changed"
    USER_PASSWORD_RESET = "user.password_reset", "Password reset by email link"
    USER_FACTOR_ADDED = "user.factor_added", "Second factor added"
    USER_FACTOR_REMOVED = "user.factor_removed", "Second factor removed"
    USER_RECOVERY_CODES_REGENERATED = "user.recovery_codes_regenerated", "Recovery codes regenerated"
    USER_SECOND_FACTOR_FAILED = "user.second_factor_failed", "Wrong second-factor code"


# The events about a person's sign-in and its protections: their own security page lists them, and each MP they act
# for shows them in its history.
SECURITY_EVENTS = frozenset(
    {
        AccountEvent.USER_SIGNED_IN,
        AccountEvent.USER_SIGN_IN_FAILED,
        AccountEvent.USER_LOCKED_OUT,
        AccountEvent.USER_SESSIONS_ENDED,
        AccountEvent.USER_PASSWORD_CHANGED,
        AccountEvent.USER_PASSWORD_RESET,
        AccountEvent.USER_PASSWORD_CHANGED_IN_ADMIN,
        AccountEvent.USER_FACTOR_ADDED,
        AccountEvent.USER_FACTOR_REMOVED,
        AccountEvent.USER_RECOVERY_CODES_REGENERATED,
        AccountEvent.USER_SECOND_FACTOR_FAILED,
    }
)
