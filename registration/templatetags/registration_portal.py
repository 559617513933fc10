"""``{% registration_home_card %}``: the "Registration" card of the portal home page.

While the MP is not registered, the card is its portal's main content: the initial registration's progress, its
checklist with what is still missing, and one primary action ("Start registration", or "Continue registration"
while the application waits on the MP).
"""

import dataclasses

from django import template

from registration.models import (
    INITIAL_STATUSES,
    REVIEW_BUSINESS_DAYS,
    Application,
    ApplicationKind,
    ApplicationStatus,
    start_offered,
)
from registration.selectors import application_summary, mark_checklists, with_checklists
from registration.services import completeness_refusal

register = template.Library()

# The application statuses in which the next move is the MP's (prepare, or answer an information request).
WAITING_ON_PARTICIPANT = (ApplicationStatus.DRAFT, ApplicationStatus.INFO_REQUESTED)


@dataclasses.dataclass(frozen=True)
class Step:
    label: str
    done: bool
    detail: str = ""


@register.inclusion_tag("portal/registration/_home_card_body.html", takes_context=True)
def registration_home_card(context):
    request = context.get("request")
    participant = context.get("participant")
    if request is None or participant is None or not request.user.is_authenticated or request.user.is_staff:
        return {"summary": None}
    return registration_home_card_context(request.user, participant)


def registration_home_card_context(user, participant) -> dict:
    summary = application_summary(participant)
    initial = next((a for a in summary["active"] if a.kind == ApplicationKind.INITIAL), None)
    unregistered = participant.status in INITIAL_STATUSES
    return {
        "summary": summary,
        "participant": participant,
        "can_start_initial": start_offered(participant, ApplicationKind.INITIAL, initial_under_way=initial is not None),
        "unregistered": unregistered,
        "can_start_revision": start_offered(participant, ApplicationKind.REVISION),
        "progress": initial_registration_progress(initial) if unregistered and initial is not None else None,
    }


def initial_registration_progress(application: Application) -> dict:
    """The initial registration's steps, its checklist (the documents it requires) and why it cannot be submitted
    yet, if it cannot (six queries)."""
    application = mark_checklists(list(with_checklists(Application.objects.filter(pk=application.pk))))[0]
    roles = list(application.roles.all())
    lines = [line for line in application.checklist_lines if line.required and line.requirement.needs_document]
    missing = [line for line in lines if line.is_missing]
    refusal = completeness_refusal(application, missing=missing, has_roles=bool(roles))
    submitted = application.status not in WAITING_ON_PARTICIPANT
    steps = [
        Step("Choose your market roles", done=bool(roles), detail=", ".join(role.code for role in roles)),
        Step(
            "Upload the documents on the checklist",
            done=bool(roles) and not missing,
            detail=f"{len(lines) - len(missing)} of {len(lines)} provided" if roles else "",
        ),
        Step("Your Authorized Representative attests and submits", done=submitted),
        Step(
            f"Client Services reviews it (within {REVIEW_BUSINESS_DAYS} Business Days)",
            done=application.status == ApplicationStatus.APPROVED,
        ),
    ]
    current = next((index for index, step in enumerate(steps) if not step.done), len(steps))
    return {
        "application": application,
        "steps": steps,
        "current": current,
        "lines": lines,
        "missing": missing,
        "waiting_on_you": not submitted,
        "submit_blocked_because": str(refusal) if refusal is not None else "",
    }
