"""Registration services, one module per concern: drafting and submitting an application (``applications``),
its documents (``documents``), the staff review and approval (``review``), the registration facts (``facts``),
inviting a potential MP (``invitations``) and review reminders (``reminders``); ``common`` holds what they share.

Keyword-only, transactional, audited. Approval applies the change to the MP through the accounts services, so the
MP's own audit timeline shows it. The names below are re-exported for callers outside the app (tests, seed data);
the app's own modules import from the module that defines them."""

from .applications import (
    application_start,
    application_submit,
    application_update,
    application_withdraw,
    completeness_refusal,
    contact_change_add,
)
from .common import (
    ATTESTATION,
    authorized_representatives,
    business_days_left,
    can_attest,
    missing_lines,
    required_requirement_ids,
    review_due_on,
)
from .documents import document_review, document_upload
from .facts import puct_record, qse_acknowledgement_record, qse_load_qualification_record, sfa_record
from .invitations import potential_participant_invite
from .reminders import application_send_reminders
from .review import application_approve, application_reject, application_request_info, application_start_review

__all__ = [
    "application_start",
    "application_submit",
    "application_update",
    "application_withdraw",
    "completeness_refusal",
    "contact_change_add",
    "ATTESTATION",
    "authorized_representatives",
    "business_days_left",
    "can_attest",
    "missing_lines",
    "required_requirement_ids",
    "review_due_on",
    "document_review",
    "document_upload",
    "puct_record",
    "qse_acknowledgement_record",
    "qse_load_qualification_record",
    "sfa_record",
    "potential_participant_invite",
    "application_send_reminders",
    "application_approve",
    "application_reject",
    "application_request_info",
    "application_start_review",
]
