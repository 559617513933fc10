"""The audit verbs cases writes (``AuditEvent.verb``): one enum, the stored values unchanged."""

from django.db import models


class CaseEvent(models.TextChoices):
    CASE_ASSIGNED = "case.assigned", "Case assigned"
    CASE_CLONED = "case.cloned", "Case cloned"
    CASE_ESCALATED = "case.escalated", "Case escalated"
    CASE_LINKED = "case.linked", "Case linked"
    CASE_MERGED = "case.merged", "Case merged"
    CASE_MERGE_RECEIVED = "case.merge_received", "Case merge received"
    CASE_NOTE_ADDED = "case.note_added", "Case note added"
    CASE_PARTICIPANT_LINKED = "case.participant_linked", "Case linked to its Market Participant"
    CASE_REPLIED = "case.replied", "Case replied"
    CASE_SLA_CHANGED = "case.sla_changed", "Case SLA changed"
    CASE_STATUS_CHANGED = "case.status_changed", "Case status changed"
    CASE_SUBMITTED = "case.submitted", "Case submitted"
    CASE_UPDATED = "case.updated", "Case updated"
    DISPUTE_DAYS_DECIDED = "dispute.days_decided", "Dispute days decided"
    DISPUTES_BULK_FILED = "dispute.bulk_filed", "Disputes filed from a file"
    NOTIFICATION_PREFERENCES_UPDATED = "notification_preferences.updated", "Notification preferences updated"
    PATTERN_DISMISSED = "pattern.dismissed", "Pattern dismissed"
    PATTERN_RAISED = "pattern.raised", "Pattern raised"
