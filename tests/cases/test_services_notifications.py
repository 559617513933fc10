"""Case emails: written to the outbox in the service's transaction, sent once by a task after commit."""

from __future__ import annotations

import pytest
from celery.exceptions import Retry
from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

from api.webhooks.fanout import webhook_fanout
from cases.models import (
    Case,
    CaseCategory,
    CaseKind,
    CaseNotification,
    Channel,
    DisputeOutcome,
    NotificationPreference,
    SlaState,
)
from cases.services import (
    case_acknowledge,
    case_close,
    case_reply,
    case_resolve,
    case_sla_scan,
    case_start_work,
    case_wait_on_participant,
    case_withdraw,
    dispute_resolve,
)
from cases.services.incidents import incident_detection_enqueue
from cases.services.notifications import notify
from cases.tasks import send_case_notifications
from tests.case_inputs import submit_case

from .conftest import ct

pytestmark = pytest.mark.django_db


def to(mailoutbox, address):
    return [m for m in mailoutbox if m.to == [address]]


def portal_link(case):
    return f"{settings.SITE_URL}/portal/cases/{case.reference}/"


def workspace_link(case):
    return f"{settings.SITE_URL}/workspace/cases/{case.reference}/"


# --- submission receipt -------------------------------------------------------------------------------------


def test_receipt_is_sent_once_after_commit(submit, mp_user, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        case = submit()
        assert mailoutbox == []  # nothing leaves before the commit
    # One callback queues the case's emails (the api app adds its webhook fan-out, and cases its incident detection,
    # which send no email).
    quiet = (webhook_fanout, incident_detection_enqueue)
    assert len([callback for callback in callbacks if getattr(callback, "func", None) not in quiet]) == 1
    [message] = mailoutbox
    assert message.to == [mp_user.email]
    assert message.subject == f"[{case.reference}] We received your inquiry: Where is our registration?"
    assert case.reference in message.body
    assert portal_link(case) in message.body
    assert "/workspace/" not in message.body
    assert message.extra_headers["X-Case-Reference"] == case.reference
    row = CaseNotification.objects.get(case=case)
    assert (row.event, row.event_key, row.status, row.attempts) == ("submitted", "submitted", "sent", 1)
    assert row.sent_at is not None


def test_running_the_task_again_sends_nothing(submit, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = submit()
    assert len(mailoutbox) == 1
    assert send_case_notifications(case_id=case.pk, event_key="submitted") == 0
    assert send_case_notifications.delay(case_id=case.pk, event_key="submitted").get() == 0
    assert len(mailoutbox) == 1


def test_queueing_the_same_event_again_sends_nothing(submit, mp_user, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = submit()
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            case=case, event="submitted", event_key="submitted", recipients=[(mp_user.email.upper(), mp_user, False)]
        )
    assert len(mailoutbox) == 1
    assert CaseNotification.objects.filter(case=case).count() == 1


def test_receipt_of_a_case_logged_by_staff_goes_to_the_contact(
    participant, mp_user, am_user, registration, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit_case(
            actor=am_user,
            kind=CaseKind.INQUIRY,
            category=registration,
            participant=participant,
            requester=mp_user,
            channel=Channel.PHONE,
            subject="Called in",
            description="x",
        )
    assert [m.to for m in mailoutbox] == [[mp_user.email]]


def test_receipt_of_a_potential_mp_contact(registration, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = submit_case(
            actor=None,
            kind=CaseKind.POTENTIAL_MP,
            category=registration,
            channel=Channel.WEB_FORM,
            subject="Becoming a REP",
            description="Where do we start?",
            contact={"name": "Pat Newco", "email": "Pat@Newco.example"},
        )
    [message] = mailoutbox
    assert message.to == ["pat@newco.example"]
    assert case.reference in message.subject
    assert message.body.startswith("Hello,\n")  # no account behind the address: greeted generically
    assert portal_link(case) in message.body


def test_dispute_receipt_shows_the_deadline(dispute, mailoutbox):
    # The fixture was created outside a capture: the row waits in the outbox until a task runs.
    row = CaseNotification.objects.get(case=dispute, event_key="submitted")
    assert row.status == CaseNotification.Status.PENDING
    assert send_case_notifications(case_id=dispute.pk, event_key="submitted") == 1
    [message] = mailoutbox
    assert f"{dispute.dispute.filing_deadline:%B} {dispute.dispute.filing_deadline.day}," in message.body
    assert "Disputed amount: $1250.75" in message.body


def test_no_receipt_for_someone_who_opted_out(submit, mp_user, mailoutbox, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=mp_user, on_submission=False)
    with django_capture_on_commit_callbacks(execute=True):
        case = submit()
    assert mailoutbox == []
    assert not CaseNotification.objects.filter(case=case).exists()


# --- replies and internal notes -------------------------------------------------------------------------------


def test_a_staff_reply_emails_the_requester(inquiry, am_user, mp_user, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case_reply(actor=am_user, case=inquiry, body="Form B was approved this morning.")
    [message] = mailoutbox
    assert message.to == [mp_user.email]
    assert message.subject == f"[{inquiry.reference}] New reply: {inquiry.subject}"
    assert "Form B was approved this morning." in message.body
    assert portal_link(inquiry) in message.body


def test_an_internal_note_emails_nobody(inquiry, am_user, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        case_reply(actor=am_user, case=inquiry, body="MP is slow with paperwork; escalate if needed.", internal=True)
    assert callbacks == []
    assert mailoutbox == []
    assert not CaseNotification.objects.exclude(event_key="submitted").exists()


def test_internal_notes_never_reach_any_email(
    inquiry, am_user, mp_user, mailoutbox, django_capture_on_commit_callbacks
):
    secret = "INTERNAL-ONLY: credit team thinks this MP is a risk"
    with django_capture_on_commit_callbacks(execute=True):
        send_case_notifications(case_id=inquiry.pk, event_key="submitted")
        case_reply(actor=am_user, case=inquiry, body=secret, internal=True)
        case_reply(actor=am_user, case=inquiry, body="Could you send the signed form?", wait_on_participant=True)
        case_reply(actor=mp_user, case=inquiry, body="Attached now.")
        case_reply(actor=am_user, case=inquiry, body=secret + " (second note)", internal=True)
        case_resolve(actor=am_user, case=inquiry, resolution_summary="Registered.")
        case_sla_scan(now=ct(2030, 1, 2, 12))
    assert len(mailoutbox) >= 5
    for message in mailoutbox:
        assert "INTERNAL-ONLY" not in message.subject
        assert "INTERNAL-ONLY" not in message.body
    assert not CaseNotification.objects.filter(body__contains="INTERNAL-ONLY").exists()


def test_a_participant_reply_emails_the_assignee(
    inquiry, am_user, mp_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case_reply(actor=mp_user, case=inquiry, body="Any news?")
    [message] = mailoutbox
    assert message.to == [am_user.email]
    assert "Any news?" in message.body
    assert workspace_link(inquiry) in message.body


def test_a_reply_to_a_waiting_case_tells_the_assignee_it_moved(
    inquiry, am_user, mp_user, mailoutbox, django_capture_on_commit_callbacks
):
    case_wait_on_participant(actor=am_user, case=inquiry)
    with django_capture_on_commit_callbacks(execute=True):
        case_reply(actor=mp_user, case=inquiry, body="Here it is.")
    assert sorted(m.subject.split("] ")[1].split(":")[0] for m in to(mailoutbox, am_user.email)) == [
        "New reply",
        "Now In Progress",
    ]
    assert to(mailoutbox, mp_user.email) == []


def test_reply_opt_out(inquiry, am_user, mp_user, mailoutbox, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=mp_user, on_reply=False)
    with django_capture_on_commit_callbacks(execute=True):
        case_reply(actor=am_user, case=inquiry, body="Approved.")
        case_acknowledge(actor=am_user, case=inquiry)
    assert [m.subject for m in mailoutbox] == [f"[{inquiry.reference}] Now Acknowledged: {inquiry.subject}"]


# --- status changes -------------------------------------------------------------------------------------------


def test_a_status_change_emails_the_requester(
    inquiry, am_user, mp_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case_acknowledge(actor=am_user, case=inquiry)
    [message] = mailoutbox
    assert message.to == [mp_user.email]
    assert message.subject == f"[{inquiry.reference}] Now Acknowledged: {inquiry.subject}"
    assert "changed from New to Acknowledged" in message.body
    assert portal_link(inquiry) in message.body


def test_each_status_change_is_its_own_email(inquiry, am_user, mp_user, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case_start_work(actor=am_user, case=inquiry)
        case_resolve(actor=am_user, case=inquiry, resolution_summary="Approved on 11/20.")
        case_close(actor=am_user, case=inquiry)
    assert [m.subject.split("] ")[1] for m in mailoutbox] == [
        f"Now In Progress: {inquiry.subject}",
        f"Now Resolved: {inquiry.subject}",
        f"How did we do? {inquiry.subject}",  # the satisfaction survey of the resolution (test_surveys.py)
        f"Now Closed: {inquiry.subject}",
    ]
    assert "Resolution: Approved on 11/20." in mailoutbox[1].body


def test_a_dispute_outcome_is_in_the_email(dispute, am_user, mp_user, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dispute_resolve(
            actor=am_user,
            case=dispute,
            outcome=DisputeOutcome.DENIED,
            outcome_explanation="The charge matches the settlement data.",
        )
    message, survey = to(mailoutbox, mp_user.email)  # the status change, then the satisfaction survey
    assert "How did we do?" in survey.subject
    assert "Dispute outcome: Denied" in message.body
    assert "The charge matches the settlement data." in message.body


def test_a_participant_withdrawal_emails_the_assignee(
    inquiry, am_user, mp_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case_withdraw(actor=mp_user, case=inquiry, reason="Solved")
    [message] = mailoutbox
    assert message.to == [am_user.email]
    assert "Now Withdrawn" in message.subject


def test_status_opt_out(inquiry, am_user, mp_user, mailoutbox, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=mp_user, on_status_change=False)
    with django_capture_on_commit_callbacks(execute=True):
        case_acknowledge(actor=am_user, case=inquiry)
        case_reply(actor=am_user, case=inquiry, body="Still checking.")
    assert [m.subject for m in mailoutbox] == [f"[{inquiry.reference}] New reply: {inquiry.subject}"]


# --- SLA scan -------------------------------------------------------------------------------------------------


@pytest.fixture
def monday_case(submit):
    """Opened Monday Apr 13, 2026 08:00, assigned to the AM; 9 business hours to respond (due 17:00)."""
    return submit(now=ct(2026, 4, 13, 8))


def test_the_scan_warns_the_assignee_once(monday_case, am_user, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert case_sla_scan(now=ct(2026, 4, 13, 12)) == {"changed": 0, "warned": 0}
    monday_case.refresh_from_db()
    assert monday_case.sla_state == SlaState.ON_TRACK

    with django_capture_on_commit_callbacks(execute=True):
        first = case_sla_scan(now=ct(2026, 4, 13, 15))
        second = case_sla_scan(now=ct(2026, 4, 13, 15))
        third = case_sla_scan(now=ct(2026, 4, 13, 15, 30))
    assert first == {"changed": 1, "warned": 1}
    assert second == third == {"changed": 0, "warned": 0}
    monday_case.refresh_from_db()
    assert monday_case.sla_state == SlaState.AT_RISK
    assert monday_case.at_risk_notified_at == ct(2026, 4, 13, 15)
    warnings = to(mailoutbox, am_user.email)
    assert len(warnings) == 1
    assert warnings[0].subject == f"[{monday_case.reference}] SLA at risk: {monday_case.subject}"
    assert workspace_link(monday_case) in warnings[0].body

    # Breaching later changes the state but does not warn again.
    with django_capture_on_commit_callbacks(execute=True):
        assert case_sla_scan(now=ct(2026, 4, 14, 9)) == {"changed": 1, "warned": 0}
    monday_case.refresh_from_db()
    assert monday_case.sla_state == SlaState.BREACHED
    assert len(to(mailoutbox, am_user.email)) == 1
    assert CaseNotification.objects.filter(case=monday_case, event="at_risk").count() == 1


def test_the_scan_records_the_change(monday_case):
    from ercot_services.core.models import AuditEvent

    case_sla_scan(now=ct(2026, 4, 13, 15))
    [event] = AuditEvent.objects.for_object(monday_case).filter(verb="case.sla_changed")
    assert event.changes == {"sla_state": ["on_track", "at_risk"]}
    assert event.actor is None


def test_a_paused_case_is_not_flagged(monday_case, am_user, mailoutbox, django_capture_on_commit_callbacks):
    case_wait_on_participant(actor=am_user, case=monday_case, now=ct(2026, 4, 13, 9))
    with django_capture_on_commit_callbacks(execute=True):
        for now in (ct(2026, 4, 13, 16), ct(2026, 4, 20, 12), ct(2026, 12, 1, 12)):
            assert case_sla_scan(now=now) == {"changed": 0, "warned": 0}
    monday_case.refresh_from_db()
    assert monday_case.sla_state == SlaState.ON_TRACK
    assert monday_case.at_risk_notified_at is None
    assert to(mailoutbox, am_user.email) == []


def test_finished_cases_are_not_scanned(monday_case, am_user, mailoutbox, django_capture_on_commit_callbacks):
    case_withdraw(actor=am_user, case=monday_case, reason="Dup", now=ct(2026, 4, 13, 9))
    with django_capture_on_commit_callbacks(execute=True):
        assert case_sla_scan(now=ct(2026, 4, 20, 12)) == {"changed": 0, "warned": 0}
    assert to(mailoutbox, am_user.email) == []


def test_at_risk_opt_out(monday_case, am_user, mailoutbox, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=am_user, on_at_risk=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert case_sla_scan(now=ct(2026, 4, 13, 15)) == {"changed": 1, "warned": 0}
    monday_case.refresh_from_db()
    assert monday_case.sla_state == SlaState.AT_RISK
    assert to(mailoutbox, am_user.email) == []


def test_the_beat_task_runs_the_scan(monday_case):
    from cases.tasks import scan_case_slas

    result = scan_case_slas.delay().get()
    assert result == {"changed": 1, "warned": 1}  # opened in April 2026: breached by now
    monday_case.refresh_from_db()
    assert monday_case.sla_state == SlaState.BREACHED
    assert "accounts.scan_case_slas" in {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}


# --- failures and the real (non-test) transaction -------------------------------------------------------------


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP server is down")


def test_a_failed_send_stays_pending_and_is_sent_later_once(inquiry, mp_user, settings, mailoutbox):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    with pytest.raises(Retry):
        send_case_notifications.apply(kwargs={"case_id": inquiry.pk, "event_key": "submitted"})
    row = CaseNotification.objects.get(case=inquiry)
    assert row.status == CaseNotification.Status.PENDING
    assert row.attempts == 1
    assert "SMTP server is down" in row.last_error
    assert mailoutbox == []

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_case_notifications(case_id=inquiry.pk, event_key="submitted") == 1
    assert send_case_notifications(case_id=inquiry.pk, event_key="submitted") == 0
    assert [m.to for m in mailoutbox] == [[mp_user.email]]
    row.refresh_from_db()
    assert (row.status, row.attempts) == (CaseNotification.Status.SENT, 2)


@pytest.mark.django_db(transaction=True)
def test_the_scan_outside_a_test_transaction_warns_once(reference_data, participant, mp_user, am_user, mailoutbox):
    """As the beat task runs it: autocommit, one transaction per changed case, emails on each commit."""
    category = CaseCategory.objects.get(code="registration")
    cases = [
        submit_case(
            actor=mp_user,
            kind=CaseKind.INQUIRY,
            category=category,
            participant=participant,
            subject=f"Case {n}",
            description="x",
            now=ct(2026, 4, 13, 8),
        )
        for n in range(3)
    ]
    receipts = len(mailoutbox)
    assert receipts == 3  # each receipt went out when its submission committed
    for _ in range(3):
        case_sla_scan(now=ct(2026, 4, 13, 15))
    warnings = [m for m in mailoutbox[receipts:] if "SLA at risk" in m.subject]
    assert sorted(m.subject.split("]")[0][1:] for m in warnings) == sorted(c.reference for c in cases)
    assert all(m.to == [am_user.email] for m in warnings)
    assert len(mailoutbox) == receipts + 3
    assert set(Case.objects.values_list("sla_state", flat=True)) == {SlaState.AT_RISK}
