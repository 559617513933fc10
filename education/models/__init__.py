"""The education app's models, one module per part: courses and sessions, the knowledge base, market rules."""

from .courses import (  # noqa: F401
    ENROLMENT_ACTIVE,
    SESSION_TRANSITIONS,
    Attendance,
    Course,
    CourseFormat,
    CourseLevel,
    CourseMaterial,
    CourseRecommendation,
    CourseSession,
    Enrolment,
    EnrolmentStatus,
    SessionStatus,
)
