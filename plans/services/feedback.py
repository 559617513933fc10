"""The MP's performance feedback about the operator, and its follow-up."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import MarketParticipant, User
from accounts.services.participants import _current_manager_user
from ercot_services.core.audit import apply_changes, audit_record
from ercot_services.core.models import DomainError
from ercot_services.core.outbox import email_queue
from ercot_services.core.permissions import require_permission

from ..error_codes import PlanErrorCode
from ..events import PlanEvent
from ..models import (
    FeedbackChannel,
    Meeting,
    PerformanceFeedback,
)
from ..summary import refresh_plan_summary
from .common import (
    _check_same_participant,
    _clean,
    _is_active_member,
    _render,
    _require_staff,
    _url,
)


def _follow_up_needed(rating: int, comments: str) -> str:
    """Low ratings (3 or less) and any comment get a follow-up; a good rating without comment needs none."""
    if rating <= 3 or comments.strip():
        return PerformanceFeedback.FollowUp.OPEN
    return PerformanceFeedback.FollowUp.NOT_NEEDED


def _who_gave_it(
    actor: User, participant: MarketParticipant, channel: str, submitted_by: User | None
) -> tuple[User | None, User | None, str]:
    """Who recorded the feedback, who gave it and through which channel: (recorded_by, submitted_by, channel).

    Staff record feedback received by meeting, phone, email or survey, optionally naming the contact who gave
    it; an MP contact gives its own in the portal.
    """
    if not actor.is_staff:
        if not _is_active_member(actor, participant):
            raise DomainError(
                "You can only give feedback for a company you represent.", code=PlanErrorCode.PERMISSION_DENIED
            )
        return None, actor, FeedbackChannel.PORTAL
    require_permission(
        actor,
        "plans.add_performancefeedback",
        "Only Account Managers and the Client Services Lead record performance feedback.",
    )
    if channel == FeedbackChannel.PORTAL:
        raise DomainError(
            "Feedback in the portal is given by the Market Participant; choose how you received it.",
            code=PlanErrorCode.CHANNEL_REQUIRED,
        )
    if submitted_by is not None and not _is_active_member(submitted_by, participant):
        raise DomainError(
            f"{submitted_by} is not an active contact of {participant.short_name}.", code=PlanErrorCode.INVALID_PERSON
        )
    return actor, submitted_by, channel


def _email_manager(feedback: PerformanceFeedback, actor: User) -> None:
    """Tell the MP's current AM about the feedback (unless the AM recorded it)."""
    participant = feedback.participant
    manager = _current_manager_user(participant)
    if manager is None or manager.pk == actor.pk:
        return
    email_queue(
        key=f"plans:feedback:{feedback.pk}:received",
        to=[manager.email],
        subject=f"Feedback from {participant.short_name}: {feedback.rating}/5",
        body=_render(
            "feedback_received",
            {
                "feedback": feedback,
                "recipient": manager,
                "link": _url("workspace:feedback") + f"?participant={participant.pk}",
            },
        ),
    )


@transaction.atomic
def feedback_record(
    *,
    actor: User,
    participant: MarketParticipant,
    channel: str,
    rating: int,
    comments: str = "",
    submitted_by: User | None = None,
    meeting: Meeting | None = None,
) -> PerformanceFeedback:
    """Document the MP's feedback on the operator's performance and tell its AM.

    In the portal the MP user gives it (channel portal, ``submitted_by`` = the user); staff record feedback
    received by meeting, phone, email or survey, optionally naming the contact who gave it.
    """
    recorded_by, submitted_by, channel = _who_gave_it(actor, participant, channel, submitted_by)
    _check_same_participant(participant, meeting=meeting)
    try:
        rating = int(rating)
    except (TypeError, ValueError) as error:
        raise DomainError("Give a rating from 1 to 5.", code=PlanErrorCode.INVALID_RATING) from error
    feedback = PerformanceFeedback(
        participant=participant,
        channel=channel,
        rating=rating,
        comments=comments.strip(),
        meeting=meeting,
        submitted_by=submitted_by,
        recorded_by=recorded_by,
        follow_up_status=_follow_up_needed(rating, comments),
    )
    _clean(feedback)
    feedback.save()
    refresh_plan_summary(feedback.participant_id)
    audit_record(
        actor=actor,
        verb=PlanEvent.FEEDBACK_RECORDED,
        target=feedback,
        changes={
            "rating": (None, rating),
            "channel": (None, channel),
            "follow_up_status": (None, feedback.follow_up_status),
        },
    )
    _email_manager(feedback, actor)
    return feedback


@transaction.atomic
def feedback_follow_up(
    *, actor: User, feedback: PerformanceFeedback, follow_up: str, status: str
) -> PerformanceFeedback:
    """Record what the operator did about a piece of feedback; closing the follow-up needs that text."""
    _require_staff(actor, "follow up feedback", "plans.change_performancefeedback")
    feedback = (
        PerformanceFeedback.objects.select_for_update(of=("self",)).select_related("participant").get(pk=feedback.pk)
    )
    if status not in PerformanceFeedback.FollowUp.values:
        raise DomainError("Choose a follow-up status.", code=PlanErrorCode.STATUS_REQUIRED)
    if status == PerformanceFeedback.FollowUp.DONE and not follow_up.strip():
        raise DomainError("Describe the follow-up before marking it done.", code=PlanErrorCode.DESCRIPTION_REQUIRED)
    changes = apply_changes(feedback, {"follow_up": follow_up.strip(), "follow_up_status": status})
    if not changes:
        return feedback
    if status == PerformanceFeedback.FollowUp.DONE:
        feedback.followed_up_by, feedback.followed_up_at = actor, timezone.now()
    else:
        feedback.followed_up_by, feedback.followed_up_at = None, None
    _clean(feedback)
    feedback.save()
    audit_record(actor=actor, verb=PlanEvent.FEEDBACK_FOLLOWED_UP, target=feedback, changes=changes)
    return feedback
