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
    DISPUTE_DEADLINE_REMINDED = "dispute_deadline.reminded", "Dispute deadline reminder queued"
    INBOUND_REPROCESSED = "inbound_message.reprocessed", "Inbound email processed again"
    INCIDENT_CASE_LINKED = "incident.case_linked", "Case linked to incident"
    INCIDENT_CASE_UNLINKED = "incident.case_unlinked", "Case unlinked from incident"
    INCIDENT_CONFIRMED = "incident.confirmed", "Incident confirmed"
    INCIDENT_DISMISSED = "incident.dismissed", "Incident dismissed"
    INCIDENT_PROPOSED = "incident.proposed", "Incident proposed"
    INCIDENT_REPLIED = "incident.replied", "Incident answered on every linked case"
    INCIDENT_RESOLVED = "incident.resolved", "Incident resolved"
    CASE_SURVEY_ANSWERED = "case.survey_answered", "Satisfaction survey answered"
    CASE_SURVEY_SENT = "case.survey_sent", "Satisfaction survey sent"
    DISPUTE_DAYS_DECIDED = "dispute.days_decided", "Dispute days decided"
    DISPUTES_BULK_FILED = "dispute.bulk_filed", "Disputes filed from a file"
    NOTIFICATION_PREFERENCES_UPDATED = "notification_preferences.updated", "Notification preferences updated"
    PATTERN_DISMISSED = "pattern.dismissed", "Pattern dismissed"
    PATTERN_RAISED = "pattern.raised", "Pattern raised"
    SETTLEMENT_CALENDAR_LOADED = "settlement_calendar.loaded", "Settlement calendar loaded"


class DecisionEvent(models.TextChoices):
    """The dispute decision loop and ADR (``cases.services.decisions``)."""

    DECISION_OFFERED = "dispute.decision_offered", "Decision offered to the participant"
    DECISION_FINAL = "dispute.decision_final", "Decision final (granted)"
    DECISION_ACCEPTED = "dispute.decision_accepted", "Decision accepted"
    DECISION_ACCEPTED_BY_DEFAULT = "dispute.decision_lapsed", "Decision stands (no answer in the window)"
    DECISION_REJECTED = "dispute.decision_rejected", "Decision rejected: back for further review"
    ADR_REQUESTED = "dispute.adr_requested", "Decision rejected again: alternative dispute resolution requested"
    ADR_RECORDED = "dispute.adr_recorded", "ADR record updated"
    MARKET_EFFECT_SET = "dispute.market_effect_set", "Market-wide financial effect changed"
