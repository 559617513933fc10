"""Issue patterns: raised when an MP files N+ cases in one category within D days, dismissed with a reason."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import MarketParticipant, User
from ercot_services.core.audit import audit_record
from ercot_services.core.models import DomainError

from .. import policies
from ..error_codes import CaseErrorCode
from ..events import CaseEvent
from ..models import Case, CaseCategory, CaseSettings, IssuePattern


@transaction.atomic
def pattern_detect(
    *, participant: MarketParticipant, category: CaseCategory, now: datetime.datetime | None = None
) -> IssuePattern | None:
    """Raise (or grow) the open pattern when the MP filed N+ cases in this category within D days."""
    now = now or timezone.now()
    # One detection per MP at a time: submissions of different kinds are numbered from different
    # sequences, so they really overlap; without this lock two of them each create the open pattern
    # (one fails on the unique constraint) or each miss the other's case.
    MarketParticipant.objects.select_for_update().filter(pk=participant.pk).first()
    rule = CaseSettings.load()
    since = now - datetime.timedelta(days=rule.pattern_window_days)
    recent = list(
        Case.objects.filter(participant=participant, category=category, created_at__gte=since, merged_into__isnull=True)
        .order_by("created_at")
        .values_list("pk", "created_at")
    )
    if len(recent) < rule.pattern_case_count:
        return None
    pattern = IssuePattern.objects.filter(
        participant=participant, category=category, status=IssuePattern.Status.OPEN
    ).first()
    created = pattern is None
    if created:
        pattern = IssuePattern(participant=participant, category=category)
    pattern.case_count = len(recent)
    pattern.window_days = rule.pattern_window_days
    pattern.last_case_at = recent[-1][1]
    pattern.save()
    pattern.cases.add(*[pk for pk, _ in recent])
    if created:
        audit_record(
            actor=None,
            verb=CaseEvent.PATTERN_RAISED,
            target=pattern,
            participant=participant,
            changes={"cases": (None, len(recent))},
        )
    return pattern


@transaction.atomic
def pattern_dismiss(*, actor: User, pattern: IssuePattern, reason: str) -> IssuePattern:
    policies.check_work_case(actor)
    if not reason.strip():
        raise DomainError("Say why this pattern needs no action.", code=CaseErrorCode.REASON_REQUIRED)
    pattern.status = IssuePattern.Status.DISMISSED
    pattern.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        verb=CaseEvent.PATTERN_DISMISSED,
        target=pattern,
        changes={"status": ("open", "dismissed")},
        reason=reason,
    )
    return pattern
