"""The four-eyes workflow: submit for review, return to draft, approve, schedule, and publish (numbering the
notice and writing its outbox; the fan-out starts after commit)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from ercot_services.core.audit import audit_record
from ercot_services.core.models import DomainError
from ercot_services.core.review import check_four_eyes
from ercot_services.core.workflow import move_status

from .. import policies
from ..error_codes import NoticeErrorCode
from ..events import NoticeEvent
from ..models import NOTICE_TRANSITIONS, Notice, NoticeStatus
from ..summary import refresh_notice_summaries
from .ids import _assign_id
from .recipients import _write_deliveries


def _move(notice: Notice, to_status: str) -> str:
    return move_status(notice, to_status, transitions=NOTICE_TRANSITIONS, statuses=NoticeStatus, subject="The notice")


@transaction.atomic
def notice_submit_for_review(*, actor: User, notice: Notice) -> Notice:
    policies.check_publish(actor, "Only a Notice Publisher can submit a notice for review.")
    old = _move(notice, NoticeStatus.IN_REVIEW)
    notice.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor, verb=NoticeEvent.NOTICE_SUBMITTED, target=notice, changes={"status": (old, notice.status)}
    )
    return notice


@transaction.atomic
def notice_return_to_draft(*, actor: User, notice: Notice, reason: str) -> Notice:
    policies.check_publish(actor, "Only a Notice Publisher can return a notice to draft.")
    if not reason.strip():
        raise DomainError("Say what needs to change.", code=NoticeErrorCode.REASON_REQUIRED)
    old = _move(notice, NoticeStatus.DRAFT)
    notice.approver, notice.approved_at, notice.scheduled_for = None, None, None
    notice.save()
    audit_record(
        actor=actor,
        verb=NoticeEvent.NOTICE_RETURNED,
        target=notice,
        changes={"status": (old, notice.status)},
        reason=reason,
    )
    return notice


@transaction.atomic
def notice_approve(*, actor: User, notice: Notice) -> Notice:
    """Four eyes: a Notice Publisher other than the author approves."""
    policies.check_publish(actor, "Only a Notice Publisher can approve a notice.")
    check_four_eyes(
        actor=actor,
        author_id=notice.author_id,
        message="A notice must be approved by a different Notice Publisher than its author.",
        code=NoticeErrorCode.SAME_APPROVER,
    )
    old = _move(notice, NoticeStatus.APPROVED)
    notice.approver, notice.approved_at = actor, timezone.now()
    notice.save()
    audit_record(actor=actor, verb=NoticeEvent.NOTICE_APPROVED, target=notice, changes={"status": (old, notice.status)})
    return notice


@transaction.atomic
def notice_schedule(*, actor: User, notice: Notice, when: datetime.datetime) -> Notice:
    """Publication at ``when`` is picked up by the beat check, not by a long Celery ETA."""
    # The beat check later publishes with no actor, so scheduling is where the publisher check must happen.
    policies.check_publish(actor, "Only a Notice Publisher can schedule a notice.")
    if when <= timezone.now():
        raise DomainError("Choose a time in the future, or publish now.", code=NoticeErrorCode.INVALID_SCHEDULE)
    old = _move(notice, NoticeStatus.SCHEDULED)
    notice.scheduled_for = when
    notice.save()
    audit_record(
        actor=actor,
        verb=NoticeEvent.NOTICE_SCHEDULED,
        target=notice,
        changes={"status": (old, notice.status), "scheduled_for": (None, when)},
    )
    return notice


@transaction.atomic
def notice_publish(*, actor: User | None, notice: Notice, now: datetime.datetime | None = None) -> Notice:
    """Number the notice, publish it to the archive and write its outbox; the fan-out starts after commit."""
    now = now or timezone.now()
    notice = Notice.objects.select_for_update(of=("self",)).select_related("previous").get(pk=notice.pk)
    if notice.status == NoticeStatus.PUBLISHED:
        return notice  # publishing again sends nothing new
    if actor is not None:  # None: the beat publishing a notice a publisher scheduled
        policies.check_publish(actor, "Only a Notice Publisher can publish.")
    if (
        notice.status == NoticeStatus.SCHEDULED
        and notice.scheduled_for
        and notice.scheduled_for > now
        and actor is None
    ):
        raise DomainError("It is not time to publish this scheduled notice yet.", code=NoticeErrorCode.INVALID_SCHEDULE)
    old = _move(notice, NoticeStatus.PUBLISHED)
    day = timezone.localdate(now)
    _assign_id(notice, day)
    notice.notice_date = day
    notice.published_at = now
    notice.save()
    count = _write_deliveries(notice)
    audit_record(
        actor=actor,
        verb=NoticeEvent.NOTICE_PUBLISHED,
        target=notice,
        changes={"status": (old, notice.status), "notice_id": (None, notice.notice_id), "recipients": (None, count)},
        at=now,
    )
    refresh_notice_summaries(notice)
    from ercot_services.core.delivery import outbox_enqueue

    from ..tasks import fan_out_notice

    # A broker that is down fails nothing here: the rows are written, and the outbox sweep queues them when it is back.
    transaction.on_commit(lambda: outbox_enqueue(fan_out_notice, notice_id=notice.pk))
    return notice


def publish_due_notices(*, now: datetime.datetime | None = None) -> int:
    """Beat: publish scheduled notices whose time has come."""
    now = now or timezone.now()
    due = Notice.objects.filter(status=NoticeStatus.SCHEDULED, scheduled_for__lte=now).values_list("pk", flat=True)
    published = 0
    for pk in list(due):
        notice_publish(actor=None, notice=Notice(pk=pk), now=now)
        published += 1
    return published
