"""Qualification services (seed 004 as software), one module per concern: flights (``flights``), enrollment
(``enrollments``), testing results (``results``), the criteria gate (``criteria``), letters and their delivery
(``letters``), and what follows a new MP's letter: the certificate (``onboarding``) and production connectivity
(``connectivity``).

The names below are re-exported for callers outside the app (tests, seed data); the app's own modules import from
the module that defines them."""

from .connectivity import (
    connectivity_spec_update,
    connectivity_test_record,
    connectivity_ticket_copies,
    connectivity_ticket_draft,
    connectivity_ticket_submit,
)
from .criteria import Criterion, criteria_applies, criteria_evaluate, criteria_facts, letter_blockers
from .enrollments import (
    CHANGE_FROM_REGISTRATION,
    enrollment_create,
    enrollment_from_application,
    enrollment_start_testing,
    enrollment_withdraw,
)
from .flights import flight_create
from .letters import delivery_resend, enrollment_record_without_letter, letter_issue, letter_recipients
from .onboarding import certificate_advance, production_onboarding_start
from .results import result_hand_over, result_record

__all__ = [
    "connectivity_spec_update",
    "connectivity_test_record",
    "connectivity_ticket_copies",
    "connectivity_ticket_draft",
    "connectivity_ticket_submit",
    "Criterion",
    "criteria_applies",
    "criteria_evaluate",
    "criteria_facts",
    "letter_blockers",
    "CHANGE_FROM_REGISTRATION",
    "enrollment_create",
    "enrollment_from_application",
    "enrollment_start_testing",
    "enrollment_withdraw",
    "flight_create",
    "delivery_resend",
    "enrollment_record_without_letter",
    "letter_issue",
    "letter_recipients",
    "certificate_advance",
    "production_onboarding_start",
    "result_hand_over",
    "result_record",
]
