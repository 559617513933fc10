"""Email that opens cases (cases.services.inbound): real MIME messages in, cases and case messages out."""

from __future__ import annotations

import datetime
import email.utils
from email.message import EmailMessage

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import StaffGroup
from cases.models import (
    Case,
    CaseKind,
    CaseMessage,
    CaseNotification,
    CaseStatus,
    Channel,
    InboundMessage,
    InboundOutcome,
    InboundSource,
    InboundStatus,
)
from cases.outbox import case_email_message_id
from cases.services.inbound import inbound_message_receive, inbound_message_reprocess
from ercot_services.core.models import AuditEvent, DomainError
from tests.accounts.factories import MembershipFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

CLIENT_SERVICES = "clientservices@ercot.example"
SERVICE_DESK = "servicedesk@ercot.example"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def mail(
    *,
    sender: str,
    to: str = CLIENT_SERVICES,
    subject: str = "Question about our ESI IDs",
    body: str | None = "Hello, we see a difference in the usage data for October.",
    message_id: str | None = None,
    date: datetime.datetime | None = None,
    headers: dict | None = None,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id or email.utils.make_msgid(domain="mp.example")
    message["Date"] = email.utils.format_datetime(date or timezone.now() - datetime.timedelta(minutes=3))
    for name, value in (headers or {}).items():
        message[name] = value
    if body is not None:
        message.set_content(body)
    return message


def receive(message, **kwargs) -> InboundMessage:
    raw = message if isinstance(message, bytes) else message.as_bytes()
    return inbound_message_receive(raw=raw, source=kwargs.pop("source", InboundSource.MAILDIR), **kwargs)


# --- new cases ----------------------------------------------------------------------------------------------


def test_a_plain_email_from_a_contact_opens_an_inquiry_routed_to_their_account_manager(
    mp_user, participant, account_manager, mailoutbox, django_capture_on_commit_callbacks
):
    sent = timezone.now() - datetime.timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        row = receive(mail(sender=f"Pat Contact <{mp_user.email}>", date=sent))

    assert row.status == InboundStatus.PROCESSED and row.outcome == InboundOutcome.NEW_CASE
    case = row.case
    assert case.kind == CaseKind.INQUIRY and case.channel == Channel.EMAIL
    assert case.participant == participant and case.submitted_by == mp_user
    assert case.assignee == account_manager.user
    assert case.subject == "Question about our ESI IDs"
    assert "usage data for October" in case.description
    assert abs(case.created_at - sent) < datetime.timedelta(seconds=1), "the case is received when the mail was"
    assert [m.to for m in mailoutbox] == [[mp_user.email]]
    assert case.reference in mailoutbox[0].subject and "We received your email" in mailoutbox[0].body
    assert row.acknowledged


def test_mail_to_the_service_desk_address_goes_to_the_service_desk_queue(mp_user, participant):
    row = receive(mail(sender=mp_user.email, to=f"Service Desk <{SERVICE_DESK}>"))
    case = row.case
    assert case.queue.name == StaffGroup.SERVICE_DESK and case.assignee is None
    assert case.participant == participant and case.channel == Channel.EMAIL


def test_an_unknown_sender_opens_a_potential_mp_contact(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = receive(mail(sender="Dana Prospect <dana@newco.example>", subject="Becoming a REP"))
    case = row.case
    assert case.kind == CaseKind.POTENTIAL_MP and case.participant is None
    assert (case.contact_name, case.contact_email) == ("Dana Prospect", "dana@newco.example")
    assert case.queue.name == StaffGroup.SERVICE_DESK
    assert [m.to for m in mailoutbox] == [["dana@newco.example"]]


def test_a_contact_of_an_mp_not_registered_yet_opens_a_potential_mp_contact_for_that_mp():
    prospect = ParticipantFactory(prospective=True)
    user = MembershipFactory(participant=prospect).user
    case = receive(mail(sender=user.email)).case
    assert case.kind == CaseKind.POTENTIAL_MP and case.participant == prospect and case.submitted_by == user


def test_a_multipart_email_keeps_accepted_attachments_and_notes_refused_ones(mp_user):
    message = mail(sender=mp_user.email, body="Statement attached.")
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="statement.pdf")
    message.add_attachment(EXE, maintype="application", subtype="octet-stream", filename="invoice.exe")
    row = receive(message)

    case = row.case
    assert [a.original_name for a in case.attachments.all()] == ["statement.pdf"]
    note = CaseMessage.objects.get(case=case, is_internal=True)
    assert "invoice.exe" in note.body and "not an accepted file type" in note.body
    assert row.status == InboundStatus.PROCESSED, "a refused attachment does not lose the mail"


def test_non_utf8_headers_and_body_are_decoded():
    raw = (
        "From: =?iso-8859-1?q?Jos=E9_Pe=F1a?= <jose@prospect.example>\r\n"
        f"To: {CLIENT_SERVICES}\r\n"
        "Subject: =?windows-1252?q?Factura_=96_se=F1ales?=\r\n"
        "Message-ID: <latin1@prospect.example>\r\n"
        f"Date: {email.utils.format_datetime(timezone.now())}\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=windows-1252\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
    ).encode("ascii") + "Año «señal» – €10\r\n".encode("windows-1252")
    case = receive(raw).case
    assert case.contact_name == "José Peña"
    assert case.subject == "Factura – señales"
    assert "Año «señal» – €10" in case.description


def test_raw_8bit_headers_without_encoding_are_read_as_windows_1252():
    raw = (
        b"From: Ren\xe9e <renee@prospect.example>\r\nTo: " + CLIENT_SERVICES.encode() + b"\r\n"
        b"Subject: Caf\xe9 question\r\nMessage-ID: <raw8bit@prospect.example>\r\n"
        b"Content-Type: text/plain; charset=iso-8859-1\r\n\r\nD\xe9j\xe0 vu\r\n"
    )
    case = receive(raw).case
    assert case.subject == "Café question"
    assert "Déjà vu" in case.description


def test_an_html_only_email_is_turned_into_text_without_markup_or_scripts(mp_user):
    message = mail(sender=mp_user.email, body=None)
    message.set_content(
        "<html><head><style>p{color:red}</style><script>alert(1)</script></head><body>"
        "<p>Hello &amp; welcome</p><p>See <a href='https://mp.example/x'>our data</a></p></body></html>",
        subtype="html",
    )
    case = receive(message).case
    assert "Hello & welcome" in case.description
    assert "our data (https://mp.example/x)" in case.description
    assert "<" not in case.description and "alert" not in case.description and "color" not in case.description


# --- automatic mail and loops -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers, sender",
    [
        ({"Auto-Submitted": "auto-replied"}, None),
        ({"X-Autoreply": "yes"}, None),
        ({"Precedence": "bulk"}, None),
        ({"Precedence": "auto_reply"}, None),
        ({}, "MAILER-DAEMON@mx.mp.example"),
        ({}, CLIENT_SERVICES),
    ],
)
def test_automatic_mail_and_our_own_is_ignored_and_never_answered(headers, sender, mp_user, mailoutbox):
    row = receive(mail(sender=sender or mp_user.email, subject="Out of office", headers=headers))
    assert row.status == InboundStatus.IGNORED and row.reason
    assert Case.objects.count() == 0 and mailoutbox == []


def test_a_bounce_is_ignored(mailoutbox):
    dsn = (
        b"From: MAILER-DAEMON@mx.example\r\nTo: " + CLIENT_SERVICES.encode() + b"\r\n"
        b"Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn-1@mx.example>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        b"--B\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
        b"--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example\r\n\r\n"
        b"Final-Recipient: rfc822; gone@mp.example\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n--B--\r\n"
    )
    row = receive(dsn)
    assert row.status == InboundStatus.IGNORED and "bounce" in row.reason
    assert Case.objects.count() == 0 and mailoutbox == []


def test_receipts_to_one_sender_stop_at_the_hourly_limit(settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.INBOUND_ACKS_PER_SENDER_PER_HOUR = 2
    with django_capture_on_commit_callbacks(execute=True):
        rows = [receive(mail(sender="robot@prospect.example", subject=f"Ticket {i}")) for i in range(3)]
    assert [row.acknowledged for row in rows] == [True, True, False]
    assert len(mailoutbox) == 2
    assert "hourly limit" in CaseMessage.objects.get(case=rows[2].case, is_internal=True).body


# --- threads ------------------------------------------------------------------------------------------------


def test_a_reply_quoting_the_reference_in_the_subject_becomes_a_message_on_the_open_case(submit, mp_user):
    case = submit()
    row = receive(mail(sender=mp_user.email, subject=f"Re: [{case.reference}] {case.subject}", body="More detail."))
    assert row.outcome == InboundOutcome.REPLY and row.case == case
    assert row.case_message.body == "More detail." and row.case_message.author == mp_user
    assert Case.objects.count() == 1


def test_a_reply_by_in_reply_to_our_case_email_reaches_the_case_and_puts_it_back_in_progress(submit, mp_user, am_user):
    from cases.services import case_reply

    case = submit()
    case_reply(actor=am_user, case=case, body="Could you send the ESI ID?", wait_on_participant=True)
    case.refresh_from_db()
    assert case.status == CaseStatus.WAITING
    ours = CaseNotification.objects.filter(case=case, event=CaseNotification.Event.REPLY).latest("pk")
    row = receive(
        mail(
            sender=mp_user.email,
            subject="Re: your question",
            body="It is 1008901000000000000.",
            headers={"In-Reply-To": case_email_message_id(ours.pk), "References": case_email_message_id(ours.pk)},
        )
    )
    case.refresh_from_db()
    assert row.case == case and row.outcome == InboundOutcome.REPLY
    assert case.status == CaseStatus.IN_PROGRESS


def test_a_reply_to_a_closed_case_opens_a_linked_case_and_tells_the_sender(
    submit, mp_user, lead, mailoutbox, django_capture_on_commit_callbacks
):
    from cases.services import case_close, case_resolve

    case = submit()
    case_resolve(actor=lead, case=case, resolution_summary="Answered.")
    case_close(actor=lead, case=case)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        row = receive(mail(sender=mp_user.email, subject=f"Re: [{case.reference}] thanks", body="One more thing."))

    case.refresh_from_db()
    assert case.messages.filter(body="One more thing.").count() == 0, "nothing is added to the closed case"
    follow_up = row.case
    assert row.outcome == InboundOutcome.FOLLOW_UP and follow_up != case
    assert case in follow_up.related.all() and follow_up.participant == case.participant
    assert case.reference in follow_up.subject
    assert len(mailoutbox) == 1 and f"It replied to {case.reference}, which is closed" in mailoutbox[0].body


def test_another_mp_quoting_a_case_reference_gets_a_new_case_and_nothing_is_added_to_the_quoted_one(
    submit, other_mp_user, other_participant, mailoutbox, django_capture_on_commit_callbacks
):
    case = submit()
    with django_capture_on_commit_callbacks(execute=True):
        row = receive(mail(sender=other_mp_user.email, subject=f"Re: [{case.reference}]", body="Let me in"))
    assert row.outcome == InboundOutcome.NEW_CASE and row.case != case
    assert row.case.participant == other_participant
    assert not case.messages.exists()
    assert case.reference not in mailoutbox[-1].body


def test_another_mp_replying_by_in_reply_to_is_not_added_either(submit, other_mp_user):
    case = submit()
    ours = CaseNotification.objects.filter(case=case).latest("pk")
    row = receive(mail(sender=other_mp_user.email, headers={"In-Reply-To": case_email_message_id(ours.pk)}))
    assert row.case != case and not case.messages.exists()


def test_the_unknown_original_sender_of_a_potential_mp_contact_may_reply_to_it(mailoutbox):
    first = receive(mail(sender="dana@newco.example", subject="Becoming a REP")).case
    row = receive(
        mail(
            sender="Dana <dana@newco.example>",
            subject="Re: more",
            body="Our PUCT number is 10000.",
            headers={"In-Reply-To": first.inbound_messages.get().message_id},
        )
    )
    assert row.case == first and row.outcome == InboundOutcome.REPLY
    assert row.case_message.author is None and row.case_message.author_name == "Dana"


# --- once only, failures, reprocessing ----------------------------------------------------------------------


def test_a_duplicate_delivery_makes_no_second_case(mp_user, mailoutbox, django_capture_on_commit_callbacks):
    message = mail(sender=mp_user.email, message_id="<same-1@mp.example>")
    with django_capture_on_commit_callbacks(execute=True):
        first = receive(message)
        second = receive(message, source=InboundSource.WEBHOOK)
    assert first.pk == second.pk and InboundMessage.objects.count() == 1
    assert Case.objects.count() == 1 and len(mailoutbox) == 1


def test_a_failure_is_recorded_with_its_reason_and_can_be_reprocessed(mp_user, lead, categories):
    from cases.models import CaseCategory

    CaseCategory.objects.update(is_active=False)
    row = receive(mail(sender=mp_user.email))
    assert row.status == InboundStatus.FAILED and "No active case category" in row.reason
    assert Case.objects.count() == 0

    CaseCategory.objects.update(is_active=True)
    row = inbound_message_reprocess(actor=lead, message=row)
    assert row.status == InboundStatus.PROCESSED and row.case is not None and row.attempts == 2
    assert AuditEvent.objects.filter(verb="inbound_message.reprocessed", target_object_id=str(row.pk)).exists()


def test_only_case_workers_reprocess_and_only_failed_messages(mp_user, lead, categories):
    from cases.models import CaseCategory
    from tests.accounts.factories import StaffFactory

    row = receive(mail(sender=mp_user.email))
    with pytest.raises(DomainError) as refused:
        inbound_message_reprocess(actor=lead, message=row)
    assert refused.value.code == "inbound_not_failed"

    CaseCategory.objects.update(is_active=False)
    failed = receive(mail(sender=mp_user.email))
    CaseCategory.objects.update(is_active=True)
    publisher = StaffFactory(groups=[StaffGroup.NOTICE_PUBLISHER])
    for actor in (mp_user, publisher):
        with pytest.raises(DomainError):
            inbound_message_reprocess(actor=actor, message=failed)
    failed.refresh_from_db()
    assert failed.status == InboundStatus.FAILED and failed.case is None


def test_a_date_in_the_future_or_long_ago_is_not_believed(mp_user):
    now = timezone.now()
    future = receive(mail(sender=mp_user.email, date=now + datetime.timedelta(days=2)))
    old = receive(mail(sender=mp_user.email, date=now - datetime.timedelta(days=400)))
    for row in (future, old):
        assert abs(row.received_at - now) < datetime.timedelta(minutes=1)


def test_the_received_header_wins_over_the_date_header(mp_user):
    arrived = timezone.now() - datetime.timedelta(hours=1)
    message = mail(sender=mp_user.email, date=arrived - datetime.timedelta(days=3))
    message["Received"] = f"from mx.mp.example by mx.ercot.example; {email.utils.format_datetime(arrived)}"
    row = receive(message)
    assert abs(row.received_at - arrived) < datetime.timedelta(seconds=1)


# --- the webhook --------------------------------------------------------------------------------------------


@pytest.fixture
def webhook_secret(settings):
    settings.INBOUND_WEBHOOK_SECRET = "s3cret-for-tests"
    return settings.INBOUND_WEBHOOK_SECRET


def test_the_webhook_refuses_a_bad_signature(client, webhook_secret, mp_user):
    body = mail(sender=mp_user.email).as_bytes()
    response = client.post(
        reverse("inbound-mail"), body, content_type="message/rfc822", HTTP_X_INBOUND_SIGNATURE="sha256=00"
    )
    assert response.status_code == 403 and InboundMessage.objects.count() == 0


def test_the_webhook_accepts_a_signed_message_and_opens_the_case(
    client, webhook_secret, mp_user, django_capture_on_commit_callbacks
):
    from cases.inbound_sources import inbound_signature

    body = mail(sender=mp_user.email, message_id="<hook-1@mp.example>").as_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("inbound-mail"),
            body,
            content_type="message/rfc822",
            HTTP_X_INBOUND_SIGNATURE=inbound_signature(body, webhook_secret),
        )
    assert response.status_code == 202 and response.json()["message_id"] == "<hook-1@mp.example>"
    row = InboundMessage.objects.get()
    assert row.source == InboundSource.WEBHOOK and row.status == InboundStatus.PROCESSED and row.case is not None


def test_the_webhook_refuses_a_message_over_the_size_limit(client, webhook_secret, settings):
    from cases.inbound_sources import inbound_signature

    settings.INBOUND_MAX_BYTES = 100
    body = b"x" * 101
    response = client.post(
        reverse("inbound-mail"),
        body,
        content_type="message/rfc822",
        HTTP_X_INBOUND_SIGNATURE=inbound_signature(body, webhook_secret),
    )
    assert response.status_code == 413


def test_the_webhook_is_off_without_a_secret(client, settings):
    settings.INBOUND_WEBHOOK_SECRET = ""
    assert client.post(reverse("inbound-mail"), b"x", content_type="message/rfc822").status_code == 404


# --- the received time and Business Days --------------------------------------------------------------------


def test_an_email_received_on_a_holiday_starts_its_clock_at_the_next_business_day(mp_user, participant, settlements):
    import time_machine

    from cases.services import InquiryInput, inquiry_submit
    from ercot_services.core.models import Holiday
    from tests.cases.conftest import ct

    Holiday.objects.create(date=datetime.date(2026, 10, 12), name="Storm day")  # a Monday
    written = ct(2026, 10, 12, 10, 0)
    with time_machine.travel(ct(2026, 10, 13, 11, 0), tick=False):  # read on Tuesday, late morning
        case = receive(mail(sender=mp_user.email, date=written)).case
        same_as = inquiry_submit(
            actor=mp_user,
            inquiry=InquiryInput(category=case.category, subject="x", description="x", participant=participant),
            now=ct(2026, 10, 13, 8, 0),  # Tuesday's opening: the first business moment after the email
        )
    assert case.created_at == written, "the case is received when the email was, not when it was read"
    assert case.first_response_due_at == same_as.first_response_due_at
    assert case.resolution_due_at == same_as.resolution_due_at


def test_a_reply_keeps_its_own_words_and_drops_the_quoted_thread(submit, mp_user):
    case = submit()
    body = (
        "The ESI ID is 1008901000000000000.\n\nThanks,\nPat\n\n"
        f"On Tue, Oct 13, 2026 at 10:00 AM Client Services <{CLIENT_SERVICES}>\nwrote:\n"
        "> Could you send the ESI ID?\n> Regards"
    )
    row = receive(mail(sender=mp_user.email, subject=f"Re: [{case.reference}]", body=body))
    assert row.case_message.body == "The ESI ID is 1008901000000000000.\n\nThanks,\nPat"


def test_an_emailed_case_reaches_the_mps_api_webhooks_like_any_other(mp_user, django_capture_on_commit_callbacks):
    from api.webhooks.fanout import webhook_fanout

    with django_capture_on_commit_callbacks() as callbacks:
        case = receive(mail(sender=mp_user.email)).case
    fanouts = [callback for callback in callbacks if getattr(callback, "func", None) is webhook_fanout]
    submitted = AuditEvent.objects.get(verb="case.submitted", target_object_id=str(case.pk))
    assert [callback.keywords for callback in fanouts] == [{"audit_event_id": submitted.pk}]


def test_a_prospects_emailed_reply_puts_their_case_waiting_on_them_back_in_progress(lead):
    from cases.services import case_reply

    first = receive(mail(sender="dana@newco.example", subject="Becoming a REP")).case
    case_reply(actor=lead, case=first, body="Which market roles?", wait_on_participant=True)
    first.refresh_from_db()
    assert first.status == CaseStatus.WAITING
    ours = CaseNotification.objects.filter(case=first, event=CaseNotification.Event.REPLY).latest("pk")
    receive(mail(sender="dana@newco.example", headers={"In-Reply-To": case_email_message_id(ours.pk)}))
    first.refresh_from_db()
    assert first.status == CaseStatus.IN_PROGRESS and first.paused_at is None
    moved = AuditEvent.objects.filter(verb="case.status_changed", target_object_id=str(first.pk)).latest("pk")
    assert moved.actor is None and moved.reason == "Participant replied by email"
