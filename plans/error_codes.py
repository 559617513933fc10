"""Why a plans service refused: the ``code`` of its ``DomainError``."""

from django.db import models


class PlanErrorCode(models.TextChoices):
    INVALID = "invalid", "The details are not valid"
    PERMISSION_DENIED = "permission_denied", "Not allowed for this person"
    INVALID_PERSON = "invalid_person", "The person chosen cannot take this part"
    OTHER_PARTICIPANT = "other_participant", "The linked object belongs to another Market Participant"
    STATUS_REQUIRED = "status_required", "No status chosen"
    ALREADY_IN_STATUS = "already_in_status", "Already in that status"
    DESCRIPTION_REQUIRED = "description_required", "A description or reason is required"
    CHANNEL_REQUIRED = "channel_required", "How the feedback was received is missing"
    INVALID_RATING = "invalid_rating", "The rating is not from 1 to 5"
    INVALID_TIMES = "invalid_times", "The meeting must end after it starts"
    MEETING_CLOSED = "meeting_closed", "The meeting can no longer be changed"
    MINUTES_REQUIRED = "minutes_required", "The minutes are missing"
    INVALID_EMAIL = "invalid_email", "Not an email address"
