"""A market notice drafted from a dispute whose decision has a market-wide financial effect.

Client Services granted a dispute in a way that changes settlement for the market (``DisputeDecision.
market_wide_effect``, cases). A Notice Publisher drafts the notice from it: type Settlements, market-wide, day(s)
affected the Operating Day(s), short and long descriptions from the outcome, sent to the lists that carry
Settlements notices. The participant who disputed is never named: its names are taken out of the outcome's text.
The draft then goes through the usual four-eyes review (``notices.services.workflow``).
"""

from __future__ import annotations

import re

from django.db import transaction

from accounts.models import User
from cases.models import Case, CaseKind, DisputeDecision, DisputeOutcome
from ercot_services.core.audit import audit_record
from ercot_services.core.models import DomainError

from .. import policies
from ..error_codes import NoticeErrorCode
from ..events import NoticeEvent
from ..models import DistributionList, Notice, NoticeType, Scope
from .drafting import NoticeInput, notice_create

SETTLEMENTS_TYPE = "Settlements"
GRANTED_OUTCOMES = frozenset({DisputeOutcome.GRANTED, DisputeOutcome.GRANTED_WITH_EXCEPTIONS})
PARTICIPANT_PLACEHOLDER = "a Market Participant"


def may_draft_from_dispute(user: User, case: Case, decision: DisputeDecision | None, outcome: str) -> bool:
    """Whether ``user`` may draft a notice from ``case`` (its ``decision`` and dispute ``outcome`` already read): a
    Notice Publisher, a granted dispute marked as having a market-wide financial effect. Runs no query once the
    user's permissions are loaded (the case page's template asks)."""
    return policies.can_publish(user) and draft_refusal(case, decision, outcome) == ""


def draft_refusal(case: Case, decision: DisputeDecision | None, outcome: str) -> str:
    """Why no notice can be drafted from ``case``, or ""."""
    if case.kind != CaseKind.DISPUTE:
        return f"{case.reference} is not a dispute."
    if decision is None or not decision.market_wide_effect:
        return f"{case.reference} is not marked as having a market-wide financial effect."
    if outcome not in GRANTED_OUTCOMES:
        return f"{case.reference} was not granted: there is no settlement change to announce."
    return ""


def without_participant(text: str, case: Case) -> str:
    """``text`` with the disputing participant's names (legal, short, DUNS) replaced by a neutral phrase."""
    participant = case.participant
    names = (
        [getattr(participant, field, "") for field in ("legal_name", "short_name", "duns_number")]
        if participant
        else []
    )
    for name in sorted({n for n in names if n and len(n) > 1}, key=len, reverse=True):
        text = re.sub(re.escape(name), PARTICIPANT_PLACEHOLDER, text, flags=re.IGNORECASE)
    return text


@transaction.atomic
def notice_draft_from_dispute(*, actor: User, case: Case) -> Notice:
    """A draft Settlements notice pre-filled from the dispute's outcome (the participant left out)."""
    policies.check_publish(actor, "Only Notice Publishers draft market notices.")
    case = Case.objects.select_related("dispute", "participant").get(pk=case.pk)  # as it is now
    decision = DisputeDecision.objects.filter(case=case).first()
    if refusal := draft_refusal(case, decision, case.dispute.outcome if case.kind == CaseKind.DISPUTE else ""):
        raise DomainError(refusal, code=NoticeErrorCode.INVALID)
    dispute = case.dispute
    notice_type = NoticeType.objects.filter(name=SETTLEMENTS_TYPE).first()
    if notice_type is None:
        raise DomainError("No Settlements notice type is configured.", code=NoticeErrorCode.INVALID)
    days = [f"{day:%m/%d/%Y}" for day in dispute.days.order_by("operating_day").values_list("operating_day", flat=True)]
    days = days or [f"{dispute.operating_day:%m/%d/%Y}"]
    day = ", ".join(days)
    label = "Operating Day" if len(days) == 1 else "Operating Days"
    charge = without_participant(dispute.charge_type, case)
    short = f"Settlement adjustment for {label} {day}: {charge}"[:255]
    granted = (
        f" The adjustment granted totals ${dispute.granted_amount:,.2f}." if dispute.granted_amount is not None else ""
    )
    long_description = (
        f"ERCOT has resolved a settlement dispute concerning {charge} on the {dispute.get_statement_type_display()} "
        f"statement for {label} {day}. The dispute was {dispute.get_outcome_display().lower()}, and the "
        f"resolution has a market-wide financial effect.{granted}\n\n"
        f"{without_participant(dispute.outcome_explanation, case)}\n\n"
        "The affected settlement statements will reflect the adjustment when they are next issued."
    )
    data = NoticeInput(
        notice_type=notice_type,
        scope=Scope.MARKET,
        short_description=short,
        long_description=long_description,
        days_affected=day,
        lists=DistributionList.objects.filter(notice_types=notice_type),
    )
    notice = notice_create(actor=actor, data=data)
    audit_record(
        actor=actor,
        verb=NoticeEvent.NOTICE_DRAFTED_FROM_DISPUTE,
        target=case,
        changes={"notice": (None, notice.pk)},
    )
    return notice
