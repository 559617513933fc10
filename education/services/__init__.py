"""Education services (writes). Courses and sessions: ``sessions``, ``enrolment``."""

from .enrolment import (
    attendance_record,
    enrolment_cancel,
    enrolment_enrol,
    enrolment_send_reminders,
    promote_waitlisted,
    recommendation_record,
)
from .sessions import SessionInput, session_cancel, session_ics, session_schedule, session_update

__all__ = [
    "SessionInput",
    "attendance_record",
    "enrolment_cancel",
    "enrolment_enrol",
    "enrolment_send_reminders",
    "promote_waitlisted",
    "recommendation_record",
    "session_cancel",
    "session_ics",
    "session_schedule",
    "session_update",
]
