"""The daily dispute-deadline reminder: one email per MP and address listing the windows that close in three
Business Days on charge types the MP disputed recently; through the outbox, once."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from accounts.models import ContactRank, ContactRole
from cases.models import DeadlineReminder, DeadlineReminderWindow, SettlementStatement
from cases.services.deadline_reminders import dispute_deadline_reminders_queue
from cases.tasks import send_deadline_reminder_emails, send_dispute_deadline_reminders
from ercot_services.core.calendar import business_calendar
from ercot_services.core.models import AuditEvent, Holiday
from ercot_services.core.outbox import outbox_suppressed
from tests.accounts.factories import MembershipFactory, ParticipantFactory
from tests.cases.factories import CaseFactory, DisputeDetailFactory

D = datetime.date
TODAY = D(2026, 10, 14)  # Wednesday (``business_day_morning``)
CLOSES = D(2026, 10, 19)  # Monday: 3 Business Days later (15, 16, 19)
CHARGE = "Day-Ahead Energy Purchase"


@pytest.fixture
def setup(business_day_morning, participant, account_manager):
    """A DAM window closing Monday (3 Business Days away), one closing Tuesday (4), and a dispute of the MP's on the
    same charge type eight days ago; a settlement contact and an AR (not a settlement contact)."""
    calendar = business_calendar()
    closing = SettlementStatement.objects.create(
        operating_day=D(2026, 10, 1), statement_type="dam", statement_date=calendar.add_business_days(CLOSES, -10)
    )
    SettlementStatement.objects.create(
        operating_day=D(2026, 10, 2),
        statement_type="dam",
        statement_date=calendar.add_business_days(D(2026, 10, 20), -10),
    )
    DisputeDetailFactory(
        case=CaseFactory(participant=participant, kind="dispute"),
        operating_day=TODAY - datetime.timedelta(days=8),
        statement_type="dam",
        charge_type=CHARGE,
    )
    settlement = MembershipFactory(
        participant=participant,
        contact_role=ContactRole.SETTLEMENT,
        rank=ContactRank.PRIMARY,
        user__email="settle@mp.example",
        user__full_name="Sam Settle",
    )
    ar = MembershipFactory(participant=participant, user__email="ar@mp.example")
    return {"statement": closing, "settlement": settlement.user, "ar": ar.user, "am": account_manager}


def run(django_capture_on_commit_callbacks, **kwargs) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return dispute_deadline_reminders_queue(**kwargs)


def test_one_email_to_the_settlement_contacts_and_the_am(setup, participant, django_capture_on_commit_callbacks):
    assert run(django_capture_on_commit_callbacks) == 2
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"settle@mp.example", setup["am"].email.lower()}  # not the AR
    body = by_address["settle@mp.example"].body
    assert "Hello Sam Settle" in body
    assert "Operating Day Oct 1, 2026: file by Monday, October 19, 2026" in body
    assert "Oct 2, 2026" not in body  # closes in 4 Business Days
    assert "/portal/cases/new/dispute/?statement_type=dam&charge_type=Day-Ahead+Energy+Purchase" in body
    assert "operating_day=2026-10-01" in body
    assert f"/workspace/participants/{participant.pk}/" in by_address[setup["am"].email.lower()].body
    assert participant.short_name in by_address["settle@mp.example"].subject
    assert DeadlineReminder.objects.filter(status="sent").count() == 2
    assert AuditEvent.objects.filter(verb="dispute_deadline.reminded", participant=participant).count() == 1


def test_running_again_or_retrying_sends_nothing_twice(setup, django_capture_on_commit_callbacks):
    run(django_capture_on_commit_callbacks)
    ids = list(DeadlineReminder.objects.values_list("pk", flat=True))
    assert len(mail.outbox) == 2
    assert run(django_capture_on_commit_callbacks) == 0
    with django_capture_on_commit_callbacks(execute=True):
        send_dispute_deadline_reminders.delay()
    assert send_deadline_reminder_emails(reminder_ids=ids) == 0  # a retried send task
    assert len(mail.outbox) == 2
    assert DeadlineReminderWindow.objects.count() == 2  # one per window and address


def test_a_window_is_reminded_once_per_address_even_if_a_new_contact_comes(
    setup, participant, django_capture_on_commit_callbacks
):
    run(django_capture_on_commit_callbacks)
    MembershipFactory(
        participant=participant,
        contact_role=ContactRole.SETTLEMENT,
        rank=ContactRank.SECONDARY,
        user__email="second@mp.example",
    )
    assert run(django_capture_on_commit_callbacks) == 1
    assert [m.to for m in mail.outbox[2:]] == [["second@mp.example"]]


def test_a_holiday_before_the_deadline_moves_the_reminder_a_day_earlier(setup, django_capture_on_commit_callbacks):
    # A Real-Time window counts back from the True-Up: its deadline stays Monday Oct 19 whatever the holidays
    # between today and it (Operating Day May 20, True-Up Nov 16, 20 Business Days before it).
    SettlementStatement.objects.all().delete()
    SettlementStatement.objects.create(
        operating_day=D(2026, 5, 20), statement_type="initial", statement_date=D(2026, 6, 2)
    )
    DisputeDetailFactory(
        case=CaseFactory(participant=setup["settlement"].memberships.get().participant, kind="dispute"),
        operating_day=TODAY - datetime.timedelta(days=3),
        statement_type="initial",
        charge_type="Real-Time Energy Imbalance",
    )
    Holiday.objects.create(date=D(2026, 10, 16), name="Storm day")
    # With Friday a holiday, Monday is 3 Business Days from Tuesday (14, 15, 19): the reminder goes out then...
    assert run(django_capture_on_commit_callbacks, today=D(2026, 10, 12)) == 0
    assert run(django_capture_on_commit_callbacks, today=D(2026, 10, 13)) == 2
    assert "file by Monday, October 19, 2026" in mail.outbox[0].body
    # ...and not again on Wednesday.
    assert run(django_capture_on_commit_callbacks, today=TODAY) == 0


def test_a_day_the_task_missed_is_caught_up_the_next_business_day(setup, django_capture_on_commit_callbacks):
    # The reminder was due today (3 Business Days before Monday) but no worker ran: Thursday sends it, once.
    thursday = TODAY + datetime.timedelta(days=1)
    assert run(django_capture_on_commit_callbacks, today=thursday) == 2
    assert "Operating Day Oct 1, 2026: file by Monday, October 19, 2026" in mail.outbox[0].body
    assert run(django_capture_on_commit_callbacks, today=thursday + datetime.timedelta(days=1)) == 0


def test_no_email_without_a_recent_dispute_on_the_charge_type(
    setup, participant, django_capture_on_commit_callbacks, settings
):
    settings.DISPUTE_RADAR_RECENT_OPERATING_DAYS = 5  # the dispute (8 days ago) is not recent any more
    assert run(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_a_window_closing_today_or_closed_gets_no_reminder(setup, django_capture_on_commit_callbacks):
    # Monday: Oct 1's window closes today (the radar says so), Oct 2's tomorrow (never reminded: caught up).
    assert run(django_capture_on_commit_callbacks, today=CLOSES) == 2
    assert all("Oct 1, 2026" not in message.body and "Oct 2, 2026" in message.body for message in mail.outbox)
    assert run(django_capture_on_commit_callbacks, today=CLOSES + datetime.timedelta(days=2)) == 0  # both closed


def test_other_mps_get_only_their_own(setup, participant, django_capture_on_commit_callbacks):
    other = ParticipantFactory(contacts=["ar"])
    MembershipFactory(participant=other, contact_role=ContactRole.SETTLEMENT, user__email="settle@other.example")
    run(django_capture_on_commit_callbacks)
    assert "settle@other.example" not in {m.to[0] for m in mail.outbox}
    assert not DeadlineReminder.objects.filter(participant=other).exists()


def test_nothing_is_written_while_the_outbox_is_suppressed(setup, django_capture_on_commit_callbacks):
    with outbox_suppressed():
        assert run(django_capture_on_commit_callbacks) == 0
    assert not DeadlineReminder.objects.exists()


def test_the_outbox_sweep_sends_a_reminder_whose_task_was_lost(setup, participant):
    from ercot_services.core.tasks import sweep_outboxes

    reminder = DeadlineReminder.objects.create(
        participant=participant, recipient="lost@mp.example", subject="S", body="B"
    )
    DeadlineReminder.objects.filter(pk=reminder.pk).update(created_at=reminder.created_at - datetime.timedelta(hours=1))
    assert sweep_outboxes()["dispute_deadline_reminder"] == 1
    assert [m.to for m in mail.outbox] == [["lost@mp.example"]]
    assert mail.outbox[0].extra_headers["Message-ID"].startswith(f"<deadline-reminder-{reminder.pk}@")
    assert sweep_outboxes()["dispute_deadline_reminder"] == 0
