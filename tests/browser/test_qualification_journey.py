"""Issue #5 end to end: results → criteria → letter through a real worker to an SMTP sink → the portal."""

import datetime
import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import ContactRank, ContactRole, ParticipantStatus
from qualification.models import BusinessFunction, EnrollmentStatus, LetterDelivery
from qualification.services import enrollment_create, flight_create
from registration.services import puct_record, qse_acknowledgement_record, qse_load_qualification_record, sfa_record
from tests.accounts.factories import PASSWORD, MembershipFactory, ParticipantFactory, StaffFactory

from .conftest import sign_in, snap

pytestmark = [pytest.mark.browser, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _contacts(participant, *roles):
    return [MembershipFactory(participant=participant, contact_role=role, rank=rank).user for role, rank in roles]


def test_new_lse_is_qualified_and_every_recipient_gets_the_letter_once(
    browser, live_server, smtp_sink, celery_worker_thread
):
    flight_admin = StaffFactory(groups=["Flight Administrator"], full_name="Fran Flight")
    retail_ops = StaffFactory(
        groups=["Retail Operations"], full_name="Rita Retail", job_title="Retail Market Operations Analyst"
    )
    today = timezone.localdate()

    new_lse = ParticipantFactory(
        legal_name="Caprock Electric LLC", role_codes=["LSE", "REP"], status=ParticipantStatus.QUALIFYING
    )
    ar, bar, usa = _contacts(
        new_lse,
        (ContactRole.AUTHORIZED_REPRESENTATIVE, ContactRank.PRIMARY),
        (ContactRole.BACKUP_AUTHORIZED_REPRESENTATIVE, ContactRank.SECONDARY),
        (ContactRole.USER_SECURITY_ADMINISTRATOR, ContactRank.PRIMARY),
    )
    oncor = ParticipantFactory(legal_name="Oncor Electric Delivery", role_codes=["TDSP"])
    oncor_ar, oncor_bar = _contacts(
        oncor,
        (ContactRole.AUTHORIZED_REPRESENTATIVE, ContactRank.PRIMARY),
        (ContactRole.BACKUP_AUTHORIZED_REPRESENTATIVE, ContactRank.SECONDARY),
    )
    _contacts(oncor, (ContactRole.SETTLEMENT, ContactRank.PRIMARY))  # not a letter recipient
    qse = ParticipantFactory(legal_name="Permian QSE", role_codes=["QSE"])
    sfa_record(
        actor=retail_ops, participant=new_lse, signed_on=today - datetime.timedelta(days=60), processed_by_legal=True
    )
    puct_record(
        actor=retail_ops, participant=new_lse, certificate_number="10234", issued_on=today - datetime.timedelta(days=90)
    )
    qse_load_qualification_record(actor=retail_ops, qse=qse, qualified=True, reason="QSE qualification completed.")
    qse_acknowledgement_record(actor=retail_ops, participant=new_lse, qse=qse, processed_by_legal=True)
    flight = flight_create(
        actor=flight_admin,
        start_date=today.replace(day=1),
        end_date=today + datetime.timedelta(days=40),
        application_deadline=today.replace(day=1),
        registration_deadline=today.replace(day=1),
    )
    enrollment = enrollment_create(
        actor=flight_admin,
        flight=flight,
        participant=new_lse,
        participant_kind="new",
        change_kind="new_entity",
        override_reason="Enrolled for the test",
        today=today.replace(day=1),
    )
    context = dict(base_url=live_server.url, viewport={"width": 1366, "height": 1000})

    # The Flight Administrator records the result and hands it over.
    fa = browser.new_context(**context).new_page()
    sign_in(fa, flight_admin.email, PASSWORD)
    fa.goto(enrollment.get_absolute_url())
    fa.get_by_label("Completed the testing successfully").check()
    # Any MP but the REP's TDSPs comes from the picker: type, pick from what the endpoint answers.
    partners = fa.get_by_role("combobox", name="Other trading partners")
    partners.click()
    partners.press_sequentially("Oncor")
    fa.locator(".ts-dropdown .option", has_text="Oncor Electric Delivery").first.click()
    fa.keyboard.press("Escape")
    for function in BusinessFunction.objects.order_by("sort_order")[:3]:
        fa.get_by_label(function.name, exact=True).check()
    fa.get_by_label("Tested on").fill(today.isoformat())
    fa.get_by_role("button", name="Save result").click()
    fa.get_by_role("button", name="Hand over to Retail Operations").click()
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.HANDED_OVER

    # Retail Operations sees the criteria met and sends the letter.
    ro = browser.new_context(**context).new_page()
    sign_in(ro, retail_ops.email, PASSWORD)
    ro.goto(enrollment.get_absolute_url())
    expect(ro.get_by_text("Signed SFA processed by Legal").first).to_be_visible()
    snap(ro, "journey-qualification-criteria")
    ro.get_by_role("button", name="Generate and send letter").click()
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.LETTER_SENT

    # The sink holds exactly one letter for each right recipient.
    expected = {ar.email, bar.email, oncor_ar.email, oncor_bar.email}

    def is_letter(envelope):
        return letter_number in envelope.original_content.decode(errors="replace")

    letter_number = enrollment.letter.number
    smtp_sink.wait_for(len(expected), where=is_letter)
    time.sleep(1.5)  # a duplicate would arrive now
    letters = [e for e in smtp_sink.envelopes if is_letter(e)]
    received = [address for envelope in letters for address in envelope.rcpt_tos]
    assert sorted(received) == sorted(expected)
    # Besides the letters: the hand-over notice to Retail Operations, once. No connectivity-testing ticket is
    # opened in the AR's name: the AR submits it after updating the specifications.
    others = sorted(
        (e.rcpt_tos[0], "SRQ-" in e.original_content.decode(errors="replace"))
        for e in smtp_sink.envelopes
        if not is_letter(e)
    )
    assert others == [(retail_ops.email, False)]
    for message in smtp_sink.messages():
        if letter_number in message["Subject"]:
            [attachment] = list(message.iter_attachments())
            assert attachment.get_content_type() == "application/pdf"
    assert set(LetterDelivery.objects.values_list("status", flat=True)) == {LetterDelivery.Status.SENT}
    ro.reload()
    snap(ro, "journey-qualification-letter-sent")

    # The new MP sees its letter, its certificate request and the connectivity testing ticket still to submit.
    portal = browser.new_context(**context).new_page()
    sign_in(portal, ar.email, PASSWORD)
    portal.goto("/portal/qualification/")
    letter = enrollment.letter
    expect(portal.get_by_text(letter.number).first).to_be_visible()
    expect(portal.get_by_text("Update your production connectivity specifications").first).to_be_visible()
    expect(portal.get_by_role("heading", name="Schedule production connectivity testing")).to_be_visible()
    expect(portal.get_by_label("Certificate status")).to_be_visible()
    snap(portal, "journey-qualification-portal")
    with portal.expect_download() as download:
        portal.get_by_role("link", name=f"Download {letter.number} (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert usa.pk  # the certificate request names the User Security Administrator
    assert new_lse.certificate_requests.get().security_administrator == usa
