"""Every email gets the same recovery as the notices: generic outbox emails (meeting invitations among them, with
their calendar) and case emails, queued while Redis is down or while the mail server is down, each arrive once
within the recovery target after the fault clears, with their row's Message-ID."""

from __future__ import annotations

import time
from collections import Counter

import pytest
from django.db import transaction

from cases.models import CaseCategory, CaseKind, CaseNotification
from ercot_services.core.models import OutboundEmail
from ercot_services.core.outbox import email_queue
from ercot_services.core.site import site_host
from tests.case_inputs import submit_case

from .processes import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.subprocess, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

EMAILS = 60
CASES = 4
INVITATION = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//ERCOT//Faults//EN\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n"
    "UID:faults-{i}@ercot.example\r\nDTSTAMP:20260101T150000Z\r\nDTSTART:20260105T150000Z\r\n"
    "DTEND:20260105T160000Z\r\nSUMMARY:Account review\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def queue_everything(tag: str, participant, mp_user) -> dict[str, str]:
    """Generic emails (every third an invitation) and case submissions, committed; returns Message-ID -> address."""
    with transaction.atomic():
        for i in range(EMAILS):
            email_queue(
                key=f"faults:{tag}:{i}",
                to=[f"invitee{i:03d}.{tag}@faults.example"],
                subject=f"Account review {i}",
                body="Your Account Manager invites you to the quarterly review.",
                calendar=INVITATION.format(i=i) if i % 3 == 0 else None,
                calendar_method="REQUEST",
            )
        for i in range(CASES):
            submit_case(
                actor=mp_user,
                kind=CaseKind.INQUIRY,
                category=CaseCategory.objects.get(code="other"),
                subject=f"Fault injection {tag} {i}",
                description="Sent while something was down.",
                participant=participant,
            )
    expected = {row.message_id: row.to[0] for row in OutboundEmail.objects.filter(key__startswith=f"faults:{tag}:")}
    cases = CaseNotification.objects.filter(case__subject__startswith=f"Fault injection {tag}")
    expected.update({f"<case-{row.pk}@{site_host()}>": row.recipient for row in cases})
    assert len(expected) > EMAILS + CASES - 1
    return expected


def all_sent() -> bool:
    return not (
        OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT).filter(key__startswith="faults:").exists()
        or CaseNotification.objects.exclude(status=CaseNotification.Status.SENT).exists()
    )


def assert_delivered_once(stack, expected: dict[str, str], cleared: float, recover_within: float) -> float:
    def arrived():
        accepted = [(mid, at) for _, mid, at in stack.smtp.accepted() if mid in expected]
        return set(expected) <= {mid for mid, _ in accepted} and all_sent() and accepted

    accepted = wait_until(arrived, timeout=recover_within + 60, interval=0.25, what="every email delivered")
    time.sleep(1)
    counts = Counter(mid for _, mid, _ in stack.smtp.accepted() if mid in expected)
    assert set(counts) == set(expected) and set(counts.values()) == {1}, counts.most_common(3)
    recipients = {rcpt for rcpt, mid, _ in stack.smtp.accepted() if mid in expected}
    assert recipients == set(expected.values())
    recovery = max(at for _, at in accepted) - cleared
    assert recovery <= recover_within, f"{recovery:.1f} s\n{stack.logs()}"
    return recovery


def test_emails_queued_while_redis_is_down_arrive_once_it_is_back(stack, recover_within, participant, mp_user):
    stack.redis.stop()
    started = time.monotonic()
    expected = queue_everything("redisdown", participant, mp_user)  # each on_commit publish fails, and is logged
    assert time.monotonic() - started < 15  # the requests did not wait on the broker (one failed publish each)
    time.sleep(3)
    stack.redis.start()
    cleared = time.monotonic()
    recovery = assert_delivered_once(stack, expected, cleared, recover_within)
    print(f"emails, redis down while queueing: {len(expected)} delivered once, {recovery:.1f} s after Redis was back")


def test_emails_queued_while_the_mail_server_is_down_arrive_once_it_is_back(
    stack, recover_within, participant, mp_user
):
    stack.smtp.go_down()
    expected = queue_everything("smtpdown", participant, mp_user)
    wait_until(
        lambda: OutboundEmail.objects.filter(key__startswith="faults:smtpdown:", last_error="").count() < EMAILS,
        timeout=30,
        what="the tasks tried and found the server down",
    )
    time.sleep(10)
    stack.smtp.recover()
    cleared = time.monotonic()
    recovery = assert_delivered_once(stack, expected, cleared, recover_within)
    # No attempt was charged for a server that was not there.
    assert set(OutboundEmail.objects.filter(key__startswith="faults:smtpdown:").values_list("attempts", flat=True)) == {
        1
    }
    print(f"emails, mail server down while queueing: {len(expected)} delivered once, {recovery:.1f} s after")
