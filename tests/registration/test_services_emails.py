"""Registration emails: to the AR and Backup AR with the AM in copy, queued on commit and sent once; reminders."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import ContactRole, Membership
from accounts.services import membership_end
from ercot_services.core.calendar import business_calendar
from ercot_services.core.models import OutboundEmail
from ercot_services.core.tasks import send_outbound_email
from registration.models import ApplicationKind, ApplicationStatus
from registration.services import (
    application_approve,
    application_reject,
    application_send_reminders,
    application_withdraw,
)
from registration.tasks import send_review_reminders
from tests.accounts.factories import MembershipFactory, ParticipantFactory

from .conftest import ct

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def draft(kit, participant, ar, bar):
    # A settlement contact exists but is never emailed about registration.
    MembershipFactory(
        participant=participant, contact_role=ContactRole.SETTLEMENT, user__email="sam.settle@bluebonnet.example"
    )
    return kit.build(participant, ar, ApplicationStatus.DRAFT, kind=ApplicationKind.REVISION)


@pytest.fixture
def am_email(account_manager):
    return account_manager.email


def _assert_one_email(mailoutbox, ar, bar, am_email):
    assert len(mailoutbox) == 1, [m.subject for m in mailoutbox]
    message = mailoutbox[0]
    assert message.to == sorted([ar.email, bar.email])
    assert message.cc == [am_email]
    return message


def test_submission_emails_the_ar_and_bar_with_the_am_in_copy(
    kit, draft, ar, bar, am_email, participant, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        kit.submit(draft, ar, now=ct(2026, 3, 2, 10))

    message = _assert_one_email(mailoutbox, ar, bar, am_email)
    assert (
        message.subject == f"[{draft.reference}] Notice of Change of Information submitted for {participant.legal_name}"
    )
    assert "Monday, March 16, 2026" in message.body
    assert ar.full_name in message.body
    assert f"/portal/registration/{draft.reference}/" in message.body


def test_an_information_request_emails_the_message(
    kit, draft, ar, bar, am_email, django_capture_on_commit_callbacks, mailoutbox
):
    kit.submit(draft, ar)
    kit.review(draft)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        kit.request_info(draft, message="Upload the signed page 4 of Form E.")

    message = _assert_one_email(mailoutbox, ar, bar, am_email)
    assert message.subject.startswith(f"[{draft.reference}] Information needed")
    assert "Upload the signed page 4 of Form E." in message.body
    assert "paused" in message.body


@pytest.mark.parametrize("decision", ["approved", "rejected"])
def test_the_decision_is_emailed_once(
    kit, participant, ar, bar, am_email, decision, django_capture_on_commit_callbacks, mailoutbox
):
    application = kit.build(participant, ar, ApplicationStatus.UNDER_REVIEW, kind=ApplicationKind.REVISION)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        if decision == "approved":
            application_approve(actor=kit.reviewer, application=application, reason="All documents in order.")
        else:
            application_reject(actor=kit.reviewer, application=application, reason="Form E is not signed.")

    message = _assert_one_email(mailoutbox, ar, bar, am_email)
    assert f"Notice of Change of Information {decision}" in message.subject
    assert ("All documents in order." if decision == "approved" else "Form E is not signed.") in message.body


def test_a_resubmission_sends_a_new_submitted_email(
    kit, draft, ar, bar, am_email, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        kit.submit(draft, ar, now=ct(2026, 3, 2, 10))
        kit.review(draft)
        kit.request_info(draft, now=ct(2026, 3, 4, 10))
        kit.submit(draft, bar, now=ct(2026, 3, 11, 10))

    subjects = [m.subject for m in mailoutbox]
    assert subjects == [
        f"[{draft.reference}] Notice of Change of Information submitted for {draft.participant.legal_name}",
        f"[{draft.reference}] Information needed for {draft.participant.legal_name}'s notice of change of information",
        f"[{draft.reference}] Notice of Change of Information resubmitted for {draft.participant.legal_name}",
    ]
    assert "Monday, March 23, 2026" in mailoutbox[2].body  # the extended due date
    assert OutboundEmail.objects.filter(key__startswith=f"registration:{draft.reference}:submitted").count() == 2


def test_the_whole_review_sends_each_email_once_and_a_second_send_sends_nothing(
    kit, draft, ar, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        kit.submit(draft, ar)
        kit.review(draft)
        kit.request_info(draft)
        kit.submit(draft, ar)
        kit.review(draft)
        kit.accept_all(draft)
        application_approve(actor=kit.reviewer, application=draft)
    assert len(mailoutbox) == 4

    rows = OutboundEmail.objects.filter(key__startswith=f"registration:{draft.reference}:")
    assert rows.count() == 4
    assert set(rows.values_list("status", flat=True)) == {OutboundEmail.Status.SENT}
    for row in rows:
        assert send_outbound_email(email_id=row.pk) is False
        send_outbound_email.delay(email_id=row.pk)
    assert len(mailoutbox) == 4


def test_withdrawing_sends_nothing(kit, draft, ar, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        application_withdraw(actor=ar, application=draft, reason="Not needed")
    assert mailoutbox == []


def test_ended_contacts_are_not_emailed_and_an_mp_without_am_has_no_copy(
    kit, ar, bar, django_capture_on_commit_callbacks, mailoutbox
):
    lone = ParticipantFactory(role_codes=["QSE"])
    lone_ar = MembershipFactory(participant=lone).user
    former = MembershipFactory(participant=lone, contact_role=ContactRole.BACKUP_AUTHORIZED_REPRESENTATIVE).user
    membership_end(actor=None, membership=Membership.objects.get(user=former))
    application = kit.build(lone, lone_ar, ApplicationStatus.DRAFT, kind=ApplicationKind.REVISION)

    with django_capture_on_commit_callbacks(execute=True):
        kit.submit(application, lone_ar)

    [message] = mailoutbox
    assert (message.to, message.cc) == ([lone_ar.email], [])


# --- reminders -------------------------------------------------------------------------------------


def test_the_reviewer_is_reminded_once_when_two_business_days_remain(
    kit, draft, ar, reviewer, django_capture_on_commit_callbacks, mailoutbox
):
    kit.submit(draft, ar, now=ct(2026, 3, 2, 10))  # due Monday March 16
    kit.review(draft)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert application_send_reminders(today=D(2026, 3, 11)) == 0  # three Business Days left
        assert application_send_reminders(today=D(2026, 3, 12)) == 1  # two left
        assert application_send_reminders(today=D(2026, 3, 12)) == 0
        assert application_send_reminders(today=D(2026, 3, 13)) == 0

    [message] = mailoutbox
    assert message.to == [reviewer.email]
    assert message.subject == f"[{draft.reference}] Review due Mar 16, 2026"
    assert f"/workspace/registration/{draft.reference}/" in message.body
    draft.refresh_from_db()
    assert draft.reminder_sent_on == D(2026, 3, 12)


def test_before_review_the_reminder_goes_to_the_am(
    kit, draft, ar, am_email, django_capture_on_commit_callbacks, mailoutbox
):
    kit.submit(draft, ar, now=ct(2026, 3, 2, 10))
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert application_send_reminders(today=D(2026, 3, 17)) == 1  # overdue counts too

    assert [m.to for m in mailoutbox] == [[am_email]]


def test_a_paused_application_is_not_reminded(kit, draft, ar, django_capture_on_commit_callbacks, mailoutbox):
    kit.submit(draft, ar, now=ct(2026, 3, 2, 10))
    kit.review(draft)
    kit.request_info(draft, now=ct(2026, 3, 4, 10))
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert application_send_reminders(today=D(2026, 3, 13)) == 0
        assert application_send_reminders(today=D(2026, 3, 20)) == 0

    assert mailoutbox == []


@pytest.mark.parametrize(
    "status",
    [ApplicationStatus.APPROVED, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN, ApplicationStatus.DRAFT],
)
def test_closed_applications_are_not_reminded(kit, participant, ar, status):
    kit.build(participant, ar, status, kind=ApplicationKind.REVISION)
    far_future = timezone.localdate() + datetime.timedelta(days=400)
    assert application_send_reminders(today=far_future) == 0


def test_after_a_resubmission_the_new_due_date_gets_its_own_reminder(
    kit, draft, ar, reviewer, django_capture_on_commit_callbacks, mailoutbox
):
    kit.submit(draft, ar, now=ct(2026, 3, 2, 10))  # due March 16
    kit.review(draft)
    assert application_send_reminders(today=D(2026, 3, 12)) == 1
    kit.request_info(draft, now=ct(2026, 3, 13, 10))
    kit.submit(draft, ar, now=ct(2026, 3, 20, 10))  # 5 Business Days later: due March 23
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert application_send_reminders(today=D(2026, 3, 18)) == 0
        assert application_send_reminders(today=D(2026, 3, 19)) == 1
        assert application_send_reminders(today=D(2026, 3, 19)) == 0

    [message] = mailoutbox
    assert message.subject == f"[{draft.reference}] Review due Mar 23, 2026"


def test_the_beat_task_reminds_about_reviews_due_soon(kit, draft, ar, django_capture_on_commit_callbacks, mailoutbox):
    calendar = business_calendar()
    today = timezone.localdate()
    started = calendar.add_business_days(calendar.next_business_day(today), -9)
    kit.submit(draft, ar, now=timezone.make_aware(datetime.datetime.combine(started, datetime.time(10))))
    kit.review(draft)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert send_review_reminders.delay().get() == 1
        assert send_review_reminders.delay().get() == 0

    assert len(mailoutbox) == 1
