"""Qualification letters get the notices' recovery, through real processes: letters issued while the mail server or
Redis is down reach every recipient once (with the PDF and the delivery's own Message-ID) within the recovery target
after the fault clears, and every delivery row ends sent."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from ercot_services.core.site import site_host
from qualification.models import LetterDelivery
from tests.qualification.conftest import (  # noqa: F401
    centerpoint,
    flight,
    flight_admin,
    functions,
    oncor,
    q,
    qse,
    qualification_reference_data,
    rep,
    retail_ops,
)

from .processes import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.subprocess, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def issue_letter(q, rep, partners) -> dict[str, str]:  # noqa: F811
    """Issue the REP's letter (to its AR and BAR, copies to its partners'); returns Message-ID -> address."""
    letter = q.issue(q.ready(rep, partners))
    deliveries = LetterDelivery.objects.filter(letter=letter)
    expected = {f"<letter-{letter.number}-{row.pk}@{site_host()}>": row.email for row in deliveries}
    assert len(expected) >= 4
    return expected


def assert_delivered_once(stack, expected: dict[str, str], cleared: float, recover_within: float) -> float:
    def arrived():
        accepted = [(mid, at) for _, mid, at in stack.smtp.accepted() if mid in expected]
        rows_sent = not LetterDelivery.objects.exclude(status=LetterDelivery.Status.SENT).exists()
        return set(expected) <= {mid for mid, _ in accepted} and rows_sent and accepted

    accepted = wait_until(arrived, timeout=recover_within + 60, interval=0.25, what="every letter delivered")
    time.sleep(1)
    counts = Counter(mid for _, mid, _ in stack.smtp.accepted() if mid in expected)
    assert set(counts.values()) == {1}, counts.most_common(3)
    assert {rcpt for rcpt, mid, _ in stack.smtp.accepted() if mid in expected} == set(expected.values())
    recovery = max(at for _, at in accepted) - cleared
    assert recovery <= recover_within, f"{recovery:.1f} s\n{stack.logs()}"
    return recovery


def test_a_letter_issued_while_the_mail_server_is_down_reaches_everyone_once_it_is_back(
    stack,
    recover_within,
    q,  # noqa: F811
    rep,  # noqa: F811
    oncor,  # noqa: F811
    centerpoint,  # noqa: F811
):
    stack.smtp.go_down()
    expected = issue_letter(q, rep, [oncor, centerpoint])
    wait_until(
        lambda: LetterDelivery.objects.exclude(last_error="").exists(),
        timeout=30,
        what="the task tried and found the server down",
    )
    time.sleep(5)
    stack.smtp.recover()
    cleared = time.monotonic()

    recovery = assert_delivered_once(stack, expected, cleared, recover_within)

    print(f"letters, mail server down while issuing: {len(expected)} delivered once, {recovery:.1f} s after")


def test_a_letter_issued_while_redis_is_down_reaches_everyone_once_it_is_back(
    stack,
    recover_within,
    q,  # noqa: F811
    rep,  # noqa: F811
    oncor,  # noqa: F811
    centerpoint,  # noqa: F811
):
    stack.redis.stop()
    started = time.monotonic()
    expected = issue_letter(q, rep, [oncor, centerpoint])  # the on-commit publish fails and is logged
    assert time.monotonic() - started < 15  # the request did not wait on the broker
    time.sleep(3)
    stack.redis.start()
    cleared = time.monotonic()

    recovery = assert_delivered_once(stack, expected, cleared, recover_within)

    print(f"letters, Redis down while issuing: {len(expected)} delivered once, {recovery:.1f} s after Redis was back")
