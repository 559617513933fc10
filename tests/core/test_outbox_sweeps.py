"""Outbox rows whose task was lost are queued again by the beat sweeps, and still sent only once."""

import datetime

import pytest
from django.utils import timezone

from cases.models import CaseKind, CaseNotification
from cases.tasks import sweep_case_notifications
from ercot_services.core.models import OutboundEmail
from ercot_services.core.outbox import email_queue
from ercot_services.core.tasks import sweep_outbound_email, sweep_outboxes
from tests.case_inputs import submit_case

pytestmark = pytest.mark.django_db


def _age(queryset, minutes=30):
    queryset.update(created_at=timezone.now() - datetime.timedelta(minutes=minutes))


def test_a_lost_outbound_email_is_sent_by_the_sweep_once(mailoutbox):
    email_queue(key="test:lost", to=["ar@example.com"], subject="Hello", body="Body")  # on_commit never runs here
    assert OutboundEmail.objects.get(key="test:lost").status == OutboundEmail.Status.PENDING
    assert sweep_outbound_email() == 0  # too recent: its own task may still be on the way
    _age(OutboundEmail.objects.all())
    assert sweep_outbound_email() == 1
    assert sweep_outbound_email() == 0
    assert [m.to for m in mailoutbox] == [["ar@example.com"]]


def test_a_lost_case_email_is_sent_by_the_sweep_once(mailoutbox, participant, mp_user):
    from cases.models import CaseCategory

    submit_case(
        actor=mp_user,
        kind=CaseKind.INQUIRY,
        category=CaseCategory.objects.get(code="other"),
        subject="Lost receipt",
        description="The task never ran.",
        participant=participant,
    )
    rows = CaseNotification.objects.filter(status=CaseNotification.Status.PENDING)
    assert rows.count() == 1
    _age(rows)
    assert sweep_case_notifications() == 1
    assert sweep_case_notifications() == 0
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [mp_user.email]


def test_the_beat_runs_one_sweep_for_every_kind_of_email(settings):
    outbox_entries = [
        entry["task"]
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if "sweep" in entry["task"] or "reclaim" in entry["task"]
    ]
    assert outbox_entries == ["ercot_services.core.tasks.sweep_outboxes"]


def test_the_one_sweep_sends_the_lost_rows_of_every_kind_once(mailoutbox, participant, mp_user):
    from cases.models import CaseCategory

    email_queue(key="test:lost", to=["ar@example.com"], subject="Hello", body="Body")
    submit_case(
        actor=mp_user,
        kind=CaseKind.INQUIRY,
        category=CaseCategory.objects.get(code="other"),
        subject="Lost receipt",
        description="The task never ran.",
        participant=participant,
    )
    nothing = {"email": 0, "case_email": 0, "letter": 0, "notice": 0, "webhook": 0, "dispute_deadline_reminder": 0}
    assert sweep_outboxes() == nothing
    _age(OutboundEmail.objects.all())
    _age(CaseNotification.objects.all())

    assert sweep_outboxes() == {**nothing, "email": 1, "case_email": 1}
    assert sweep_outboxes() == nothing
    assert sorted(m.to[0] for m in mailoutbox) == sorted(["ar@example.com", mp_user.email])
