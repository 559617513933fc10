"""The quarterly access review: the MP's USA confirms that each of its people still needs access; whoever is not
confirmed when the review is due is suspended (through :func:`person_suspend`, by the system).

A review is opened once per MP per quarter (``AccessReview`` is unique on both), so the daily task and the demo
command may run any number of times. The review and its entries stay as the audit record of what was asked,
who confirmed whom, and who was suspended.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ercot_services.core.audit import audit_record
from ercot_services.core.models import DomainError
from ercot_services.core.outbox import email_queue
from ercot_services.core.workflow import move_status

from .. import policies
from ..error_codes import AccountErrorCode
from ..events import AccountEvent
from ..models import (
    ACCESS_REVIEW_TRANSITIONS,
    AccessReview,
    AccessReviewEntry,
    AccessReviewOutcome,
    AccessReviewStatus,
    MarketParticipant,
    Membership,
    ParticipantStatus,
    PortalAccess,
    PortalAccessStatus,
    User,
)
from .access import NOT_CONFIRMED_IN_REVIEW, active_security_administrator_ids, person_suspend

logger = logging.getLogger(__name__)


def quarter_of(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.year}-Q{(local.month - 1) // 3 + 1}"


def _people_to_review(participant: MarketParticipant) -> list[int]:
    """Everyone with an active link and an active role at the MP."""
    with_roles = Membership.objects.active().filter(participant=participant).values("user_id")
    return list(
        PortalAccess.objects.active()
        .filter(participant=participant, user_id__in=with_roles)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


def _email_security_administrators(review: AccessReview) -> None:
    administrators = User.objects.filter(pk__in=active_security_administrator_ids(review.participant))
    email_queue(
        key=f"accounts:access-review:{review.pk}:opened",
        to=[user.email for user in administrators],
        subject=f"Access review {review.quarter} for {review.participant.legal_name}: confirm your people",
        body=render_to_string(
            "emails/accounts/access_review_opened.txt",
            {
                "review": review,
                "link": settings.SITE_URL + reverse("portal:access-review"),
                "CLIENT_SERVICES_PHONE": settings.CLIENT_SERVICES_PHONE,
            },
        ),
    )


@transaction.atomic
def access_review_open(
    *, actor: User | None, participant: MarketParticipant, now: datetime.datetime | None = None
) -> AccessReview | None:
    """Open this quarter's review of the MP (``None`` when it already has one, or nobody to review)."""
    if actor is not None:
        policies.check_manage_people(actor, participant)
    now = now or timezone.now()
    quarter = quarter_of(now)
    if AccessReview.objects.filter(participant=participant, quarter=quarter).exists():
        return None
    user_ids = _people_to_review(participant)
    if not user_ids:
        return None
    review = AccessReview(
        participant=participant,
        quarter=quarter,
        opened_at=now,
        due_at=now + datetime.timedelta(days=AccessReview.REVIEW_DAYS),
    )
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError:  # another run opened it meanwhile
        return None
    AccessReviewEntry.objects.bulk_create([AccessReviewEntry(review=review, user_id=pk) for pk in user_ids])
    audit_record(
        actor=actor,
        verb=AccountEvent.ACCESS_REVIEW_OPENED,
        target=review,
        changes={"people": (None, len(user_ids)), "due_at": (None, review.due_at)},
    )
    _email_security_administrators(review)
    return review


@transaction.atomic
def access_review_confirm(*, actor: User, review: AccessReview, user_ids: list[int]) -> int:
    """The USA confirms that these people still need access; returns how many were newly confirmed."""
    policies.check_manage_people(actor, review.participant)
    review = AccessReview.objects.select_for_update().get(pk=review.pk)
    if not review.is_open:
        raise DomainError(f"The access review {review.quarter} is closed.", code=AccountErrorCode.REVIEW_CLOSED)
    now = timezone.now()
    entries = list(review.entries.select_related("user").filter(user_id__in=user_ids, confirmed_at__isnull=True))
    for entry in entries:
        entry.confirmed_at = now
        entry.confirmed_by = actor
    AccessReviewEntry.objects.bulk_update(entries, ["confirmed_at", "confirmed_by"])
    PortalAccess.objects.filter(participant=review.participant, user_id__in=[e.user_id for e in entries]).update(
        last_confirmed_at=now
    )
    if entries:
        audit_record(
            actor=actor,
            verb=AccountEvent.ACCESS_REVIEW_CONFIRMED,
            target=review,
            changes={"confirmed": (None, [str(entry.user) for entry in entries])},
        )
    return len(entries)


@transaction.atomic
def access_review_close(*, review: AccessReview, now: datetime.datetime | None = None) -> AccessReview:
    """Close a review: every unconfirmed person whose access is still active is suspended by the system (the last
    active USA excepted: the MP keeps one, and the refusal is logged in the review's audit event)."""
    review = AccessReview.objects.select_for_update().select_related("participant").get(pk=review.pk)
    if not review.is_open:
        return review
    now = now or timezone.now()
    suspended, kept = [], []
    entries = review.entries.select_related("user").filter(confirmed_at__isnull=True).order_by("user_id")
    for entry in entries:
        access = PortalAccess.objects.filter(participant=review.participant, user=entry.user).first()
        if access is None or access.status != PortalAccessStatus.ACTIVE:
            continue
        try:
            with transaction.atomic():
                person_suspend(
                    actor=None, participant=review.participant, user=entry.user, reason=NOT_CONFIRMED_IN_REVIEW
                )
        except DomainError as error:
            logger.info("Access review %s kept %s: %s", review.pk, entry.user, error)
            kept.append(str(entry.user))
            continue
        entry.suspended_at = now
        entry.save(update_fields=["suspended_at"])
        suspended.append(str(entry.user))
    move_status(
        review,
        AccessReviewStatus.CLOSED,
        transitions=ACCESS_REVIEW_TRANSITIONS,
        statuses=AccessReviewStatus,
        subject=str(review),
    )
    review.closed_at = now
    review.outcome = AccessReviewOutcome.USERS_SUSPENDED if suspended else AccessReviewOutcome.ALL_CONFIRMED
    review.save(update_fields=["status", "closed_at", "outcome"])
    changes = {"status": (AccessReviewStatus.OPEN, AccessReviewStatus.CLOSED), "suspended": (None, suspended)}
    if kept:
        changes["kept as the last USA"] = (None, kept)
    audit_record(actor=None, verb=AccountEvent.ACCESS_REVIEW_CLOSED, target=review, changes=changes)
    return review


def access_reviews_run(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """The daily beat: close the reviews that are due, then open this quarter's review of every MP that has none.
    Safe to run twice. Returns (closed, opened)."""
    now = now or timezone.now()
    closed = 0
    for review in AccessReview.objects.filter(status=AccessReviewStatus.OPEN, due_at__lte=now).order_by("pk"):
        access_review_close(review=review, now=now)
        closed += 1
    reviewed = AccessReview.objects.filter(quarter=quarter_of(now)).values("participant_id")
    candidates = (
        MarketParticipant.objects.exclude(status=ParticipantStatus.TERMINATED)
        .exclude(pk__in=reviewed)
        .filter(pk__in=PortalAccess.objects.active().values("participant_id"))
        .order_by("pk")
    )
    opened = sum(1 for participant in candidates if access_review_open(actor=None, participant=participant, now=now))
    return closed, opened
