"""Why a notices service refused: the ``code`` of its ``DomainError``."""

from django.db import models


class NoticeErrorCode(models.TextChoices):
    INVALID = "invalid", "The notice details are not valid"
    PERMISSION_DENIED = "permission_denied", "Not allowed for this person"
    NOT_A_DRAFT = "not_a_draft", "Only a draft can be changed"
    UNKNOWN_FIELD = "unknown_field", "A field that cannot be changed"
    REASON_REQUIRED = "reason_required", "A reason is required"
    SAME_APPROVER = "same_approver", "The approver must differ from the author"
    INVALID_SCHEDULE = "invalid_schedule", "The publication time is not valid"
    THREAD_UNAVAILABLE = "thread_unavailable", "The notice thread could not be opened"
    NOT_PUBLISHED = "not_published", "Only a published notice allows this"
    FOLLOW_UP_REQUIRED = "follow_up_required", "Neither update nor cancellation chosen"
    THREAD_CANCELLED = "thread_cancelled", "The notice thread was cancelled"
    LIST_NOT_PUBLIC = "list_not_public", "The distribution list is not open to public subscription"
    INVALID_LINK = "invalid_link", "The link is not valid"
    EXPIRED_LINK = "expired_link", "The link has expired"
    NOT_ACKNOWLEDGEABLE = "not_acknowledgeable", "The notice asks for no acknowledgement"
