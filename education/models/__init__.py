"""The education app's models, one module per part: courses and sessions, the knowledge base, market rules."""
# ruff: noqa: F401 (the parts' models, re-exported)

from .courses import (
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
from .knowledge import (
    ARTICLE_TRANSITIONS,
    Article,
    ArticleStatus,
    ArticleVisibility,
    ArticleVote,
    Deflection,
    DeflectionOutcome,
)
from .rules import (
    REVISION_TRANSITIONS,
    Citation,
    RevisionKind,
    RevisionRequest,
    RevisionStatus,
    RevisionStatusChange,
    RuleDocument,
    RuleSection,
)
