"""Why a qualification service refused: the ``code`` of its ``DomainError``."""

from django.db import models


class QualificationErrorCode(models.TextChoices):
    INVALID = "invalid", "The details are not valid"
    PERMISSION_DENIED = "permission_denied", "Not allowed for this person"
    INVALID_FLIGHT_DATES = "invalid_flight_dates", "The flight's dates are not in order"
    DUPLICATE_FLIGHT = "duplicate_flight", "A flight for that month exists"
    ALREADY_ENROLLED = "already_enrolled", "The MP is already enrolled in the flight"
    ENROLLMENT_CLOSED = "enrollment_closed", "Enrollment for the flight is closed"
    APPLICATION_NOT_APPROVED = "application_not_approved", "The registration application is not approved"
    NOTHING_TO_TEST = "nothing_to_test", "The application changes nothing that needs market testing"
    RESULTS_LOCKED = "results_locked", "Results can no longer change"
    INVALID_TRADING_PARTNER = "invalid_trading_partner", "The trading partners are missing or invalid"
    FUNCTIONS_REQUIRED = "functions_required", "The tested business functions are missing"
    TESTING_INCOMPLETE = "testing_incomplete", "No completed testing result"
    LETTER_BLOCKED = "letter_blocked", "The qualification letter cannot be generated or sent"
    LETTER_REQUIRED = "letter_required", "The change produces a letter: issue it instead"
    INVALID_TRANSITION = "invalid_transition", "The certificate cannot move to that status"
    UNKNOWN_FIELD = "unknown_field", "A field that cannot be changed"
    TICKET_ALREADY_OPEN = "ticket_already_open", "The connectivity ticket is already open"
    ALREADY_PASSED = "already_passed", "The connectivity test already passed"
    SPECIFICATIONS_REQUIRED = "specifications_required", "The connectivity specifications are not up to date"
