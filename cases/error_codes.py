"""Why a cases service refused: the ``code`` of its ``DomainError`` (the message is for people, this for code)."""

from django.db import models


class CaseErrorCode(models.TextChoices):
    INVALID = "invalid", "The case or dispute details are not valid"
    PERMISSION_DENIED = "permission_denied", "Not allowed for this person"
    PARTICIPANT_REQUIRED = "participant_required", "No Market Participant chosen"
    PARTICIPANT_NOT_REGISTERED = "participant_not_registered", "The Market Participant is not registered yet"
    NO_DISPUTE_WINDOW = "no_dispute_window", "No dispute window configured for the statement type"
    DOCUMENT_DATE_REQUIRED = "document_date_required", "The date the filing window counts from is missing"
    DISPUTE_DETAILS_REQUIRED = "dispute_details_required", "Operating Day, statement, charge type or amount missing"
    FILING_DEADLINE_PASSED = "filing_deadline_passed", "The dispute filing deadline has passed"
    MESSAGE_REQUIRED = "message_required", "An empty message"
    CASE_CLOSED = "case_closed", "The case is closed for this action"
    ALREADY_IN_STATUS = "already_in_status", "The case is already in that status"
    INVALID_TRANSITION = "invalid_transition", "The case cannot move to that status"
    REOPEN_WINDOW_PASSED = "reopen_window_passed", "Too late to reopen"
    REASON_REQUIRED = "reason_required", "A reason is required"
    OUTCOME_REQUIRED = "outcome_required", "The dispute outcome is missing"
    EXPLANATION_REQUIRED = "explanation_required", "The explanation or resolution summary is missing"
    INVALID_ASSIGNEE = "invalid_assignee", "Cases go to Client Services staff only"
    ESCALATION_TARGET_REQUIRED = "escalation_target_required", "No person or group to escalate to"
    SAME_CASE = "same_case", "A case cannot be merged into or linked to itself"
    DIFFERENT_PARTICIPANT = "different_participant", "The cases belong to different Market Participants"
    NOT_A_POTENTIAL_MP_CONTACT = "not_a_potential_mp_contact", "Not a potential-MP contact waiting for its MP"
    # The dispute decision loop (cases.services.decisions).
    NO_DECISION_TO_ANSWER = "no_decision_to_answer", "The dispute has no decision awaiting an answer"
    DECISION_WINDOW_PASSED = "decision_window_passed", "Too late to accept or reject the decision"
    DECISION_PENDING = "decision_pending", "The decision awaits the participant's answer or ADR"
    INVALID_DECISION_TRANSITION = "invalid_decision_transition", "The decision loop cannot move to that state"
