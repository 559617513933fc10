"""The colour of every status pill, in one table: ``includes/status_badge.html`` looks a status up here.

Each kind of status (a case's, a registration's, a flight's …) maps its values to a tone (a Bootstrap badge style),
optionally an icon and, where a page says it in its own words, a label. A value the table does not name takes the
kind's ``"*"`` entry. The values are the apps' status codes as strings: this table is presentation, like the CSS.
"""

from __future__ import annotations

from dataclasses import dataclass

# Badge styles by tone: Bootstrap's text-bg-* and its subtle variants, plus two of the operator's own (static/css).
TONES = {
    "primary": "text-bg-primary",
    "primary-subtle": "bg-primary-subtle text-primary-emphasis border border-primary-subtle",
    "info": "text-bg-info",
    "success": "text-bg-success",
    "success-subtle": "bg-success-subtle text-success-emphasis border border-success-subtle",
    "warning": "text-bg-warning",
    "warning-subtle": "bg-warning-subtle text-warning-emphasis border border-warning-subtle",
    "danger": "text-bg-danger",
    "secondary": "text-bg-secondary",
    "dark": "text-bg-dark",
    "light": "text-bg-light border",
    "muted": "text-bg-light border text-muted fw-normal",
    "violet": "text-bg-violet",
    "rust": "text-bg-rust",
    # Something the reader has to do now (a portal case waiting on them, information requested from them).
    "attention": "rounded-pill text-bg-danger",
}


@dataclass(frozen=True)
class Badge:
    tone: str
    icon: str = ""  # a Bootstrap icon name, shown before the label
    label: str = ""  # replaces the status's own label

    @property
    def css(self) -> str:
        return TONES[self.tone]


B = Badge
WAITING_ON_YOU = B("attention", "reply-fill")

BADGES: dict[str, dict[str, Badge]] = {
    # accounts
    "participant": {
        "prospective": B("secondary"),
        "registering": B("primary"),
        "qualifying": B("violet"),
        "active": B("success"),
        "suspended": B("rust"),
        "*": B("dark"),
    },
    # a person's access to an MP's portal, and the quarterly access review
    "portal_access": {
        "active": B("success"),
        "suspended": B("rust", "pause-circle"),
        "removed": B("muted"),
        "*": B("dark"),
    },
    "access_review": {
        "open": B("warning", "hourglass-split"),
        "closed": B("secondary"),
        "*": B("dark"),
    },
    # cases
    "case": {
        "new": B("primary"),
        "acknowledged": B("info"),
        "in_progress": B("primary-subtle"),
        "waiting": B("warning-subtle"),
        "resolved": B("success"),
        "closed": B("secondary"),
        "*": B("dark"),
    },
    "portal_case": {
        "new": B("primary"),
        "acknowledged": B("info"),
        "in_progress": B("primary"),
        "waiting": B("attention", "reply-fill", "Waiting on you"),
        "resolved": B("success"),
        "closed": B("secondary"),
        "*": B("dark"),
    },
    "waiting_on_you": {"*": WAITING_ON_YOU},
    "priority": {
        "urgent": B("danger", "exclamation-triangle-fill"),
        "high": B("warning"),
        "normal": B("light"),
        "*": B("muted"),
    },
    "sla": {
        "breached": B("danger", "x-octagon-fill"),
        "at_risk": B("warning", "hourglass-split"),
        "*": B("success", "check-circle-fill"),
    },
    "dispute_outcome": {"denied": B("danger"), "withdrawn": B("secondary"), "*": B("success")},
    # The dispute decision loop (cases.models.decisions.DecisionState).
    "decision": {
        "awaiting_answer": B("warning"),
        "under_review": B("primary"),
        "adr_requested": B("violet"),
        "adr_in_progress": B("violet"),
        "adr_withdrawn": B("secondary"),
        "*": B("success"),
    },
    "pattern": {"open": B("danger"), "actioned": B("success"), "*": B("secondary")},
    "incident": {"proposed": B("warning"), "open": B("danger"), "resolved": B("success"), "*": B("secondary")},
    # registration
    "application": {
        "submitted": B("primary"),
        "under_review": B("primary-subtle"),
        "info_requested": B("warning-subtle"),
        "resubmitted": B("info"),
        "approved": B("success"),
        "rejected": B("danger"),
        "withdrawn": B("secondary"),
        "*": B("light"),
    },
    "portal_application": {
        "draft": B("secondary"),
        "under_review": B("info"),
        "info_requested": B("attention", "reply-fill", "Information requested"),
        "approved": B("success"),
        "rejected": B("danger"),
        "withdrawn": B("dark"),
        "*": B("primary"),
    },
    "contact_change": {"add": B("success"), "*": B("danger")},
    "requirement": {
        "accepted": B("success", "check-circle"),
        "rejected": B("danger", "x-circle"),
        "provided": B("primary", "hourglass-split"),
        "*": B("muted"),
    },
    "portal_requirement": {
        "missing": B("danger", "exclamation-circle"),
        "provided": B("info"),
        "accepted": B("success", "check-circle"),
        "*": B("danger", "x-circle"),
    },
    # qualification
    "flight": {
        "planned": B("light"),
        "open": B("primary"),
        "testing": B("info"),
        "completed": B("success"),
        "*": B("secondary"),
    },
    "enrollment": {
        "enrolled": B("light"),
        "testing": B("primary"),
        "failed": B("danger"),
        "handed_over": B("warning-subtle"),
        "letter_sent": B("success"),
        "recorded": B("success-subtle"),
        "*": B("secondary"),
    },
    "letter_delivery": {"sent": B("success"), "failed": B("danger"), "*": B("warning")},
    # api: webhook deliveries and endpoints
    "webhook_delivery": {"sent": B("success", label="Delivered"), "failed": B("danger"), "*": B("warning")},
    "webhook_endpoint": {"enabled": B("success"), "*": B("secondary")},
    "certificate": {"installed": B("success"), "issued": B("info"), "*": B("warning")},
    "connectivity_test": {"passed": B("success"), "failed": B("danger"), "scheduled": B("info"), "*": B("warning")},
    # notices
    "notice": {
        "draft": B("secondary"),
        "in_review": B("warning"),
        "approved": B("info"),
        "scheduled": B("primary"),
        "*": B("success"),
    },
    "notice_kind": {"cancellation": B("danger"), "*": B("info")},
    # knowledge base and market rules
    "article": {"draft": B("secondary"), "in_review": B("warning"), "published": B("success"), "*": B("muted")},
    "revision_request": {
        "pending": B("info"),
        "approved": B("primary"),
        "implemented": B("success"),
        "*": B("secondary"),
    },
    # plans
    "objective": {"achieved": B("success"), "*": B("secondary")},
    "action_item": {
        "open": B("primary"),
        "in_progress": B("primary-subtle"),
        "done": B("success"),
        "*": B("secondary"),
    },
    "portal_action_item": {"in_progress": B("info"), "*": B("secondary")},
    "improvement": {
        "planned": B("primary"),
        "in_progress": B("primary-subtle"),
        "done": B("success"),
        "*": B("secondary"),
    },
    "meeting": {
        "scheduled": B("primary"),
        "held": B("success"),
        "minutes_to_follow": B("light", label="Minutes to follow"),
        "*": B("secondary"),
    },
    "follow_up": {"open": B("warning"), "done": B("success"), "*": B("light")},
    # education: enrolments and sessions
    "enrolment": {"enrolled": B("success"), "waitlisted": B("warning", "hourglass-split"), "*": B("secondary")},
    "course_session": {"scheduled": B("primary"), "*": B("secondary")},
}


def badge_for(kind: str, value) -> Badge:
    """The badge of ``value`` among the statuses of ``kind`` (a ``KeyError`` names an unknown kind)."""
    styles = BADGES[kind]
    return styles.get(str(value), styles["*"])
