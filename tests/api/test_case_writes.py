"""Case writes through the API: filing an inquiry and a dispute (the portal's rules and messages, the deadline),
replies with attachments checked as the portal checks them, withdraw and reopen (allowed and refused), downloading
a public attachment; every write as the key's creator, audited with the key's name; isolation between MPs, expired,
revoked and scope-less keys."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from api.models import ApiScope
from cases.models import Case, CaseAttachment, CaseKind, CaseMessage, CaseStatus, DisputeDetail, StatementType
from cases.services import case_reply, case_resolve, case_wait_on_participant
from ercot_services.core.models import AuditEvent
from ercot_services.core.uploads import check_upload
from tests.cases.factories import SubmittedCaseFactory

from .calls import assert_problem, auth, post_json
from .factories import ApiKeyFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 200

INQUIRIES = "/api/v1/cases/inquiries"
DISPUTES = "/api/v1/cases/disputes"


def pdf(name="evidence.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def key(participant):
    return ApiKeyFactory(participant=participant, scopes=[ApiScope.READ_CASES, ApiScope.WRITE_CASES])


@pytest.fixture
def open_case(key, participant):
    return SubmittedCaseFactory(actor=key.created_by, participant=participant)


def inquiry(**overrides):
    return {
        "category": "market-rules",
        "subject": "How are RUC charges allocated?",
        "description": "Please explain.",
    } | (overrides)


def dispute(**overrides):
    today = timezone.localdate()
    return {
        "operating_day": (today - datetime.timedelta(days=3)).isoformat(),
        "statement_type": StatementType.DAM,
        "statement_date": today.isoformat(),
        "charge_type": "Day-Ahead Energy Purchase",
        "disputed_amount": "1250.75",
        "statement_reference": "DAM-STMT-0042",
        "description": "The DAM energy purchase charge doubles our award.",
    } | overrides


def _submitted_event(case):
    return AuditEvent.objects.for_object(case).get(verb="case.submitted")


# --- filing --------------------------------------------------------------------------------------------------------


def test_an_inquiry_is_filed_as_the_keys_creator_and_audited_with_the_keys_name(client, key, participant):
    response = post_json(client, INQUIRIES, key, inquiry())
    assert response.status_code == 201
    case = Case.objects.get()
    body = response.json()
    assert (body["reference"], body["kind"], body["status"]) == (case.reference, "inquiry", "new")
    assert response["Location"] == f"http://testserver/api/v1/cases/{case.reference}"
    assert client.get(response["Location"], headers=auth(key)).json()["reference"] == case.reference
    assert (case.participant, case.submitted_by, case.channel) == (participant, key.created_by, "portal")
    event = _submitted_event(case)
    assert event.actor == key.created_by
    assert event.changes["api_key"] == [None, key.name]


def test_an_inquiry_with_attachments_as_multipart(client, key):
    response = client.post(
        INQUIRIES, {**inquiry(), "attachments": [pdf("ruc.pdf"), pdf("ruc-2.pdf")]}, headers=auth(key)
    )
    assert response.status_code == 201
    assert sorted(a["name"] for a in response.json()["attachments"]) == ["ruc-2.pdf", "ruc.pdf"]


def test_an_inquiry_with_missing_fields_or_an_unknown_category_is_a_400_with_field_errors(client, key):
    body = assert_problem(post_json(client, INQUIRIES, key, {"subject": "Only a subject"}), 400, "invalid")
    assert set(body["errors"]) == {"category", "description"}
    body = assert_problem(post_json(client, INQUIRIES, key, inquiry(category="nope")), 400, "invalid")
    assert body["errors"] == {"category": ["Select a valid choice. That choice is not one of the available choices."]}
    body = assert_problem(post_json(client, INQUIRIES, key, ["not", "an", "object"]), 400, "invalid")
    assert "non_field_errors" in body["errors"]
    assert Case.objects.count() == 0


def test_a_dispute_within_its_window_is_filed_in_the_default_category(client, key):
    response = post_json(client, DISPUTES, key, dispute())
    assert response.status_code == 201
    case = Case.objects.get()
    assert (case.kind, case.category.code) == (CaseKind.DISPUTE, "settlements")
    assert case.subject.startswith("Dispute – Day-Ahead Energy Purchase – Operating Day ")
    detail = DisputeDetail.objects.get(case=case)
    assert (detail.statement_reference, str(detail.disputed_amount), detail.filed_late) == (
        "DAM-STMT-0042",
        "1250.75",
        False,
    )
    assert _submitted_event(case).changes["api_key"] == [None, key.name]


def test_a_late_dispute_is_refused_with_the_portals_own_message(client, key):
    today = timezone.localdate()
    late = {
        "operating_day": (today - datetime.timedelta(days=80)).isoformat(),
        "statement_date": (today - datetime.timedelta(days=60)).isoformat(),
    }
    body = assert_problem(post_json(client, DISPUTES, key, dispute(**late)), 422, "filing_deadline_passed")
    assert body["detail"].startswith("The filing deadline for this dispute was")
    assert Case.objects.count() == 0

    client.force_login(key.created_by)
    portal = client.post(reverse("portal:case-new-dispute"), {**dispute(**late), "category": "", "subject": ""})
    assert portal.status_code == 400
    assert escape(body["detail"]) in portal.content.decode()
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"disputed_amount": "0"}, "disputed_amount", "Enter an amount greater than zero."),
        ({"operating_day": "2999-01-01"}, "operating_day", "The Operating Day cannot be in the future."),
        (
            {"statement_date": None},
            "statement_date",
            "Give the date of the Day-Ahead Market statement or invoice: the filing window counts from it.",
        ),
        ({"statement_type": "weekly"}, "statement_type", '"weekly" is not a valid choice.'),
    ],
)
def test_bad_dispute_input_is_a_400_with_the_field_and_its_message(client, key, overrides, field, message):
    body = assert_problem(post_json(client, DISPUTES, key, dispute(**overrides)), 400, "invalid")
    assert body["errors"] == {field: [message]}
    assert Case.objects.count() == 0


def test_the_statement_date_rule_is_the_portal_forms(client, key):
    """A rule only the portal's form knows (not the service): the statement date is not before the Operating Day."""
    today = timezone.localdate()
    data = dispute(statement_date=(today - datetime.timedelta(days=10)).isoformat())
    body = assert_problem(post_json(client, DISPUTES, key, data), 400, "invalid")
    assert body["errors"] == {"statement_date": ["The statement date cannot be before the Operating Day."]}


# --- the conversation ----------------------------------------------------------------------------------------------


def test_a_reply_with_an_attachment(client, key, open_case):
    url = f"/api/v1/cases/{open_case.reference}/replies"
    response = client.post(url, {"body": "Operating Day March 3.", "attachments": pdf("od.pdf")}, headers=auth(key))
    assert response.status_code == 201
    assert response["Location"].endswith(f"/api/v1/cases/{open_case.reference}")
    message = response.json()["messages"][-1]
    assert (message["body"], [a["name"] for a in message["attachments"]]) == ("Operating Day March 3.", ["od.pdf"])
    reply = CaseMessage.objects.get(case=open_case)
    assert (reply.author, reply.is_internal) == (key.created_by, False)
    assert AuditEvent.objects.for_object(open_case).get(verb="case.replied").changes["api_key"] == [None, key.name]


def test_a_reply_with_a_file_that_is_not_what_it_says_is_refused_and_nothing_is_saved(client, key, open_case):
    response = client.post(
        f"/api/v1/cases/{open_case.reference}/replies",
        {"body": "See attached.", "attachments": pdf("statement.pdf", EXE)},
        headers=auth(key),
    )
    body = assert_problem(response, 400, "invalid")
    assert "“statement.pdf” is not an accepted file type" in body["errors"]["attachments"][0]
    assert CaseMessage.objects.count() == 0 and CaseAttachment.objects.filter(message__isnull=False).count() == 0


def test_a_json_reply_on_a_case_waiting_on_the_mp_sends_it_back(client, key, open_case, account_manager):
    case_wait_on_participant(actor=account_manager.user, case=open_case, reason="Which day?")
    response = post_json(client, f"/api/v1/cases/{open_case.reference}/replies", key, {"body": "March 3."})
    assert response.status_code == 201
    assert response.json()["status"] == CaseStatus.IN_PROGRESS


def test_an_empty_reply_and_a_reply_on_a_withdrawn_case_are_refused(client, key, open_case):
    url = f"/api/v1/cases/{open_case.reference}/replies"
    body = assert_problem(post_json(client, url, key, {"body": ""}), 400, "invalid")
    assert body["errors"] == {"body": ["This field may not be blank."]}
    assert post_json(client, f"/api/v1/cases/{open_case.reference}/withdraw", key, {}).status_code == 200
    body = assert_problem(post_json(client, url, key, {"body": "Hello?"}), 409, "case_closed")
    assert body["detail"] == f"{open_case.reference} is withdrawn: it takes no more replies."


# --- withdraw and reopen -------------------------------------------------------------------------------------------


def test_withdraw_an_open_case_with_a_reason(client, key, open_case):
    response = post_json(client, f"/api/v1/cases/{open_case.reference}/withdraw", key, {"reason": "Found it."})
    assert response.status_code == 200
    assert response.json()["status"] == CaseStatus.WITHDRAWN
    event = AuditEvent.objects.for_object(open_case).get(verb="case.status_changed")
    assert (event.reason, event.actor, event.changes["api_key"]) == ("Found it.", key.created_by, [None, key.name])


def test_withdraw_of_a_resolved_case_is_a_409(client, key, open_case, account_manager):
    case_resolve(actor=account_manager.user, case=open_case, resolution_summary="Sent.")
    body = assert_problem(
        post_json(client, f"/api/v1/cases/{open_case.reference}/withdraw", key, {}), 409, "invalid_transition"
    )
    assert "cannot move to Withdrawn" in body["detail"]
    open_case.refresh_from_db()
    assert open_case.status == CaseStatus.RESOLVED


def test_reopen_within_the_window_needs_a_reason(client, key, open_case, account_manager):
    case_resolve(actor=account_manager.user, case=open_case, resolution_summary="Sent.")
    url = f"/api/v1/cases/{open_case.reference}/reopen"
    body = assert_problem(post_json(client, url, key, {}), 400, "invalid")
    assert body["errors"] == {"reason": ["Say why the case is being reopened."]}
    response = post_json(client, url, key, {"reason": "Still missing hour 14"})
    assert response.status_code == 200
    assert response.json()["status"] == CaseStatus.IN_PROGRESS


def test_reopen_outside_the_window_or_of_an_open_case_is_a_409(client, key, open_case, account_manager):
    url = f"/api/v1/cases/{open_case.reference}/reopen"
    body = assert_problem(post_json(client, url, key, {"reason": "x"}), 409, "invalid_transition")
    assert body["detail"] == f"{open_case.reference} is New: only a resolved case can be reopened."
    case_resolve(actor=account_manager.user, case=open_case, resolution_summary="Done.")
    Case.objects.filter(pk=open_case.pk).update(resolved_at=timezone.now() - datetime.timedelta(days=30))
    body = assert_problem(post_json(client, url, key, {"reason": "Please look again"}), 409, "reopen_window_passed")
    assert "could be reopened until" in body["detail"]
    open_case.refresh_from_db()
    assert open_case.status == CaseStatus.RESOLVED


# --- attachments ---------------------------------------------------------------------------------------------------


def test_a_public_attachment_downloads_and_an_internal_one_is_404(client, key, open_case, account_manager):
    public = SubmittedCaseFactory(
        actor=key.created_by,
        participant=open_case.participant,
        attachments=[check_upload(pdf("screenshot.pdf"), max_bytes=1024 * 1024)],
    )
    case_reply(
        actor=account_manager.user,
        case=public,
        body="Internal",
        internal=True,
        attachments=[check_upload(pdf("internal.pdf"), max_bytes=1024 * 1024)],
    )
    shown = client.get(f"/api/v1/cases/{public.reference}", headers=auth(key)).json()["attachments"]
    assert [a["name"] for a in shown] == ["screenshot.pdf"]
    response = client.get(f"/api/v1/cases/{public.reference}/attachments/{shown[0]['id']}", headers=auth(key))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    internal = CaseAttachment.objects.get(original_name="internal.pdf")
    url = f"/api/v1/cases/{public.reference}/attachments/{internal.pk}"
    assert_problem(client.get(url, headers=auth(key)), 404, "not_found")
    # an attachment of the MP's case, asked for under another of its cases
    url = f"/api/v1/cases/{open_case.reference}/attachments/{shown[0]['id']}"
    assert_problem(client.get(url, headers=auth(key)), 404, "not_found")


# --- who may write -------------------------------------------------------------------------------------------------


def _writes(reference):
    return [
        (INQUIRIES, inquiry()),
        (DISPUTES, dispute()),
        (f"/api/v1/cases/{reference}/replies", {"body": "Hello"}),
        (f"/api/v1/cases/{reference}/withdraw", {"reason": "Done"}),
        (f"/api/v1/cases/{reference}/reopen", {"reason": "Again"}),
    ]


@pytest.mark.parametrize("index", range(5))
def test_expired_revoked_and_scope_less_keys_write_nothing(client, participant, open_case, index):
    url, data = _writes(open_case.reference)[index]
    expired = ApiKeyFactory(
        participant=participant,
        scopes=[ApiScope.WRITE_CASES],
        expires_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    assert_problem(post_json(client, url, expired, data), 401, "not_authenticated")
    revoked = ApiKeyFactory(participant=participant, scopes=[ApiScope.WRITE_CASES], revoked_at=timezone.now())
    assert_problem(post_json(client, url, revoked, data), 401, "not_authenticated")
    reader = ApiKeyFactory(participant=participant, scopes=[ApiScope.READ_CASES])
    body = assert_problem(post_json(client, url, reader, data), 403, "scope_missing")
    assert "cases:write" in body["detail"]
    assert_problem(post_json(client, url, None, data), 401, "not_authenticated")
    assert (Case.objects.count(), CaseMessage.objects.count()) == (1, 0)
    open_case.refresh_from_db()
    assert open_case.status == CaseStatus.NEW


@pytest.mark.parametrize("action", ["replies", "withdraw", "reopen"])
def test_another_mps_case_is_a_404_and_unchanged(client, key, other_participant, action):
    theirs = SubmittedCaseFactory(
        actor=ApiKeyFactory(participant=other_participant).created_by, participant=other_participant
    )
    data = {"body": "Hello", "reason": "Because"}
    assert_problem(post_json(client, f"/api/v1/cases/{theirs.reference}/{action}", key, data), 404, "not_found")
    assert_problem(post_json(client, f"/api/v1/cases/NOPE-1/{action}", key, data), 404, "not_found")
    theirs.refresh_from_db()
    assert theirs.status == CaseStatus.NEW and not CaseMessage.objects.exists()


def test_another_mps_attachment_is_a_404(client, key, other_participant):
    theirs = SubmittedCaseFactory(
        actor=ApiKeyFactory(participant=other_participant).created_by,
        participant=other_participant,
        attachments=[check_upload(pdf("theirs.pdf"), max_bytes=1024 * 1024)],
    )
    attachment = CaseAttachment.objects.get(case=theirs)
    url = f"/api/v1/cases/{theirs.reference}/attachments/{attachment.pk}"
    assert_problem(client.get(url, headers=auth(key)), 404, "not_found")


def test_a_key_whose_creator_is_deactivated_writes_nothing(client, key):
    key.created_by.is_active = False
    key.created_by.save(update_fields=["is_active"])
    assert_problem(post_json(client, INQUIRIES, key, inquiry()), 401, "not_authenticated")
    assert Case.objects.count() == 0


def test_filing_costs_a_bounded_number_of_queries(client, key, django_assert_max_num_queries):
    """The services' own queries (reference, SLA, routing, audit, receipt, pattern check) plus the API's: the key, the
    call log, the case read back, and with an Idempotency-Key its record (insert, savepoints, answer); a dispute
    also writes its days and reads them back."""
    post_json(client, INQUIRIES, key, inquiry())  # warms the per-process caches (settings rows, calendar)
    with django_assert_max_num_queries(45):
        assert post_json(client, INQUIRIES, key, inquiry()).status_code == 201
    with django_assert_max_num_queries(62):
        assert post_json(client, DISPUTES, key, dispute(), **{"Idempotency-Key": "q-1"}).status_code == 201


# --- multi-day and bulk disputes (issue 18) ------------------------------------------------------------------------

BULK = "/api/v1/cases/disputes/bulk"


def _bulk_row(days_ago, **overrides):
    today = timezone.localdate()
    return {
        "operating_day": (today - datetime.timedelta(days=days_ago)).isoformat(),
        "statement_type": "dam",
        "statement_date": today.isoformat(),
        "charge_type": "Day-Ahead Energy Purchase",
        "disputed_amount": "10.00",
        "statement_reference": "DAM-7",
        "description": "Doubled.",
    } | overrides


def test_a_multi_day_dispute_is_filed_with_its_days(client, key):
    today = timezone.localdate()
    days = [
        {"operating_day": (today - datetime.timedelta(days=n)).isoformat(), "disputed_amount": f"{n}.50"}
        for n in (3, 4, 5)
    ]
    body = dispute(days=days)
    del body["operating_day"], body["disputed_amount"]
    response = post_json(client, DISPUTES, key, body)
    assert response.status_code == 201, response.content
    detail = DisputeDetail.objects.get()
    assert detail.days.count() == 3
    assert str(detail.disputed_amount) == "13.50"
    body = response.json()["dispute"]
    assert body["disputed_amount"] == "13.50" and body["outcome"] == ""
    assert [(day["operating_day"], day["disputed_amount"]) for day in body["days"]] == [
        ((today - datetime.timedelta(days=n)).isoformat(), f"{n}.50") for n in (5, 4, 3)
    ]
    inquiry_case = post_json(client, INQUIRIES, key, inquiry()).json()
    assert inquiry_case["dispute"] is None


def test_a_multi_day_dispute_with_a_late_day_is_a_422_listing_it(client, key):
    today = timezone.localdate()
    body = dispute(
        statement_date=(today - datetime.timedelta(days=30)).isoformat(),
        days=[
            {"operating_day": (today - datetime.timedelta(days=n)).isoformat(), "disputed_amount": "1"}
            for n in (40, 41)
        ],
    )
    problem = assert_problem(post_json(client, DISPUTES, key, body), 422, "filing_deadline_passed")
    assert len(problem["errors"]["days"]) == 2
    assert not Case.objects.exists()


def test_bulk_rows_file_every_dispute_as_one_request(client, key, participant):
    rows = [_bulk_row(3), _bulk_row(4), _bulk_row(3, charge_type="RT Imbalance", statement_reference="RT-1")]
    response = post_json(client, BULK, key, {"rows": rows}, **{"Idempotency-Key": "bulk-1"})
    assert response.status_code == 201, response.content
    references = [case["reference"] for case in response.json()["disputes"]]
    assert len(references) == 2
    assert set(Case.objects.values_list("reference", flat=True)) == set(references)
    again = post_json(client, BULK, key, {"rows": rows}, **{"Idempotency-Key": "bulk-1"})
    assert again.status_code == 201 and Case.objects.count() == 2


def test_bulk_rows_with_problems_are_a_422_listing_each_line(client, key):
    rows = [_bulk_row(3), _bulk_row(3), _bulk_row(4, disputed_amount="abc"), _bulk_row(2, statement_type="weekly")]
    problem = assert_problem(post_json(client, BULK, key, {"rows": rows}), 422, "invalid_csv")
    lines = [message.split(":")[0] for message in problem["errors"]["rows"]]
    assert lines == ["Line 3", "Line 4"]
    assert not Case.objects.exists()
    fixed = [_bulk_row(3), _bulk_row(3)]
    problem = assert_problem(post_json(client, BULK, key, {"rows": fixed}), 422, "invalid_csv")
    assert problem["errors"]["rows"] == ["Line 2: repeats line 1 (same charge, statement and Operating Day)."]


def test_bulk_file_upload_is_checked_as_the_portal_checks_it(client, key):
    today = timezone.localdate()
    text = (
        "operating_day,statement_type,statement_date,charge_type,disputed_amount,statement_reference,subject,description\n"
        f"{today - datetime.timedelta(days=3):%Y-%m-%d},dam,{today:%Y-%m-%d},X,1.00,R,,Wrong\n"
    )
    upload = SimpleUploadedFile("d.csv", text.encode(), content_type="text/csv")
    response = client.post(BULK, {"file": upload}, headers=auth(key))
    assert response.status_code == 201, response.content
    latin = SimpleUploadedFile("d.csv", text.replace("Wrong", "Éner").encode("latin-1"), content_type="text/csv")
    problem = assert_problem(client.post(BULK, {"file": latin}, headers=auth(key)), 400, "invalid")
    assert "is not UTF-8 text" in problem["errors"]["file"][0]


def test_bulk_filing_checks_only_the_keys_own_participants_disputes(client, key, other_participant, other_mp_user):
    today = timezone.localdate()
    theirs = SubmittedCaseFactory(
        actor=other_mp_user,
        participant=other_participant,
        disputed=True,
        dispute={
            "operating_day": today - datetime.timedelta(days=3),
            "statement_type": "dam",
            "statement_date": today,
            "charge_type": "Day-Ahead Energy Purchase",
            "disputed_amount": "5.00",
            "statement_reference": "THEIRS",
        },
    )
    response = post_json(client, BULK, key, {"rows": [_bulk_row(3)]})
    assert response.status_code == 201, response.content
    mine = Case.objects.exclude(pk=theirs.pk).get()
    assert mine.participant == key.participant
    again = post_json(client, BULK, key, {"rows": [_bulk_row(3, statement_reference="OTHER")]})
    problem = assert_problem(again, 422, "invalid_csv")
    assert mine.reference in problem["errors"]["rows"][0]
