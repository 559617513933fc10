"""Four-eyes approval and who may draft, approve, schedule and publish."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from ercot_services.core.models import DomainError
from notices.models import NoticeDelivery, NoticeStatus
from notices.services import (
    NoticeInput,
    notice_approve,
    notice_create,
    notice_publish,
    notice_return_to_draft,
    notice_schedule,
    notice_submit_for_review,
    publish_due_notices,
)
from tests.accounts.factories import StaffFactory

from .conftest import subscribe


@pytest.fixture
def outsider(db):
    return StaffFactory(groups=["Account Manager"])


def test_author_cannot_approve_own_notice(draft_factory, publisher, approver):
    notice = draft_factory()
    notice_submit_for_review(actor=publisher, notice=notice)
    with pytest.raises(DomainError, match="different Notice Publisher"):
        notice_approve(actor=publisher, notice=notice)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.IN_REVIEW and notice.approver is None
    notice_approve(actor=approver, notice=notice)
    assert notice.status == NoticeStatus.APPROVED and notice.approver == approver


def test_non_publisher_cannot_draft(outsider, credit):
    with pytest.raises(DomainError, match="Only Notice Publishers"):
        notice_create(actor=outsider, data=NoticeInput(notice_type=credit, short_description="x", long_description="y"))


def test_non_publisher_cannot_approve_publish_or_schedule(draft_factory, publisher, approver, outsider):
    notice = draft_factory()
    notice_submit_for_review(actor=publisher, notice=notice)
    with pytest.raises(DomainError, match="Only a Notice Publisher"):
        notice_approve(actor=outsider, notice=notice)
    notice_approve(actor=approver, notice=notice)
    with pytest.raises(DomainError, match="Only a Notice Publisher"):
        notice_publish(actor=outsider, notice=notice)
    with pytest.raises(DomainError, match="Only a Notice Publisher"):
        notice_schedule(actor=outsider, notice=notice, when=timezone.now() + datetime.timedelta(hours=1))
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.APPROVED and notice.notice_id is None


def test_a_draft_cannot_be_published_without_approval(draft_factory, publisher):
    notice = draft_factory()
    with pytest.raises(DomainError):
        notice_publish(actor=publisher, notice=notice)
    notice_submit_for_review(actor=publisher, notice=notice)
    with pytest.raises(DomainError):
        notice_publish(actor=publisher, notice=notice)


def test_return_to_draft_clears_the_approval(draft_factory, publisher, approver):
    notice = draft_factory()
    notice_submit_for_review(actor=publisher, notice=notice)
    notice_approve(actor=approver, notice=notice)
    notice_return_to_draft(actor=approver, notice=notice, reason="Wrong day affected")
    assert notice.status == NoticeStatus.DRAFT and notice.approver is None


def test_publishing_twice_sends_nothing_new(publish, publisher, public_list, django_capture_on_commit_callbacks):
    subscribe(public_list, "a@example.com", "b@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        notice = publish(lists=[public_list])
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.com", "b@example.com"]
    with django_capture_on_commit_callbacks(execute=True):
        again = notice_publish(actor=publisher, notice=notice)
    assert again.notice_id == notice.notice_id
    assert len(mail.outbox) == 2
    assert NoticeDelivery.objects.filter(notice=notice).count() == 2


def test_scheduled_notice_is_published_by_the_beat_check_when_due(draft_factory, publisher, approver):
    notice = draft_factory()
    notice_submit_for_review(actor=publisher, notice=notice)
    notice_approve(actor=approver, notice=notice)
    when = timezone.now() + datetime.timedelta(hours=1)
    notice_schedule(actor=approver, notice=notice, when=when)
    assert publish_due_notices(now=when - datetime.timedelta(minutes=1)) == 0
    with pytest.raises(DomainError, match="not time"):
        notice_publish(actor=None, notice=notice, now=when - datetime.timedelta(minutes=1))
    assert publish_due_notices(now=when) == 1
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.PUBLISHED and notice.notice_id
