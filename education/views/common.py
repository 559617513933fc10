"""What the course pages share."""

from __future__ import annotations

from ..models import EnrolmentStatus, SessionStatus


def enrolment_rows(enrolments, now):
    """Mark each enrolment for the template: upcoming (may still be cancelled) and whether a certificate exists."""
    for enrolment in enrolments:
        session = enrolment.session
        enrolment.upcoming = session.starts_at > now and session.status == SessionStatus.SCHEDULED
        enrolment.may_cancel = enrolment.upcoming and enrolment.status != EnrolmentStatus.CANCELLED
    return enrolments
