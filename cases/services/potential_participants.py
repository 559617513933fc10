"""Potential Market Participants' contacts (a Service Desk case with no MP yet): linking one to the MP created for it."""

from __future__ import annotations

from django.db import transaction

from accounts.models import MarketParticipant, User
from ercot_services.core.audit import audit_record
from ercot_services.core.models import DomainError

from .. import policies
from ..error_codes import CaseErrorCode
from ..events import CaseEvent
from ..models import Case, CaseKind
from ..summary import refresh_case_summary


@transaction.atomic
def case_link_participant(*, actor: User, case: Case, participant: MarketParticipant, reason: str = "") -> Case:
    """The contact now belongs to ``participant`` (the prospective MP invited from it): its page and its MP's agree."""
    policies.check_work_case(actor)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.kind != CaseKind.POTENTIAL_MP or case.participant_id is not None:
        raise DomainError(
            f"{case.reference} is not a potential Market Participant's contact waiting for its MP.",
            code=CaseErrorCode.NOT_A_POTENTIAL_MP_CONTACT,
        )
    case.participant = participant
    case.save(update_fields=["participant"])
    refresh_case_summary(participant.pk)
    audit_record(
        actor=actor,
        verb=CaseEvent.CASE_PARTICIPANT_LINKED,
        target=case,
        participant=participant,
        changes={"participant": (None, str(participant))},
        reason=reason,
    )
    return case
