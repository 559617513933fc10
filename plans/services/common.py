"""What the plan services share: validation, the staff and same-MP checks, links and email rendering."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import MarketParticipant, Membership, User
from ercot_services.core.models import DomainError, clean_or_refuse
from ercot_services.core.permissions import require_permission

from ..error_codes import PlanErrorCode
from ..models import (
    ActionItem,
    Meeting,
    PlanObjective,
)


def _clean(instance, exclude: Iterable[str] = ()) -> None:
    clean_or_refuse(instance, code=PlanErrorCode.INVALID, exclude=exclude)


def _require_staff(actor: User, doing: str, permission: str) -> None:
    """Staff only, and of them the groups holding ``permission`` (Account Managers and the Lead, accounts.roles)."""
    if actor is None or not actor.is_authenticated or not actor.is_staff:
        raise DomainError(f"Only Client Services staff can {doing}.", code=PlanErrorCode.PERMISSION_DENIED)
    require_permission(actor, permission, f"Only Account Managers and the Client Services Lead {doing}.")


def _is_active_member(user: User, participant: MarketParticipant) -> bool:
    return Membership.objects.active().filter(user=user, participant=participant).exists()


def _check_person(user: User, participant: MarketParticipant, role: str) -> None:
    """``user`` must be active staff or an active contact of ``participant``."""
    if not user.is_active:
        raise DomainError(
            f"{user} can no longer sign in: choose someone else as {role}.", code=PlanErrorCode.INVALID_PERSON
        )
    if user.is_staff or _is_active_member(user, participant):
        return
    raise DomainError(
        f"{user} is neither Client Services staff nor an active contact of {participant.short_name}: "
        f"choose someone else as {role}.",
        code=PlanErrorCode.INVALID_PERSON,
    )


def _check_same_participant(participant: MarketParticipant, **links) -> None:
    labels = {
        "objective": "objective",
        "meeting": "meeting",
        "case": "case",
        "application": "registration application",
        "enrollment": "qualification enrollment",
    }
    for name, obj in links.items():
        if obj is None:
            continue
        owner_id = obj.plan.participant_id if isinstance(obj, PlanObjective) else obj.participant_id
        if owner_id != participant.pk:
            raise DomainError(
                f"That {labels[name]} ({obj}) belongs to another Market Participant.",
                code=PlanErrorCode.OTHER_PARTICIPANT,
            )


def _url(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _staff_link_for_item(item: ActionItem) -> str:
    return _url("workspace:participant-plan", item.participant_id)


def _portal_plan_link() -> str:
    return _url("portal:plan")


def _meeting_link(meeting: Meeting, *, for_staff: bool) -> str:
    return _url("workspace:meeting-detail" if for_staff else "portal:meeting-detail", meeting.pk)


def _render(template: str, context: dict) -> str:
    return render_to_string(
        f"emails/plans/{template}.txt", {"CLIENT_SERVICES_PHONE": settings.CLIENT_SERVICES_PHONE, **context}
    )
