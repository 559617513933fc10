"""Market rules services: citations, a revision request's status change (and who hears of it), and loading the
reference table of sections and revision requests from CSV/JSON."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import AccountManagerAssignment, User
from cases.models import OPEN_STATUSES, Case
from ercot_services.core.audit import audit_record
from ercot_services.core.models import DomainError
from ercot_services.core.outbox import email_queue
from ercot_services.core.workflow import move_status

from .. import policies
from ..error_codes import EducationErrorCode
from ..events import EducationEvent
from ..models import (
    REVISION_TRANSITIONS,
    Article,
    Citation,
    RevisionRequest,
    RevisionStatus,
    RevisionStatusChange,
    RuleSection,
)

# --- citations -----------------------------------------------------------------------------------------------------


@transaction.atomic
def citation_add(
    *,
    actor: User,
    rule: RuleSection | RevisionRequest,
    case: Case | None = None,
    notice=None,
    article: Article | None = None,
) -> Citation:
    """Cite ``rule`` from one case, notice or article; citing it again returns the existing citation."""
    policies.check_add_citation(actor)
    citers = [obj for obj in (case, notice, article) if obj is not None]
    if len(citers) != 1 or rule is None:
        raise DomainError(
            "A citation names one rule and one case, notice or article.", code=EducationErrorCode.CITATION_TARGET
        )
    rule_field = "section" if isinstance(rule, RuleSection) else "revision_request"
    lookup = {rule_field: rule, "case": case, "notice": notice, "article": article}
    citation, created = Citation.objects.get_or_create(**lookup, defaults={"created_by": actor})
    if created:
        audit_record(
            actor=actor, verb=EducationEvent.CITATION_ADDED, target=citers[0], changes={"cites": (None, str(rule))}
        )
    return citation


@transaction.atomic
def citation_remove(*, actor: User, citation: Citation) -> None:
    policies.check_add_citation(actor)
    citer = citation.case or citation.notice or citation.article
    rule = str(citation.rule)
    citation.delete()
    audit_record(actor=actor, verb=EducationEvent.CITATION_REMOVED, target=citer, changes={"cites": (rule, None)})


# --- a revision request changes status ----------------------------------------------------------------------------


def cases_citing(revision: RevisionRequest, *, today: datetime.date | None = None):
    """The cases whose requesters hear of a status change: open ones, and those resolved or closed within
    ``RULE_CHANGE_RECENT_CASE_DAYS``, that cite the revision request or one of the sections it revises."""
    now = timezone.now()
    since = now - datetime.timedelta(days=settings.RULE_CHANGE_RECENT_CASE_DAYS)
    cites = Q(revision_request=revision) | Q(section__in=revision.sections.all())
    case_ids = Citation.objects.filter(cites, case__isnull=False).values("case_id")
    return (
        Case.objects.filter(pk__in=case_ids)
        .filter(Q(status__in=OPEN_STATUSES) | Q(resolved_at__gte=since) | Q(closed_at__gte=since))
        .select_related("submitted_by", "participant")
    )


def _requester_email(case: Case) -> str:
    if case.submitted_by_id and case.submitted_by.is_active and not case.submitted_by.is_staff:
        return case.submitted_by.email
    return case.contact_email


def _email_body(revision: RevisionRequest, change: RevisionStatusChange, references: list[str]) -> str:
    cases = ", ".join(references)
    link = settings.SITE_URL + revision.get_absolute_url()
    return (
        f"{revision.label} ({revision.title}) is now {change.get_to_status_display()} "
        f"(it was {change.get_from_status_display()}).\n\n"
        f"You are receiving this because your case {cases} cites it. What it changes: {link}\n\n"
        "Your Account Manager can tell you what it means for you; reply on the case in the portal."
    )


def _notify_account_managers(revision, change, by_participant: dict[int, list[str]]) -> None:
    """Each current Account Manager of a touched MP gets one email per change: their MPs and the cases citing it."""
    by_manager: dict[str, list[str]] = {}
    assignments = AccountManagerAssignment.objects.filter(
        participant_id__in=by_participant, ended_at__isnull=True
    ).select_related("participant", "account_manager__user")
    for assignment in assignments:
        user = assignment.account_manager.user
        references = ", ".join(sorted(by_participant[assignment.participant_id]))
        by_manager.setdefault(user.email.lower(), []).append(f"- {assignment.participant.short_name}: {references}")
    for email, lines in sorted(by_manager.items()):
        email_queue(
            key=f"rule-change:{change.pk}:am:{email}",
            to=[email],
            subject=f"Rule change touching your MPs: {revision.label} is now {change.get_to_status_display()}",
            body=(
                f"{revision.label} ({revision.title}) is now {change.get_to_status_display()}. "
                "Cases of your Market Participants cite it; their requesters were emailed:\n\n"
                + "\n".join(sorted(lines))
                + f"\n\n{settings.SITE_URL}{revision.get_absolute_url()}"
            ),
        )


@transaction.atomic
def revision_request_update_status(
    *, actor: User | None, revision: RevisionRequest, status: str, on: datetime.date | None = None
) -> RevisionStatusChange | None:
    """Move the revision request to ``status`` and email, once per change and recipient (the ONE outbox, after
    commit), the requesters of the open and recent cases that cite it. The same status again changes nothing."""
    if actor is not None:
        policies.check_change_revision(actor)
    revision = RevisionRequest.objects.select_for_update().get(pk=revision.pk)
    if status not in RevisionStatus.values:
        raise DomainError("Choose a revision request status.", code=EducationErrorCode.UNKNOWN_STATUS)
    if revision.status == status:
        return None
    old = move_status(
        revision, status, transitions=REVISION_TRANSITIONS, statuses=RevisionStatus, subject=revision.label
    )
    revision.status_changed_on = on or timezone.localdate()
    revision.save(update_fields=["status", "status_changed_on", "updated_at"])
    change = RevisionStatusChange.objects.create(
        revision_request=revision, from_status=old, to_status=status, changed_by=actor
    )
    by_recipient: dict[str, list[str]] = {}
    by_participant: dict[int, list[str]] = {}
    for case in cases_citing(revision):
        email = _requester_email(case)
        if email:
            by_recipient.setdefault(email.lower(), []).append(case.reference)
        if case.participant_id:
            by_participant.setdefault(case.participant_id, []).append(case.reference)
    change.participants.set(by_participant)
    for email, references in sorted(by_recipient.items()):
        email_queue(
            key=f"rule-change:{change.pk}:{email}",
            to=[email],
            subject=f"{revision.label} is now {change.get_to_status_display()}: it touches your case",
            body=_email_body(revision, change, sorted(references)),
        )
    _notify_account_managers(revision, change, by_participant)
    audit_record(
        actor=actor,
        verb=EducationEvent.REVISION_STATUS_CHANGED,
        target=revision,
        changes={"status": (old, status), "recipients": (None, len(by_recipient))},
    )
    return change
