"""An MP acknowledges a published notice with ACTION REQUIRED."""

from __future__ import annotations

from django.db import transaction

from accounts.models import MarketParticipant, Membership, User
from ercot_services.core.audit import audit_record
from ercot_services.core.models import DomainError

from ..error_codes import NoticeErrorCode
from ..events import NoticeEvent
from ..models import Acknowledgement, Notice
from ..summary import refresh_acknowledging_summary


@transaction.atomic
def notice_acknowledge(*, actor: User, notice: Notice, participant: MarketParticipant) -> Acknowledgement:
    if not notice.is_published or not notice.action_required:
        raise DomainError(
            "Only published notices with ACTION REQUIRED are acknowledged.", code=NoticeErrorCode.NOT_ACKNOWLEDGEABLE
        )
    if not Membership.objects.active().filter(user=actor, participant=participant).exists():
        raise DomainError(f"You are not a contact of {participant}.", code=NoticeErrorCode.PERMISSION_DENIED)
    acknowledgement, created = Acknowledgement.objects.get_or_create(
        notice=notice, participant=participant, defaults={"user": actor}
    )
    if created:
        audit_record(
            actor=actor,
            verb=NoticeEvent.NOTICE_ACKNOWLEDGED,
            target=notice,
            participant=participant,
            changes={"acknowledged_by": (None, str(actor))},
        )
        refresh_acknowledging_summary(participant.pk)
    return acknowledgement
