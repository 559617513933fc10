"""Why an api service refused, and the codes of the API's own problem details."""

from django.db import models


class ApiErrorCode(models.TextChoices):
    PERMISSION_DENIED = "permission_denied", "Only the MP's User Security Administrator manages its API keys"
    SCOPES_REQUIRED = "scopes_required", "A key needs at least one scope"
    UNKNOWN_SCOPE = "unknown_scope", "Unknown scope"
    EXPIRY_IN_PAST = "expiry_in_past", "The expiry must be in the future"
    ALREADY_REVOKED = "already_revoked", "The key is already revoked"
    EVENTS_REQUIRED = "events_required", "A webhook endpoint needs at least one event"
    UNKNOWN_EVENT = "unknown_event", "Unknown webhook event"
    INSECURE_URL = "insecure_url", "A webhook endpoint needs an https:// URL"
    ALREADY_ENABLED = "already_enabled", "The webhook endpoint is already enabled"
    ALREADY_DISABLED = "already_disabled", "The webhook endpoint is already disabled"
    ENDPOINT_DISABLED = "endpoint_disabled", "The webhook endpoint is disabled"
    DELIVERY_IN_FLIGHT = "delivery_in_flight", "The delivery is being sent right now"
    NOT_AUTHENTICATED = "not_authenticated", "No valid API key"
    SCOPE_MISSING = "scope_missing", "The key lacks the scope this call needs"
    NOT_FOUND = "not_found", "Not found"
    INVALID = "invalid", "The request is not valid"
    THROTTLED = "throttled", "Too many requests"
    METHOD_NOT_ALLOWED = "method_not_allowed", "Method not allowed"
    NOT_ACCEPTABLE = "not_acceptable", "Not acceptable"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type", "Unsupported media type"
    ERROR = "error", "The request failed"
