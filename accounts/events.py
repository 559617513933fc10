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
