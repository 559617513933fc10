"""Template helpers for registration pieces shown on other pages (the staff MP page, the case page)."""

from __future__ import annotations

from django import template

from accounts.models import MarketParticipant

from .. import policies
from ..models import (
    OPEN_APPLICATION_STATUSES,
    Application,
    ApplicationStatus,
    PuctCertification,
    QseAcknowledgement,
    SfaRecord,
)

register = template.Library()


def participant_registration_facts(participant: MarketParticipant) -> dict:
    """The MP's SFA, PUCT certification and QSE Acknowledgement (each or ``None``): three queries."""
    return {
        "sfa": SfaRecord.objects.filter(participant=participant).first(),
        "puct": PuctCertification.objects.filter(participant=participant).first(),
        "ack": (
            QseAcknowledgement.objects.filter(participant=participant).select_related("qse__load_qualification").first()
        ),
    }


@register.simple_tag
def registration_card(participant: MarketParticipant) -> dict:
    """What the MP page's Registration card shows, in four queries whatever the MP's history."""
    open_statuses = [*OPEN_APPLICATION_STATUSES, ApplicationStatus.DRAFT]
    return {
        "open_applications": list(
            Application.objects.filter(participant=participant, status__in=open_statuses).order_by(
                "due_on", "-created_at"
            )[:5]
        ),
        **participant_registration_facts(participant),
    }


@register.simple_tag(takes_context=True)
def can_invite(context, case) -> bool:
    """Whether the case page shows "Invite to register": a potential-MP contact not yet linked to an MP."""
    user = context.get("user")
    return bool(
        case is not None
        and getattr(case, "kind", None) == "potential_mp"
        and not case.participant_id
        and user is not None
        and user.is_staff
        and policies.can_invite_potential_participant(user, case)
    )
