"""The notices section of seed_demo: ~50 notices, seed 003 exactly, threads, lists with subscribers, no email."""

from __future__ import annotations

import random
from collections import Counter
from types import SimpleNamespace

import pytest
from django.core import mail

from accounts.models import ContactRole
from notices.management.seed_notices import SEED_003, seed_notices
from notices.models import Acknowledgement, Notice, NoticeDelivery, NoticeStatus, Subscription
from tests.accounts.factories import MembershipFactory, ParticipantFactory, StaffFactory


@pytest.fixture
def ctx(db):
    StaffFactory(email="publisher1@ercot.example", groups=["Notice Publisher"])
    StaffFactory(email="publisher2@ercot.example", groups=["Notice Publisher"])
    for roles in (["REP", "LSE"], ["REP", "LSE"], ["QSE"], ["QSE", "RE"], ["TDSP"]):
        mp = ParticipantFactory(role_codes=roles)
        for role in (
            ContactRole.AUTHORIZED_REPRESENTATIVE,
            ContactRole.CREDIT,
            ContactRole.SETTLEMENT,
            ContactRole.TECHNICAL,
        ):
            MembershipFactory(participant=mp, contact_role=role)
    return SimpleNamespace(section_rng=lambda name: random.Random(f"2026:{name}"), created=Counter())


def test_seed_notices(ctx, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        seed_notices(ctx)
    assert mail.outbox == []  # nothing sent while seeding
    assert not NoticeDelivery.objects.exclude(status="sent").exists()
    assert NoticeDelivery.objects.count() > 1000

    statuses = Counter(Notice.objects.values_list("status", flat=True))
    assert 48 <= statuses[NoticeStatus.PUBLISHED] <= 55
    assert statuses[NoticeStatus.DRAFT] >= 1 and statuses[NoticeStatus.IN_REVIEW] >= 1
    assert statuses[NoticeStatus.SCHEDULED] >= 1
    assert Notice.objects.filter(status="published").values("notice_type").distinct().count() >= 8

    seed = Notice.objects.get(notice_id="M-042424-01")
    assert seed.imported and seed.thread.letter == "" and seed.notice_type.name == "Financial/Credit"
    assert str(seed.notice_date) == "2024-04-24"
    for field in ("short_description", "days_affected", "long_description", "action_required"):
        assert getattr(seed, field) == SEED_003[field]
    assert seed.long_description.startswith("On April 22, 2024, ERCOT issued Market Notice W-A042224-01 Settlements")
    assert seed.contact.startswith("If you have any questions, please contact your ERCOT Account Manager.")

    cancellation = Notice.objects.get(kind=Notice.Kind.CANCELLATION, status="published")
    assert cancellation.notice_id.endswith("-03")
    assert cancellation.previous.kind == Notice.Kind.UPDATE and cancellation.previous.notice_id.endswith("-02")
    assert cancellation.thread.notices.count() == 3

    assert Subscription.objects.filter(status="confirmed").values("email").distinct().count() >= 250
    assert Acknowledgement.objects.exists()

    counts = (
        Notice.objects.count(),
        NoticeDelivery.objects.count(),
        Subscription.objects.count(),
        Acknowledgement.objects.count(),
    )
    seed_notices(ctx)  # idempotent
    assert counts == (
        Notice.objects.count(),
        NoticeDelivery.objects.count(),
        Subscription.objects.count(),
        Acknowledgement.objects.count(),
    )
