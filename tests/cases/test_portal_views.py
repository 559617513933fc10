"""The participant portal's cases: isolation, filing inquiries and disputes, the conversation, withdraw and reopen."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import ContactRole
from cases.models import (
    Case,
    CaseAttachment,
    CaseCategory,
    CaseKind,
    CaseMessage,
    CaseSettings,
    CaseStatus,
    DisputeDetail,
    NextAction,
    NotificationPreference,
    StatementType,
)
from cases.services import case_reply, case_resolve, case_wait_on_participant, dispute_resolve
from ercot_services.core.models import AuditEvent
from ercot_services.core.uploads import check_upload
from tests.accounts.factories import MembershipFactory
from tests.case_inputs import submit_case

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 200
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 100
INTERNAL_NOTE = "INTERNAL: the MP is on the credit watch list, do not mention"


def pdf(name="evidence.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def checked(upload):
    return check_upload(upload, max_bytes=10 * 1024 * 1024)


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture
def category_by_code(db):
    return {category.code: category for category in CaseCategory.objects.all()}


@pytest.fixture
def portal(client, mp_user):
    client.force_login(mp_user)
    return client


@pytest.fixture
def open_case(mp_user, participant, category_by_code):
    return submit_case(
        actor=mp_user,
        kind=CaseKind.INQUIRY,
        category=category_by_code["settlements"],
        subject="Missing DAM statement for March 3",
        description="We cannot find the DAM statement for Operating Day March 3.",
        participant=participant,
        attachments=[checked(pdf("screenshot.pdf"))],
    )


@pytest.fixture
def foreign_case(other_mp_user, other_participant, category_by_code, account_manager):
    """Another MP's case, with a public reply, an internal note and an internal attachment."""
    case = submit_case(
        actor=other_mp_user,
        kind=CaseKind.INQUIRY,
        category=category_by_code["other"],
        subject="Other company's secret question",
        description="Confidential description of the other company.",
        participant=other_participant,
        attachments=[checked(pdf("other-public.pdf"))],
    )
    case_reply(actor=account_manager.user, case=case, body="Public answer to the other company.")
    case_reply(
        actor=account_manager.user,
        case=case,
        body=INTERNAL_NOTE,
        internal=True,
        attachments=[checked(pdf("other-internal.pdf"))],
    )
    return case


def _dispute_post(**overrides):
    today = timezone.localdate()
    data = {
        "operating_day": (today - datetime.timedelta(days=3)).isoformat(),
        "statement_type": StatementType.DAM,
        "statement_date": today.isoformat(),
        "charge_type": "Day-Ahead Energy Purchase",
        "disputed_amount": "1250.75",
        "statement_reference": "DAM-STMT-0042",
        "category": "",
        "subject": "",
        "description": "The DAM energy purchase charge doubles our award.",
    }
    data.update(overrides)
    return data


# --- access: another MP is a 404, staff get 403 ----------------------------------------------------


def test_another_participants_case_page_is_404(portal, foreign_case):
    response = portal.get(reverse("portal:case-detail", args=[foreign_case.reference]))
    assert response.status_code == 404
    html = response.content.decode()
    assert foreign_case.subject not in html
    assert "Confidential description" not in html


def test_unknown_reference_is_the_same_404(portal, foreign_case):
    assert portal.get(reverse("portal:case-detail", args=["INQ-1999-999999"])).status_code == 404


@pytest.mark.parametrize("action", ["case-reply", "case-withdraw", "case-reopen"])
def test_actions_on_another_participants_case_are_404_and_change_nothing(portal, foreign_case, action):
    messages_before = CaseMessage.objects.filter(case=foreign_case).count()
    response = portal.post(reverse(f"portal:{action}", args=[foreign_case.reference]), {"body": "hi", "reason": "x"})
    assert response.status_code == 404
    foreign_case.refresh_from_db()
    assert foreign_case.status == CaseStatus.NEW
    assert CaseMessage.objects.filter(case=foreign_case).count() == messages_before


def test_another_participants_attachments_are_404(portal, foreign_case):
    for attachment in CaseAttachment.objects.filter(case=foreign_case):
        assert portal.get(reverse("portal:case-attachment", args=[attachment.pk])).status_code == 404


def test_own_public_attachment_downloads_with_a_safe_name(portal, open_case):
    attachment = CaseAttachment.objects.get(case=open_case)
    response = portal.get(reverse("portal:case-attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert 'filename="screenshot.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_internal_notes_and_attachments_never_reach_the_participant(portal, open_case, account_manager):
    case_reply(actor=account_manager.user, case=open_case, body="We are checking with Settlements.")
    case_reply(
        actor=account_manager.user,
        case=open_case,
        body=INTERNAL_NOTE,
        internal=True,
        attachments=[checked(pdf("internal-analysis.pdf"))],
    )
    html = portal.get(reverse("portal:case-detail", args=[open_case.reference])).content.decode()
    assert "We are checking with Settlements." in html
    assert "screenshot.pdf" in html
    assert INTERNAL_NOTE not in html
    assert "credit watch list" not in html
    assert "internal-analysis.pdf" not in html
    internal = CaseAttachment.objects.get(case=open_case, is_internal=True)
    assert portal.get(reverse("portal:case-attachment", args=[internal.pk])).status_code == 404


def test_portal_urls_are_403_for_staff(client, staff_user, open_case):
    client.force_login(staff_user)
    attachment = CaseAttachment.objects.get(case=open_case)
    for url in [
        reverse("portal:cases"),
        reverse("portal:case-new-inquiry"),
        reverse("portal:case-new-dispute"),
        reverse("portal:dispute-deadline"),
        reverse("portal:case-detail", args=[open_case.reference]),
        reverse("portal:case-attachment", args=[attachment.pk]),
    ]:
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("portal:case-withdraw", args=[open_case.reference])).status_code == 403


def test_portal_case_pages_send_anonymous_visitors_to_sign_in(client, open_case):
    response = client.get(reverse("portal:case-detail", args=[open_case.reference]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# --- list -------------------------------------------------------------------------------------------------


def test_list_shows_the_current_participants_cases_only(portal, open_case, foreign_case):
    html = portal.get(reverse("portal:cases")).content.decode()
    assert open_case.reference in html
    assert foreign_case.reference not in html


def test_empty_list_offers_to_file_an_inquiry_or_a_dispute(portal):
    response = portal.get(reverse("portal:cases"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "has no cases yet" in html
    assert reverse("portal:case-new-inquiry") in html
    assert reverse("portal:case-new-dispute") in html


def test_only_mine_toggle(portal, open_case, participant, category_by_code):
    colleague = MembershipFactory(participant=participant, contact_role=ContactRole.SETTLEMENT).user
    colleagues_case = submit_case(
        actor=colleague,
        kind=CaseKind.INQUIRY,
        category=category_by_code["training"],
        subject="Colleague's training question",
        description="When is the next settlements training?",
        participant=participant,
    )
    everyone = portal.get(reverse("portal:cases")).content.decode()
    assert open_case.reference in everyone and colleagues_case.reference in everyone
    mine = portal.get(reverse("portal:cases"), {"mine": "1"}).content.decode()
    assert open_case.reference in mine
    assert colleagues_case.reference not in mine


def test_status_filter_and_search(portal, open_case, participant, mp_user, category_by_code, account_manager):
    waiting = submit_case(
        actor=mp_user,
        kind=CaseKind.INQUIRY,
        category=category_by_code["other"],
        subject="Question about ESI IDs",
        description="Which ESI IDs are affected?",
        participant=participant,
    )
    case_wait_on_participant(actor=account_manager.user, case=waiting)
    html = portal.get(reverse("portal:cases"), {"status": "waiting"}).content.decode()
    assert waiting.reference in html and open_case.reference not in html
    assert "Waiting on you" in html
    html = portal.get(reverse("portal:cases"), {"status": "all", "q": "esi id"}).content.decode()
    assert waiting.reference in html and open_case.reference not in html
    html = portal.get(reverse("portal:cases"), {"status": "all", "q": open_case.reference}).content.decode()
    assert open_case.reference in html and waiting.reference not in html
    assert portal.get(reverse("portal:cases"), {"status": "bogus", "page": "x"}).status_code == 200


def test_list_keeps_a_bounded_number_of_queries(portal, mp_user, participant, category_by_code):
    def add_cases(n):
        for i in range(n):
            submit_case(
                actor=mp_user,
                kind=CaseKind.INQUIRY,
                category=category_by_code["other"],
                subject=f"Question {i}",
                description="Details",
                participant=participant,
            )

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = portal.get(reverse("portal:cases"), {"status": "all"})
        assert response.status_code == 200
        return len(queries)

    add_cases(10)
    count_queries()  # the first portal request records the MP worked for in the session (a session write)
    at_ten = count_queries()
    add_cases(50)
    at_sixty = count_queries()
    assert at_ten == at_sixty


# --- filing an inquiry -----------------------------------------------------------------------------------------


def test_inquiry_submitted_end_to_end_with_one_receipt(
    portal, mp_user, participant, account_manager, category_by_code, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = portal.post(
            reverse("portal:case-new-inquiry"),
            {
                "category": category_by_code["market-rules"].pk,
                "subject": "How are RUC charges allocated?",
                "description": "Please explain the RUC capacity short charge.",
                "attachments": [pdf("ruc.pdf"), pdf("ruc-2.pdf")],
            },
        )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:case-detail", args=[case.reference])
    assert (case.kind, case.participant, case.submitted_by, case.channel) == ("inquiry", participant, mp_user, "portal")
    assert case.assignee == account_manager.user
    assert sorted(case.attachments.values_list("original_name", flat=True)) == ["ruc-2.pdf", "ruc.pdf"]

    receipts = [m for m in mailoutbox if m.to == [mp_user.email]]
    assert len(receipts) == 1
    assert case.reference in receipts[0].subject
    assert case.get_portal_url() in receipts[0].body

    page = portal.get(response["Location"])
    html = page.content.decode()
    assert case.reference in html  # the success message and the heading
    assert "We aim to respond by" in html
    assert account_manager.user.full_name in html


def test_inquiry_with_an_executable_named_pdf_is_refused_and_keeps_the_form(portal, category_by_code):
    for bad in (SimpleUploadedFile("invoice.pdf", EXE), SimpleUploadedFile("statement.pdf", ZIP)):
        response = portal.post(
            reverse("portal:case-new-inquiry"),
            {
                "category": category_by_code["settlements"].pk,
                "subject": "Typed subject stays",
                "description": "Typed description stays too.",
                "attachments": [pdf("fine.pdf"), bad],
            },
        )
        html = response.content.decode()
        assert response.status_code == 400
        assert f"“{bad.name}” is not an accepted file type" in html
        assert 'value="Typed subject stays"' in html
        assert "Typed description stays too.</textarea>" in html
        assert f'<option value="{category_by_code["settlements"].pk}" selected>' in html
    assert Case.objects.count() == 0
    assert CaseAttachment.objects.count() == 0


def test_inquiry_with_a_file_over_the_size_limit_is_refused(portal, category_by_code):
    settings_row = CaseSettings.load()
    settings_row.max_attachment_mb = 1
    settings_row.save()
    big = pdf("huge.pdf", PDF + b"0" * (1024 * 1024))
    response = portal.post(
        reverse("portal:case-new-inquiry"),
        {
            "category": category_by_code["other"].pk,
            "subject": "Big file",
            "description": "See attached",
            "attachments": big,
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "“huge.pdf” is" in html
    assert "the limit is 1.0" in html
    assert 'value="Big file"' in html
    assert Case.objects.count() == 0


def test_inquiry_missing_fields_shows_errors(portal):
    response = portal.post(reverse("portal:case-new-inquiry"), {"subject": "Only a subject"})
    assert response.status_code == 400
    assert 'value="Only a subject"' in response.content.decode()
    assert Case.objects.count() == 0


# --- filing a dispute ---------------------------------------------------------------------------------------------


def test_dispute_form_shows_the_deadline_box_and_windows(portal):
    html = portal.get(reverse("portal:case-new-dispute")).content.decode()
    assert 'hx-get="' + reverse("portal:dispute-deadline") + '"' in html
    assert "hx-include" in html
    assert "Business Days" in html


def test_deadline_fragment_on_time(portal):
    today = timezone.localdate()
    response = portal.get(
        reverse("portal:dispute-deadline"),
        {
            "operating_day": (today - datetime.timedelta(days=2)).isoformat(),
            "statement_type": "dam",
            "statement_date": today.isoformat(),
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Filing deadline:" in html
    assert "10 Business Days after the statement dated" in html
    assert "deadline has passed" not in html


def test_deadline_fragment_for_real_time_needs_no_statement_date(portal):
    today = timezone.localdate()
    html = portal.get(
        reverse("portal:dispute-deadline"),
        {"operating_day": (today - datetime.timedelta(days=5)).isoformat(), "statement_type": "initial"},
    ).content.decode()
    assert "Filing deadline:" in html
    assert "before the True-Up statement" in html


def test_deadline_fragment_late(portal):
    today = timezone.localdate()
    html = portal.get(
        reverse("portal:dispute-deadline"),
        {
            "operating_day": (today - datetime.timedelta(days=80)).isoformat(),
            "statement_type": "invoice",
            "statement_date": (today - datetime.timedelta(days=60)).isoformat(),
        },
    ).content.decode()
    assert "The deadline has passed — this dispute can no longer be filed here; contact your Account Manager" in html
    assert "text-danger" in html


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"operating_day": "not-a-date", "statement_type": "dam"},
        {"operating_day": "2026-02-30", "statement_type": "nonsense"},
        {"operating_day": "2020-01-01", "statement_type": "dam"},  # no statement date
        {"operating_day": "2999-01-01", "statement_type": "initial"},
    ],
)
def test_deadline_fragment_never_fails_on_bad_input(portal, params):
    response = portal.get(reverse("portal:dispute-deadline"), params)
    assert response.status_code == 200
    assert "Filing deadline:" not in response.content.decode()


def test_dispute_submitted_end_to_end(
    portal, mp_user, participant, category_by_code, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = portal.post(reverse("portal:case-new-dispute"), {**_dispute_post(), "attachments": pdf("stmt.pdf")})
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == case.get_portal_url()
    assert case.kind == CaseKind.DISPUTE
    assert case.category == category_by_code["settlements"]
    assert case.subject.startswith("Dispute – Day-Ahead Energy Purchase – Operating Day ")
    detail = DisputeDetail.objects.get(case=case)
    assert detail.disputed_amount == Decimal("1250.75")
    assert detail.statement_reference == "DAM-STMT-0042"
    assert detail.filed_late is False
    assert case.attachments.get().original_name == "stmt.pdf"
    receipts = [m for m in mailoutbox if m.to == [mp_user.email]]
    assert len(receipts) == 1
    assert case.reference in receipts[0].subject

    html = portal.get(case.get_portal_url()).content.decode()
    assert "Dispute details" in html
    assert "DAM-STMT-0042" in html
    assert "$1,250.75" in html


def test_invoice_dispute_defaults_to_credit_financial(portal, category_by_code):
    today = timezone.localdate()
    response = portal.post(
        reverse("portal:case-new-dispute"),
        _dispute_post(statement_type="invoice", statement_date=today.isoformat(), subject="Invoice 77 is wrong"),
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.category == category_by_code["credit-financial"]
    assert case.subject == "Invoice 77 is wrong"


def test_late_dispute_is_refused_with_the_deadline_and_nothing_saved(portal):
    today = timezone.localdate()
    response = portal.post(
        reverse("portal:case-new-dispute"),
        _dispute_post(
            operating_day=(today - datetime.timedelta(days=80)).isoformat(),
            statement_date=(today - datetime.timedelta(days=60)).isoformat(),
            description="Typed explanation is kept.",
        ),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "The filing deadline for this dispute was" in html
    assert "The deadline has passed" in html
    assert 'value="DAM-STMT-0042"' in html
    assert "Typed explanation is kept.</textarea>" in html
    assert Case.objects.count() == 0
    assert DisputeDetail.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"disputed_amount": "-5"}, "Enter an amount greater than zero."),
        ({"disputed_amount": "0"}, "Enter an amount greater than zero."),
        ({"disputed_amount": "lots"}, "Enter a number."),
        ({"operating_day": "2026-13-45"}, "Enter a valid date."),
        ({"statement_date": ""}, "the filing window counts from it"),
        ({"operating_day": "2999-01-01"}, "cannot be in the future"),
        ({"statement_type": "weekly"}, "Select a valid choice."),
    ],
)
def test_bad_dispute_input_is_a_form_error_not_a_500(portal, overrides, message):
    response = portal.post(reverse("portal:case-new-dispute"), _dispute_post(**overrides))
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert 'value="Day-Ahead Energy Purchase"' in html
    assert Case.objects.count() == 0


def test_dispute_with_a_bad_upload_keeps_the_typed_fields(portal):
    response = portal.post(
        reverse("portal:case-new-dispute"), {**_dispute_post(), "attachments": SimpleUploadedFile("proof.pdf", EXE)}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "“proof.pdf” is not an accepted file type" in html
    assert 'value="1250.75"' in html
    assert 'value="DAM-STMT-0042"' in html
    assert Case.objects.count() == 0


# --- conversation, withdraw, reopen ----------------------------------------------------------------------------------


def test_reply_on_a_waiting_case_moves_it_back_to_in_progress(portal, open_case, account_manager):
    case_reply(actor=account_manager.user, case=open_case, body="Which Operating Day?", wait_on_participant=True)
    open_case.refresh_from_db()
    assert open_case.status == CaseStatus.WAITING
    html = portal.get(reverse("portal:case-detail", args=[open_case.reference])).content.decode()
    assert "Waiting on you: please reply" in html

    response = portal.post(
        reverse("portal:case-reply", args=[open_case.reference]),
        {"body": "Operating Day March 3.", "attachments": pdf("od.pdf")},
    )
    assert response.status_code == 302
    open_case.refresh_from_db()
    assert open_case.status == CaseStatus.IN_PROGRESS
    assert open_case.next_action_by == NextAction.CLIENT_SERVICES
    reply = CaseMessage.objects.filter(case=open_case).last()
    assert (reply.body, reply.is_internal) == ("Operating Day March 3.", False)
    assert reply.attachments.get().original_name == "od.pdf"


def test_reply_with_a_bad_file_keeps_the_text(portal, open_case):
    response = portal.post(
        reverse("portal:case-reply", args=[open_case.reference]),
        {"body": "My careful reply", "attachments": SimpleUploadedFile("x.pdf", ZIP)},
    )
    assert response.status_code == 400
    assert "My careful reply</textarea>" in response.content.decode()
    assert CaseMessage.objects.filter(case=open_case).count() == 0


def test_empty_reply_is_refused(portal, open_case):
    response = portal.post(reverse("portal:case-reply", args=[open_case.reference]), {"body": "  "})
    assert response.status_code == 400
    assert CaseMessage.objects.count() == 0


def test_withdraw_an_open_case(portal, open_case):
    response = portal.post(
        reverse("portal:case-withdraw", args=[open_case.reference]), {"reason": "Found it ourselves"}
    )
    assert response.status_code == 302
    open_case.refresh_from_db()
    assert open_case.status == CaseStatus.WITHDRAWN
    event = AuditEvent.objects.filter(verb="case.status_changed", target_object_id=str(open_case.pk)).get()
    assert event.reason == "Found it ourselves"
    html = portal.get(open_case.get_portal_url()).content.decode()
    assert "Withdrawn" in html
    assert reverse("portal:case-reply", args=[open_case.reference]) not in html


def test_withdraw_is_only_for_open_cases(portal, open_case, account_manager):
    case_resolve(actor=account_manager.user, case=open_case, resolution_summary="Sent.")
    response = portal.post(reverse("portal:case-withdraw", args=[open_case.reference]), follow=True)
    open_case.refresh_from_db()
    assert open_case.status == CaseStatus.RESOLVED
    assert "only an open case can be withdrawn" in response.content.decode()


def test_reopen_within_the_window(portal, open_case, account_manager):
    case_resolve(actor=account_manager.user, case=open_case, resolution_summary="Statement re-sent.")
    html = portal.get(open_case.get_portal_url()).content.decode()
    assert "Statement re-sent." in html
    assert "You can reopen it until" in html

    refused = portal.post(reverse("portal:case-reopen", args=[open_case.reference]), {"reason": ""})
    assert refused.status_code == 400
    assert "Say why the case is being reopened." in refused.content.decode()

    response = portal.post(
        reverse("portal:case-reopen", args=[open_case.reference]), {"reason": "Still missing hour 14"}
    )
    assert response.status_code == 302
    open_case.refresh_from_db()
    assert open_case.status == CaseStatus.IN_PROGRESS


def test_reopen_outside_the_window_is_refused(portal, open_case, account_manager):
    case_resolve(actor=account_manager.user, case=open_case, resolution_summary="Done.")
    Case.objects.filter(pk=open_case.pk).update(resolved_at=timezone.now() - datetime.timedelta(days=30))
    html = portal.get(open_case.get_portal_url()).content.decode()
    assert "The reopen window ended" in html
    assert reverse("portal:case-reopen", args=[open_case.reference]) not in html

    response = portal.post(reverse("portal:case-reopen", args=[open_case.reference]), {"reason": "Please look again"})
    assert response.status_code == 400
    assert "could be reopened until" in response.content.decode()
    open_case.refresh_from_db()
    assert open_case.status == CaseStatus.RESOLVED


def test_reopen_of_an_open_case_is_refused(portal, open_case):
    response = portal.post(reverse("portal:case-reopen", args=[open_case.reference]), {"reason": "x"}, follow=True)
    assert "only a resolved case can be reopened" in response.content.decode()
    open_case.refresh_from_db()
    assert open_case.status == CaseStatus.NEW


def _case_lookups(captured, case) -> int:
    """How many times the view read the case by its reference (through the portal scope)."""
    return sum(1 for query in captured if query["sql"].startswith("SELECT") and case.reference in query["sql"])


@pytest.mark.parametrize("resolved", [False, True], ids=["open", "resolved"])
def test_withdraw_and_reopen_read_the_case_once(portal, open_case, account_manager, resolved):
    if resolved:
        case_resolve(actor=account_manager.user, case=open_case, resolution_summary="Sent.")
    for action in ("case-withdraw", "case-reopen"):
        with CaptureQueriesContext(connection) as queries:
            response = portal.post(reverse(f"portal:{action}", args=[open_case.reference]), {"reason": "A reason"})
        assert response.status_code == 302
        assert _case_lookups(queries.captured_queries, open_case) == 1, action
        open_case.refresh_from_db()


def test_dispute_outcome_is_shown(portal, participant, mp_user, category_by_code, account_manager):
    today = timezone.localdate()
    case = submit_case(
        actor=mp_user,
        kind=CaseKind.DISPUTE,
        category=category_by_code["settlements"],
        subject="DAM dispute",
        description="Wrong",
        participant=participant,
        dispute={
            "operating_day": today - datetime.timedelta(days=2),
            "statement_type": "dam",
            "statement_date": today,
            "charge_type": "DAM Energy",
            "disputed_amount": Decimal("500.00"),
            "statement_reference": "S-1",
        },
    )
    dispute_resolve(
        actor=account_manager.user,
        case=case,
        outcome="granted_with_exceptions",
        outcome_explanation="Hours 1-12 corrected; hour 13 was right.",
        granted_amount=Decimal("300.00"),
    )
    html = portal.get(case.get_portal_url()).content.decode()
    assert "Granted with Exceptions" in html
    assert "Hours 1-12 corrected; hour 13 was right." in html
    assert "$300.00" in html


# --- home card and preferences --------------------------------------------------------------------------------------


def test_portal_home_shows_the_cases_card(portal, open_case, account_manager):
    case_wait_on_participant(actor=account_manager.user, case=open_case)
    html = portal.get(reverse("portal:home")).content.decode()
    assert "Your cases" in html
    assert "waiting on you" in html
    assert reverse("portal:case-new-dispute") in html


def test_participant_preferences_hide_the_staff_only_choice_and_save(client, mp_user):
    client.force_login(mp_user)
    html = client.get(reverse("preferences")).content.decode()
    assert "on_reply" in html
    assert "on_at_risk" not in html
    response = client.post(reverse("preferences"), {"on_submission": "on", "on_status_change": "on"})
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=mp_user)
    assert (preference.on_submission, preference.on_reply, preference.on_status_change) == (True, False, True)
    event = AuditEvent.objects.get(verb="notification_preferences.updated")
    assert event.actor == mp_user
    assert event.changes == {"on_reply": [True, False]}


def test_staff_preferences_include_at_risk(client, staff_user):
    client.force_login(staff_user)
    assert "on_at_risk" in client.get(reverse("preferences")).content.decode()
    client.post(reverse("preferences"), {"on_reply": "on"})
    preference = NotificationPreference.objects.get(user=staff_user)
    assert preference.on_at_risk is False


def test_preferences_need_sign_in(client):
    assert client.get(reverse("preferences")).status_code == 302


def test_receipt_respects_the_preference(
    portal, mp_user, category_by_code, django_capture_on_commit_callbacks, mailoutbox
):
    NotificationPreference.objects.create(user=mp_user, on_submission=False)
    with django_capture_on_commit_callbacks(execute=True):
        portal.post(
            reverse("portal:case-new-inquiry"),
            {"category": category_by_code["other"].pk, "subject": "Quiet", "description": "No receipt please"},
        )
    assert Case.objects.count() == 1
    assert mailoutbox == []
