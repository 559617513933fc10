"""Why an api service refused, and the codes of the API's own problem details."""

from django.db import models


class ApiErrorCode(models.TextChoices):
    PERMISSION_DENIED = "permission_denied", "Only the MP's User Security Administrator manages its API keys"
    SCOPES_REQUIRED = "scopes_required", "A key needs at least one scope"
    UNKNOWN_SCOPE = "unknown_scope", "Unknown scope"
    EXPIRY_IN_PAST = "expiry_in_past", "The expiry must be in the future"
    ALREADY_REVOKED = "already_revoked", "The key is already revoked"
    NOT_STAFF = "not_staff", "A staff key is for an active staff user"
    SECOND_FACTOR_REQUIRED = "second_factor_required", "A staff key is for a user with a second factor"
    STAFF_SCOPE = "staff_scope", "A staff key reads only"
    STAFF_KEY_READ_ONLY = "staff_key_read_only", "A staff key makes no change"
    PARTICIPANT_REQUIRED = "participant_required", "A staff key's call names the Market Participant"
    NOT_AUTHENTICATED = "not_authenticated", "No valid API key"
    SCOPE_MISSING = "scope_missing", "The key lacks the scope this call needs"
    NOT_FOUND = "not_found", "Not found"
    INVALID = "invalid", "The request is not valid"
    THROTTLED = "throttled", "Too many requests"
    METHOD_NOT_ALLOWED = "method_not_allowed", "Method not allowed"
    NOT_ACCEPTABLE = "not_acceptable", "Not acceptable"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type", "Unsupported media type"
    IDEMPOTENCY_KEY_IN_USE = "idempotency_key_in_use", "A request with this Idempotency-Key is still running"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused", "The Idempotency-Key was used for a different request"
    ERROR = "error", "The request failed"
