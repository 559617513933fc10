"""What the portal says about a qualification enrollment and a registration criterion, in plain words for the MP.

Shared by the portal's qualification page (``views.portal``) and its home card (``templatetags``); no queries.
"""

from __future__ import annotations

from django.utils.formats import date_format

from .models import NO_LETTER_REASONS, ChangeKind, Enrollment, EnrollmentStatus
from .services.criteria import Criterion

# What to do next when a criterion is missing, picked by the wording of its detail.
_NEXT_STEPS = {
    "sfa": [
        (
            "not yet processed",
            "Your SFA is signed but not yet processed by ERCOT Legal. Nothing to do on your side: "
            "Legal processes it; ask your Account Manager if it takes more than a few business days.",
        ),
        ("", "Sign the Standard Form Market Participant Agreement (SFA) and upload it with your registration."),
    ],
    "puct": [
        (
            "not valid",
            "Your PUCT certification is not valid today: send ERCOT the current certificate with a "
            "Notice of Change of Information.",
        ),
        (
            "",
            "Send ERCOT your PUCT certification as soon as the Commission grants it (upload it with your registration).",
        ),
    ],
    "qse_ack": [
        (
            "not qualified to serve load",
            "The QSE you named is not qualified to serve load: name a QSE that is, or "
            "ask your QSE to complete its qualification.",
        ),
        (
            "not yet processed",
            "Your QSE Acknowledgement (Form H) is submitted but not yet processed by ERCOT Legal. "
            "Nothing to do on your side; ask your Account Manager if it takes long.",
        ),
        ("", "Submit the QSE Acknowledgement (Form H) naming the QSE that will schedule for you."),
    ],
}


def criterion_next_step(criterion: Criterion) -> str:
    if criterion.met:
        return ""
    for needle, text in _NEXT_STEPS.get(criterion.key, []):
        if needle in criterion.detail:
            return text
    return "Ask your Account Manager what is still missing."


def _day(value) -> str:
    return date_format(value, "M j, Y")


def _enrolled(enrollment: Enrollment, blocked: bool, today) -> tuple[str, str, str]:
    flight = enrollment.flight
    verb = "starts" if flight.start_date > today else "started"
    return (
        f"Enrolled in {flight} — testing {verb} {date_format(flight.start_date, 'M j')}",
        f"Testing runs {_day(flight.start_date)} to {_day(flight.end_date)}. The Flight Administrator sends the test "
        "scripts and your trading partners' details before it starts.",
        "secondary",
    )


def _testing(enrollment: Enrollment, blocked: bool, today) -> tuple[str, str, str]:
    result = getattr(enrollment, "result", None)
    if result is not None and result.completed:
        return (
            f"Testing completed on {_day(result.tested_on)}",
            "The Flight Administrator is handing your results to ERCOT Retail Operations.",
            "info",
        )
    return (
        f"Testing in {enrollment.flight} — until {date_format(enrollment.flight.end_date, 'M j')}",
        "Run the test scripts with your trading partners; the Flight Administrator records the results.",
        "primary",
    )


def _failed(enrollment: Enrollment, blocked: bool, today) -> tuple[str, str, str]:
    return (
        f"Testing not completed in {enrollment.flight}",
        "The Flight Administrator recorded that testing was not completed. Contact the Flight Administrator or "
        "your Account Manager to retest.",
        "danger",
    )


def _handed_over(enrollment: Enrollment, blocked: bool, today) -> tuple[str, str, str]:
    if not enrollment.produces_letter:
        return (
            "Testing completed — ERCOT Retail Operations is recording your change",
            NO_LETTER_REASONS[enrollment.change_kind],
            "info",
        )
    if blocked:
        return (
            "Testing completed — your letter waits for the registration criteria",
            "ERCOT Retail Operations cannot issue your qualification letter until every criterion under "
            "“Registration criteria for your letter” is met.",
            "warning",
        )
    return (
        "Testing completed — ERCOT Retail Operations is preparing your letter",
        "Your qualification letter is emailed to your Authorized Representatives when it is issued, and appears below.",
        "info",
    )


def _letter_sent(enrollment: Enrollment, blocked: bool, today) -> tuple[str, str, str]:
    letter = getattr(enrollment, "letter", None)
    if letter is None:
        return ("Qualification letter sent", "", "success")
    return (
        f"Letter {letter.number} sent on {_day(letter.issued_on)}",
        f"Qualified in production effective {_day(letter.effective_date)}.",
        "success",
    )


def _recorded(enrollment: Enrollment, blocked: bool, today) -> tuple[str, str, str]:
    if enrollment.change_kind == ChangeKind.BANKING:
        return ("Banking change recorded: no letter is issued", "A banking change is recorded only.", "success")
    if enrollment.change_kind == ChangeKind.SERVICE_PROVIDER:
        return (
            "Service provider change recorded: no letter is issued",
            "Update your production connectivity specifications; the Service Desk then schedules production "
            "connectivity testing (see Your tasks).",
            "success",
        )
    return (f"{enrollment.get_change_kind_display()} recorded: no letter is issued", "", "success")


def _withdrawn(enrollment: Enrollment, blocked: bool, today) -> tuple[str, str, str]:
    return (f"Withdrawn from {enrollment.flight}", "This enrollment no longer takes part in testing.", "secondary")


_HEADLINES = {
    EnrollmentStatus.ENROLLED: _enrolled,
    EnrollmentStatus.TESTING: _testing,
    EnrollmentStatus.FAILED: _failed,
    EnrollmentStatus.HANDED_OVER: _handed_over,
    EnrollmentStatus.LETTER_SENT: _letter_sent,
    EnrollmentStatus.RECORDED: _recorded,
    EnrollmentStatus.WITHDRAWN: _withdrawn,
}


def enrollment_headline(enrollment: Enrollment, *, blocked: bool, today) -> tuple[str, str, str]:
    """(headline, explanation, tone) in plain words for the MP; ``tone`` is a Bootstrap colour for the badge and
    border. ``blocked``: the letter waits for the registration criteria."""
    headline = _HEADLINES.get(enrollment.status)
    if headline is None:
        return (enrollment.get_status_display(), "", "secondary")
    return headline(enrollment, blocked, today)
