"""Which staff groups may post each workspace action: the expected answer, in people's jobs.

``accounts.roles`` grants permissions to groups and each app's ``policies.py`` checks them; this matrix says
the outcome in terms of groups (DESIGN.md §1, seeds 000-004), and ``tests/accounts/test_action_permissions.py``
posts every workspace URL that accepts POST as every staff group and compares. A workspace URL that accepts
POST and is missing here fails that test, so a new action cannot ship without a rule.

Keys are URL names in the "workspace" namespace; a URL whose ``<action>`` argument selects the action
(``enrollment-action``, ``notice-action``) has one key per action, ``"<url name>/<action>"``.
Superusers may do everything and are not listed.
"""

from __future__ import annotations

from .roles import StaffGroup

AM = StaffGroup.ACCOUNT_MANAGER
LEAD = StaffGroup.CLIENT_SERVICES_LEAD
RETAIL_OPS = StaffGroup.RETAIL_OPERATIONS
FLIGHT_ADMIN = StaffGroup.FLIGHT_ADMINISTRATOR
SERVICE_DESK = StaffGroup.SERVICE_DESK
PUBLISHER = StaffGroup.NOTICE_PUBLISHER
MASS = StaffGroup.MARKET_APPLICATION_SUPPORT

EVERYONE = frozenset(StaffGroup.ALL)
CASE_WORKERS = frozenset({AM, LEAD, SERVICE_DESK, MASS})
PLANNERS = frozenset({AM, LEAD})
INCIDENT_HANDLERS = frozenset({AM, LEAD, SERVICE_DESK})
REVIEWERS = frozenset({RETAIL_OPS, LEAD})
LETTERS = frozenset({RETAIL_OPS, LEAD})
TESTING = frozenset({FLIGHT_ADMIN})
PUBLISHERS = frozenset({PUBLISHER})
KB_WRITERS = frozenset({AM, LEAD, SERVICE_DESK, PUBLISHER})
KB_PUBLISHERS = frozenset({LEAD, PUBLISHER})

ACTION_MATRIX: dict[str, frozenset[str]] = {
    # Account Managers and books.
    "participant-reassign": frozenset({LEAD}),
    "book-reassign": frozenset({LEAD}),
    # Cases.
    "case-new": CASE_WORKERS,
    "cases-bulk": CASE_WORKERS,
    "case-reply": EVERYONE,
    "case-transition": CASE_WORKERS,
    # The dispute decision loop: those who resolve disputes record ADR and the market-wide effect.
    "case-adr": PLANNERS,
    "case-market-effect": PLANNERS,
    # Deciding a multi-day dispute day by day: those who resolve disputes.
    "case-resolve-days": PLANNERS,
    "case-assign": CASE_WORKERS,
    "case-escalate": CASE_WORKERS,
    "case-update": CASE_WORKERS,
    "case-merge": CASE_WORKERS,
    "case-link": CASE_WORKERS,
    "case-clone": CASE_WORKERS,
    # Issue patterns: dismissing is case work; an improvement action is part of the MP's plan.
    "pattern-dismiss": CASE_WORKERS,
    "pattern-detail": PLANNERS,
    # Market incidents (many MPs): the groups that answer the market's cases; a notice from one: publishers.
    "incident-confirm": INCIDENT_HANDLERS,
    "incident-dismiss": INCIDENT_HANDLERS,
    "incident-resolve": INCIDENT_HANDLERS,
    "incident-link": INCIDENT_HANDLERS,
    "incident-unlink": INCIDENT_HANDLERS,
    "incident-reply": INCIDENT_HANDLERS,
    "notice-from-incident": PUBLISHERS,
    # Plans.
    "plan-edit": PLANNERS,
    "objective-new": PLANNERS,
    "objective-edit": PLANNERS,
    "objective-status": PLANNERS,
    "action-item-new": PLANNERS,
    "action-item-edit": PLANNERS,
    "action-item-transition": PLANNERS,
    "meeting-new": PLANNERS,
    "meeting-edit": PLANNERS,
    "meeting-cancel": PLANNERS,
    "meeting-minutes": PLANNERS,
    "meeting-share-minutes": PLANNERS,
    "feedback-new": PLANNERS,
    "feedback-follow-up": PLANNERS,
    "improvement-new": PLANNERS,
    "improvement-status": PLANNERS,
    # Registration.
    "application-start-review": REVIEWERS,
    "application-request-info": REVIEWERS,
    "application-approve": REVIEWERS,
    "application-reject": REVIEWERS,
    "application-document-review": REVIEWERS,
    "participant-facts": frozenset({RETAIL_OPS, LEAD}),
    "case-invite": frozenset({SERVICE_DESK, AM, LEAD}),
    # Qualification.
    "flight-new": TESTING,
    "enrollment-new": frozenset({FLIGHT_ADMIN, RETAIL_OPS, LEAD}),
    "enrollment-action/start-testing": TESTING,
    "enrollment-action/result": TESTING,
    "enrollment-action/hand-over": TESTING,
    "enrollment-action/withdraw": TESTING,
    "enrollment-action/issue-letter": LETTERS,
    "enrollment-action/record-no-letter": LETTERS,
    "delivery-resend": LETTERS,
    "certificate-advance": LETTERS,
    "connectivity-record": frozenset({RETAIL_OPS, LEAD, SERVICE_DESK, MASS}),
    "connectivity-ticket": frozenset({RETAIL_OPS, LEAD, SERVICE_DESK, MASS}),
    # Market notices.
    "notice-new": PUBLISHERS,
    "notice-from-dispute": PUBLISHERS,
    "notice-preview": PUBLISHERS,
    "notice-edit": PUBLISHERS,
    "notice-attach": PUBLISHERS,
    "notice-detach": PUBLISHERS,
    "notice-action/submit": PUBLISHERS,
    "notice-action/return": PUBLISHERS,
    "notice-action/approve": PUBLISHERS,
    "notice-action/schedule": PUBLISHERS,
    "notice-action/publish": PUBLISHERS,
    "notice-action/update": PUBLISHERS,
    "notice-action/cancel": PUBLISHERS,
    # Market education: Account Managers teach and enrol their MPs' people, the Lead runs the programme
    # (attendance: also the session's instructor, whoever that is).
    "course-session-new": PLANNERS,
    "course-session-edit": PLANNERS,
    "course-session-cancel": PLANNERS,
    "course-session-attendance": PLANNERS,
    "course-session-enrol": PLANNERS,
    "course-enrolment-cancel": PLANNERS,
    "participant-recommend-course": PLANNERS,
    # Knowledge base and market rules (education): those who answer cases write articles and cite rules; a second
    # person with the publish permission (the Lead, Notice Publishers) approves or archives an article.
    "kb-article-new": KB_WRITERS,
    "kb-article-edit": KB_WRITERS,
    "kb-article-action/submit": KB_WRITERS,
    "kb-article-action/return": KB_WRITERS,
    "kb-article-action/approve": KB_PUBLISHERS,
    "kb-article-action/archive": KB_PUBLISHERS,
    "citation-add": KB_WRITERS,
    "citation-remove": KB_WRITERS,
}
