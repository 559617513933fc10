"""The staff side of cases through its pages: queue, bulk actions, logging a case, the case page, patterns."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import StaffGroup
from cases.models import (
    Case,
    CaseAttachment,
    CaseKind,
    CaseMessage,
    CaseSettings,
    CaseStatus,
    Channel,
    DisputeOutcome,
    IssuePattern,
    NextAction,
    Priority,
    SlaState,
    StatementType,
)
from cases.services import case_close, case_reply, case_resolve
from ercot_services.core.models import AuditEvent, DomainError
from plans.models import ImprovementAction
from tests.accounts.factories import MembershipFactory, StaffFactory
from tests.case_inputs import submit_case
from tests.cases.factories import SubmittedCaseFactory, dispute_fields

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
NOT_A_PDF = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" * 64  # a Windows executable header

# Absolute ceilings; the "same count at 10 and 60" tests catch N+1 regressions below them.
MAX_QUERIES_QUEUE = 16
MAX_QUERIES_CASE_PAGE = 30


def _verbs(case):
    return [event.verb for event in AuditEvent.objects.for_object(case)]


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def staff_client(client, am_user):
    client.force_login(am_user)
    return client


@pytest.fixture
def open_case(participant, mp_user, am_user, registration):
    """A phone inquiry the AM logged for the MP's contact (status New, assigned to the AM)."""
    return submit_case(
        actor=am_user,
        kind=CaseKind.INQUIRY,
        category=registration,
        participant=participant,
        requester=mp_user,
        channel=Channel.PHONE,
        subject="Form B review status",
        description="Called to ask where the Form B review stands.",
    )


def _case(participant, requester, category, subject="Question", **overrides):
    return SubmittedCaseFactory(
        actor=requester,
        category=category,
        participant=participant,
        subject=subject,
        description="Details of the question.",
        **overrides,
    )


# --- access ------------------------------------------------------------------------------------------


def _staff_urls(case, attachment, pattern):
    ref = case.reference
    gets = [
        reverse("workspace:cases"),
        reverse("workspace:case-new"),
        reverse("workspace:case-new-requesters"),
        reverse("workspace:case-detail", args=[ref]),
        reverse("workspace:case-attachment", args=[attachment.pk]),
        reverse("workspace:patterns"),
        reverse("workspace:pattern-detail", args=[pattern.pk]),
    ]
    posts = [
        reverse("workspace:cases-bulk"),
        reverse("workspace:case-new"),
        reverse("workspace:pattern-detail", args=[pattern.pk]),
        reverse("workspace:pattern-dismiss", args=[pattern.pk]),
    ] + [
        reverse(f"workspace:case-{action}", args=[ref])
        for action in ("reply", "transition", "assign", "escalate", "update", "merge", "link", "clone")
    ]
    return gets, posts


@pytest.fixture
def access_objects(participant, mp_user, registration):
    cases = [_case(participant, mp_user, registration, attachments=[_checked("evidence.pdf", PDF)]) for _ in range(3)]
    attachment = CaseAttachment.objects.get(case=cases[0])
    pattern = IssuePattern.objects.get(participant=participant, category=registration)
    return cases[0], attachment, pattern


def _checked(name, content):
    from ercot_services.core.uploads import check_upload

    return check_upload(SimpleUploadedFile(name, content), max_bytes=10 * 1024 * 1024)


def test_participant_users_get_403_on_every_staff_url(client, mp_user, access_objects):
    gets, posts = _staff_urls(*access_objects)
    client.force_login(mp_user)
    for url in gets:
        assert client.get(url).status_code == 403, url
    for url in posts:
        assert client.post(url, {}).status_code == 403, url
    assert not CaseMessage.objects.exists()


def test_anonymous_users_are_sent_to_sign_in(client, access_objects):
    gets, posts = _staff_urls(*access_objects)
    for url in gets + posts:
        response = client.post(url, {}) if url in posts and url not in gets else client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_an_unknown_reference_is_a_404(staff_client):
    assert staff_client.get(reverse("workspace:case-detail", args=["INQ-1999-000001"])).status_code == 404
    assert staff_client.post(reverse("workspace:case-reply", args=["NOPE"]), {"body": "x"}).status_code == 404
    assert staff_client.get(reverse("workspace:case-attachment", args=[999999])).status_code == 404
    assert staff_client.get(reverse("workspace:pattern-detail", args=[999999])).status_code == 404


# --- the queue ------------------------------------------------------------------------------------------


@pytest.fixture
def queue_cases(participant, other_participant, mp_user, other_mp_user, am_user, categories, service_desk):
    """A mix: the AM's own open cases, a colleague's, a Service Desk contact, a resolved and a closed one."""
    colleague = StaffFactory(full_name="Casey Colleague", groups=[StaffGroup.ACCOUNT_MANAGER])
    mine = _case(participant, mp_user, categories["registration"], subject="Registration form question")
    dispute = _case(
        participant,
        mp_user,
        categories["settlements"],
        subject="DAM charge doubled",
        kind=CaseKind.DISPUTE,
        dispute=dispute_fields(),
        priority=Priority.URGENT,
    )
    theirs = _case(other_participant, other_mp_user, categories["training"], subject="Training seats")
    theirs.assignee = colleague
    theirs.save(update_fields=["assignee"])
    desk = submit_case(
        actor=None,
        kind=CaseKind.POTENTIAL_MP,
        category=categories["other"],
        subject="Becoming a REP",
        description="Where do we start?",
        channel=Channel.WEB_FORM,
        contact={"name": "Pat Newco", "email": "pat@newco.example", "company": "Newco Power"},
    )
    resolved = _case(participant, mp_user, categories["qualification"], subject="Flight 0226 dates")
    case_resolve(actor=am_user, case=resolved, resolution_summary="Answered.")
    closed = _case(participant, mp_user, categories["market-rules"], subject="Protocol section 9")
    case_resolve(actor=am_user, case=closed, resolution_summary="Answered.")
    case_close(actor=am_user, case=closed)
    Case.objects.filter(pk=mine.pk).update(sla_state=SlaState.AT_RISK)
    Case.objects.filter(pk=theirs.pk).update(sla_state=SlaState.BREACHED)
    return {
        "mine": mine,
        "dispute": dispute,
        "theirs": theirs,
        "desk": desk,
        "resolved": resolved,
        "closed": closed,
        "colleague": colleague,
    }


def _refs(response) -> set[str]:
    return {case.reference for case in response.context["page_obj"].object_list}


def _queue(client, **params):
    response = client.get(reverse("workspace:cases"), params)
    assert response.status_code == 200
    return response


def test_the_queue_opens_on_my_open_cases(staff_client, queue_cases):
    response = _queue(staff_client)
    assert _refs(response) == {queue_cases["mine"].reference, queue_cases["dispute"].reference}
    assert response.context["active_view"] == "mine"
    text = _text(response)
    assert "Registration form question" in text and "Client Services" in text
    assert 'aria-current="page"' in text


@pytest.mark.parametrize(
    "view, expected",
    [
        ("unassigned", {"desk"}),
        ("at_risk", {"mine", "theirs"}),
        ("open", {"mine", "dispute", "theirs", "desk"}),
        ("all", {"mine", "dispute", "theirs", "desk", "resolved", "closed"}),
    ],
)
def test_saved_views(staff_client, queue_cases, view, expected):
    response = _queue(staff_client, view=view)
    assert _refs(response) == {queue_cases[key].reference for key in expected}
    assert response.context["active_view"] == view


def test_the_unassigned_view_shows_the_service_desk_queue(staff_client, queue_cases):
    assert "Queue: Service Desk" in _text(_queue(staff_client, view="unassigned"))


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"view": "all", "status": "resolved"}, {"resolved"}),
        ({"view": "all", "status": ["resolved", "closed"]}, {"resolved", "closed"}),
        ({"view": "open", "kind": "dispute"}, {"dispute"}),
        ({"view": "open", "kind": "potential_mp"}, {"desk"}),
        ({"view": "open", "sla": "breached"}, {"theirs"}),
        ({"view": "open", "sla": "on_track"}, {"dispute", "desk"}),
        ({"view": "all", "q": "protocol"}, {"closed"}),
        ({"view": "open", "q": "newco"}, {"desk"}),
    ],
)
def test_filters_and_search(staff_client, queue_cases, params, expected):
    assert _refs(_queue(staff_client, **params)) == {queue_cases[key].reference for key in expected}


def test_filter_by_category_participant_assignee_and_reference(
    staff_client, queue_cases, categories, other_participant
):
    assert _refs(_queue(staff_client, view="open", category=categories["training"].pk)) == {
        queue_cases["theirs"].reference
    }
    assert _refs(_queue(staff_client, view="all", participant=other_participant.pk)) == {
        queue_cases["theirs"].reference
    }
    assert _refs(_queue(staff_client, view="open", assignee=queue_cases["colleague"].pk)) == {
        queue_cases["theirs"].reference
    }
    reference = queue_cases["dispute"].reference
    assert _refs(_queue(staff_client, view="all", q=reference.lower())) == {reference}
    assert _refs(_queue(staff_client, view="all", q=other_participant.short_name)) == {queue_cases["theirs"].reference}


def test_a_submitted_filter_form_without_a_status_means_any_status(staff_client, queue_cases):
    response = _queue(staff_client, view="mine", f="1", assignee="me")
    assert queue_cases["resolved"].reference in _refs(response)
    assert response.context["active_view"] is None


@pytest.mark.parametrize(
    "sort, first",
    [("priority", "dispute"), ("reference", None), ("-reference", None), ("-created", "desk"), ("created", "mine")],
)
def test_sorting(staff_client, queue_cases, sort, first):
    response = _queue(staff_client, view="open", sort=sort)
    refs = [case.reference for case in response.context["page_obj"].object_list]
    if sort == "reference":
        assert refs == sorted(refs)
    elif sort == "-reference":
        assert refs == sorted(refs, reverse=True)
    else:
        assert refs[0] == queue_cases[first].reference
    assert response.context["filter"].current_sort == sort


def test_column_headers_toggle_the_sort_and_keep_the_filters(staff_client, queue_cases):
    response = _queue(staff_client, view="open", kind="inquiry", sort="reference")
    reference_column = response.context["columns"][0]
    assert reference_column["aria_sort"] == "ascending"
    assert "sort=-reference" in reference_column["url"] and "kind=inquiry" in reference_column["url"]
    assert 'aria-sort="ascending"' in response.content.decode()


def test_bad_filter_values_do_not_break_the_queue(staff_client, queue_cases):
    for params in (
        {"participant": "abc"},
        {"sort": "evil; DROP TABLE"},
        {"page": "999"},
        {"status": "nonsense"},
        {"view": "whatever"},
        {"assignee": "-1"},
        {"category": "999999"},
    ):
        response = staff_client.get(reverse("workspace:cases"), params)
        assert response.status_code == 200, params


def test_an_empty_queue_says_so(staff_client, queue_cases):
    response = _queue(staff_client, view="all", q="no-such-thing")
    assert "No cases match these filters" in _text(response)


def test_the_queue_paginates_by_25(staff_client, participant, mp_user, registration):
    for index in range(30):
        _case(participant, mp_user, registration, subject=f"Question {index}")
    first = _queue(staff_client)
    assert len(first.context["page_obj"].object_list) == 25
    second = _queue(staff_client, page=2)
    assert len(second.context["page_obj"].object_list) == 5
    assert "page=2" in first.content.decode()


def _make_cases(n, participants, requesters, categories):
    """``n`` cases over the MPs, their requesters and every category; every fifth a dispute."""
    codes = list(categories)
    for index in range(n):
        SubmittedCaseFactory(
            disputed=index % 5 == 0,
            actor=requesters[index % len(requesters)],
            category=categories[codes[index % len(codes)]],
            participant=participants[index % len(participants)],
            subject=f"Question {index}",
            description="…",
        )


def _count_queries(client, params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("workspace:cases"), params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("params", [{}, {"view": "all", "sort": "priority"}, {"view": "open", "q": "Question"}])
def test_the_queue_costs_the_same_number_of_queries_at_10_and_60_cases(
    staff_client, participant, other_participant, mp_user, other_mp_user, categories, params
):
    participants, requesters = [participant, other_participant], [mp_user, other_mp_user]
    CaseSettings.objects.filter(pk=1).update(pattern_case_count=1000)
    _make_cases(10, participants, requesters, categories)
    small = _count_queries(staff_client, params)
    _make_cases(50, participants, requesters, categories)
    large = _count_queries(staff_client, params)
    assert small == large
    assert large <= MAX_QUERIES_QUEUE


# --- bulk actions -----------------------------------------------------------------------------------------


def test_bulk_assign_reports_what_was_done(staff_client, queue_cases, sme):
    chosen = [queue_cases["mine"], queue_cases["desk"]]
    response = staff_client.post(
        reverse("workspace:cases-bulk"),
        {
            "action": "assign",
            "assignee": sme.pk,
            "cases": [c.pk for c in chosen],
            "reason": "Settlement expertise",
            "querystring": "view=open&kind=inquiry",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("workspace:cases") + "?view=open&kind=inquiry"
    for case in chosen:
        case.refresh_from_db()
        assert case.assignee == sme
        assert "case.assigned" in _verbs(case)
    [message] = _messages(response)
    assert f"Assigned to {sme.full_name}" in message and chosen[0].reference in message


def test_bulk_assign_refuses_a_non_staff_assignee(staff_client, queue_cases, mp_user):
    response = staff_client.post(
        reverse("workspace:cases-bulk"),
        {"action": "assign", "assignee": mp_user.pk, "cases": [queue_cases["mine"].pk]},
        follow=True,
    )
    assert any("valid choice" in m for m in _messages(response))
    queue_cases["mine"].refresh_from_db()
    assert queue_cases["mine"].assignee != mp_user


def test_bulk_close_closes_resolved_cases_and_says_why_others_were_refused(staff_client, queue_cases):
    resolved, new = queue_cases["resolved"], queue_cases["mine"]
    response = staff_client.post(
        reverse("workspace:cases-bulk"),
        {"action": "close", "cases": [resolved.pk, new.pk], "querystring": "view=all"},
        follow=True,
    )
    resolved.refresh_from_db()
    new.refresh_from_db()
    assert resolved.status == CaseStatus.CLOSED
    assert new.status == CaseStatus.NEW
    messages = _messages(response)
    assert any(f"Closed: {resolved.reference}" in m for m in messages)
    refused = [m for m in messages if "refused" in m]
    assert refused and new.reference in refused[0] and "cannot move to Closed" in refused[0]


def test_bulk_without_ticked_cases_asks_for_some(staff_client, queue_cases):
    response = staff_client.post(reverse("workspace:cases-bulk"), {"action": "close"}, follow=True)
    assert any("Tick at least one case" in m for m in _messages(response))


# --- logging a case on the MP's behalf ----------------------------------------------------------------------


def _new_case_data(participant, requester, category, **overrides):
    data = {
        "kind": CaseKind.INQUIRY,
        "participant": participant.pk,
        "requester": requester.pk,
        "channel": Channel.PHONE,
        "category": category.pk,
        "priority": "",
        "subject": "Called about the QSE acknowledgement",
        "description": "Asked whether Form H was processed.",
    }
    data.update(overrides)
    return data


def test_the_new_case_form_offers_the_mps_contacts(staff_client, participant, mp_user, other_mp_user):
    response = staff_client.get(reverse("workspace:case-new"), {"participant": participant.pk})
    assert response.status_code == 200
    text = _text(response)
    assert f'data-participant="{participant.pk}"' in text and mp_user.email in text
    # Only the chosen MP's: another MP's contacts come when that MP is chosen (the fragment below).
    assert other_mp_user.email not in text
    assert f'hx-get="{reverse("workspace:case-new-requesters")}"' in text


def test_the_new_case_form_lists_no_contact_before_an_mp_is_chosen(staff_client, mp_user, other_mp_user):
    text = _text(staff_client.get(reverse("workspace:case-new")))
    assert mp_user.email not in text and other_mp_user.email not in text
    assert "Choose the MP first" in text


def test_the_requester_fragment_lists_only_that_mps_active_contacts(staff_client, participant, mp_user, other_mp_user):
    from accounts.models import Membership

    former = MembershipFactory(participant=participant, secondary=True).user
    Membership.objects.filter(user=former).update(is_active=False)
    url = reverse("workspace:case-new-requesters")
    response = staff_client.get(url, {"participant": participant.pk})
    assert response.status_code == 200
    text = _text(response)
    assert f'<option value="{mp_user.pk}">' in text and mp_user.email in text
    assert other_mp_user.email not in text and former.email not in text
    assert "<html" not in text  # a fragment of <option>s
    for junk in ("", "abc", "999999"):
        assert mp_user.email not in _text(staff_client.get(url, {"participant": junk}))


def test_the_requester_fragment_is_for_staff_who_log_cases(client, participant, mp_user):
    url = reverse("workspace:case-new-requesters")
    client.force_login(mp_user)
    assert client.get(url, {"participant": participant.pk}).status_code == 403
    client.force_login(StaffFactory(groups=[StaffGroup.RETAIL_OPERATIONS]))
    assert client.get(url, {"participant": participant.pk}).status_code == 403
    client.force_login(StaffFactory(groups=[StaffGroup.SERVICE_DESK]))
    assert mp_user.email in _text(client.get(url, {"participant": participant.pk}))


def test_without_a_requester_the_form_asks_for_one_and_lists_the_mps_contacts(
    staff_client, participant, mp_user, other_mp_user, registration
):
    """Without JavaScript: choose the MP, post, and the form comes back with that MP's contacts to choose from."""
    data = _new_case_data(participant, mp_user, registration)
    del data["requester"]
    response = staff_client.post(reverse("workspace:case-new"), data)
    assert response.status_code == 400
    text = _text(response)
    assert "Choose the requester among the MP" in text
    assert f'<option value="{mp_user.pk}">' in text and other_mp_user.email not in text
    assert not Case.objects.exists()


def test_log_a_phone_inquiry_on_behalf_of_a_contact(
    staff_client, participant, mp_user, am_user, registration, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("workspace:case-new"),
            _new_case_data(participant, mp_user, registration, attachments=[SimpleUploadedFile("notes.pdf", PDF)]),
        )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert case.channel == Channel.PHONE
    assert case.submitted_by == mp_user
    assert case.assignee == am_user
    assert case.priority == registration.default_priority
    assert case.attachments.get().original_name == "notes.pdf"
    assert [m.to for m in mailoutbox] == [[mp_user.email]]
    assert case.reference in mailoutbox[0].subject


def test_the_requester_must_be_a_contact_of_that_mp(staff_client, participant, other_mp_user, registration):
    response = staff_client.post(
        reverse("workspace:case-new"), _new_case_data(participant, other_mp_user, registration)
    )
    assert response.status_code == 400
    assert "is not an active contact of" in _text(response)
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    "upload, error",
    [
        (lambda: SimpleUploadedFile("statement.pdf", NOT_A_PDF), "is not an accepted file type"),
        (lambda: SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024 + 10)), "the limit is 1.0"),
        (lambda: SimpleUploadedFile("empty.pdf", b""), "is empty"),
    ],
)
def test_a_bad_upload_is_refused_and_everything_typed_is_kept(
    staff_client, participant, mp_user, registration, upload, error
):
    CaseSettings.objects.filter(pk=1).update(max_attachment_mb=1)
    data = _new_case_data(
        participant,
        mp_user,
        registration,
        subject="Typed subject survives",
        description="Typed description survives",
        priority=Priority.HIGH,
        attachments=[SimpleUploadedFile("ok.pdf", PDF), upload()],
    )
    response = staff_client.post(reverse("workspace:case-new"), data)
    assert response.status_code == 400
    text = _text(response)
    assert error in text
    assert 'value="Typed subject survives"' in text
    assert "Typed description survives</textarea>" in text
    assert f'<option value="{mp_user.pk}" selected>' in text
    assert '<option value="high" selected>' in text
    assert not Case.objects.exists()
    assert not CaseAttachment.objects.exists()


def test_log_a_dispute_with_its_fields(staff_client, participant, mp_user, settlements):
    fields = dispute_fields()
    data = _new_case_data(
        participant,
        mp_user,
        settlements,
        kind=CaseKind.DISPUTE,
        channel=Channel.EMAIL,
        operating_day=fields["operating_day"].isoformat(),
        statement_type=fields["statement_type"],
        statement_date=fields["statement_date"].isoformat(),
        charge_type=fields["charge_type"],
        disputed_amount="1250.75",
        statement_reference=fields["statement_reference"],
    )
    response = staff_client.post(reverse("workspace:case-new"), data)
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.reference.startswith("DSP-") and case.channel == Channel.EMAIL
    assert case.dispute.charge_type == fields["charge_type"] and not case.dispute.filed_late


def test_a_dispute_needs_its_fields(staff_client, participant, mp_user, settlements):
    response = staff_client.post(
        reverse("workspace:case-new"), _new_case_data(participant, mp_user, settlements, kind=CaseKind.DISPUTE)
    )
    assert response.status_code == 400
    assert "A dispute needs the Operating Day" in _text(response)
    assert not Case.objects.exists()


def test_a_late_dispute_is_refused_with_the_deadline_unless_accepted_late(
    staff_client, participant, mp_user, settlements
):
    old = timezone.localdate() - datetime.timedelta(days=90)
    data = _new_case_data(
        participant,
        mp_user,
        settlements,
        kind=CaseKind.DISPUTE,
        subject="Old invoice",
        operating_day=(old - datetime.timedelta(days=2)).isoformat(),
        statement_type=StatementType.INVOICE,
        statement_date=old.isoformat(),
        charge_type="Admin fee",
        disputed_amount="99.00",
        statement_reference="INV-1",
    )
    response = staff_client.post(reverse("workspace:case-new"), data)
    assert response.status_code == 400
    assert "The filing deadline for this dispute was" in _text(response)
    assert 'value="Old invoice"' in _text(response)
    assert not Case.objects.exists()

    data["late_acceptance_reason"] = "Invoice was re-issued by ERCOT late; agreed with Settlements."
    response = staff_client.post(reverse("workspace:case-new"), data)
    assert response.status_code == 302
    dispute = Case.objects.get().dispute
    assert dispute.filed_late and dispute.late_acceptance_reason.startswith("Invoice was re-issued")


# --- the case page -------------------------------------------------------------------------------------------


def _page(client, case):
    response = client.get(reverse("workspace:case-detail", args=[case.reference]))
    assert response.status_code == 200
    return response


def test_the_case_page_shows_the_case(staff_client, open_case, participant, mp_user):
    text = _text(_page(staff_client, open_case))
    for expected in (
        open_case.reference,
        open_case.subject,
        open_case.description,
        participant.legal_name,
        mp_user.email,
        "Phone",
        "Client Services",
        "On track",
        "Acknowledge",
        "Resolve",
    ):
        assert expected in text, expected
    assert participant.get_absolute_url() in text
    assert "Case submitted" in text  # the timeline


def test_the_case_page_of_a_potential_mp_contact(staff_client, queue_cases):
    desk = queue_cases["desk"]
    text = _text(_page(staff_client, desk))
    assert "Newco Power" in text and "pat@newco.example" in text and "queue: Service Desk" in text
    assert "Public contact form" in text


def test_the_case_page_accepts_a_lower_case_reference(staff_client, open_case):
    assert staff_client.get(reverse("workspace:case-detail", args=[open_case.reference.lower()])).status_code == 200


def test_the_dispute_panel(staff_client, dispute):
    text = _text(_page(staff_client, dispute))
    assert "Filing deadline" in text and "DAM-STMT-0001" in text and "$1,250.75" in text
    assert "Not decided yet" in text


def _post(client, case, action, data, **kwargs):
    return client.post(reverse(f"workspace:case-{action}", args=[case.reference]), data, **kwargs)


def test_a_public_reply_is_emailed_once_and_shown(
    staff_client, open_case, mp_user, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(staff_client, open_case, "reply", {"body": "Form H was processed on Monday."})
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [[mp_user.email]]
    assert "Form H was processed on Monday." in mailoutbox[0].body
    open_case.refresh_from_db()
    assert open_case.first_response_at is not None
    page = _text(_page(staff_client, open_case))
    assert "Form H was processed on Monday." in page and "Public reply" in page
    assert "Case replied" in page  # timeline


def test_an_internal_note_is_never_emailed_and_is_marked(
    staff_client, open_case, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(staff_client, open_case, "reply", {"body": "MP is also late on Form H.", "internal": "on"})
    assert response.status_code == 302
    assert mailoutbox == []
    message = CaseMessage.objects.get(case=open_case)
    assert message.is_internal
    page = _page(staff_client, open_case).content.decode()
    assert "internal-note" in page and "Internal note" in page and "MP is also late on Form H." in page
    assert "case.note_added" in _verbs(open_case)


def test_reply_and_wait_pauses_the_sla_clock(staff_client, open_case):
    _post(staff_client, open_case, "reply", {"body": "Please send the Form H.", "wait_on_participant": "on"})
    open_case.refresh_from_db()
    assert open_case.status == CaseStatus.WAITING
    assert open_case.next_action_by == NextAction.PARTICIPANT
    assert open_case.paused_at is not None
    assert "Paused – waiting on participant" in _text(_page(staff_client, open_case))


def test_the_waiting_on_participant_box_is_only_offered_to_those_who_work_the_case(staff_client, client, open_case):
    box = 'name="wait_on_participant"'
    assert box in _page(staff_client, open_case).content.decode()
    # Retail Operations replies to an escalation but does not work cases: no box it would be refused for ticking.
    client.force_login(StaffFactory(groups=[StaffGroup.RETAIL_OPERATIONS]))
    page = _page(client, open_case).content.decode()
    assert box not in page and 'name="body"' in page
    response = _post(client, open_case, "reply", {"body": "The switch date is Monday."})
    assert response.status_code == 302
    open_case.refresh_from_db()
    assert open_case.status == CaseStatus.NEW and CaseMessage.objects.filter(case=open_case).count() == 1


def test_a_reply_only_group_is_still_refused_waiting_on_the_participant(open_case):
    replier = StaffFactory(groups=[StaffGroup.RETAIL_OPERATIONS])
    with pytest.raises(DomainError, match="work cases"):
        case_reply(actor=replier, case=open_case, body="Please send the Form H.", wait_on_participant=True)
    open_case.refresh_from_db()
    assert open_case.status == CaseStatus.NEW and not CaseMessage.objects.filter(case=open_case).exists()


def test_a_reply_with_an_attachment_can_be_downloaded(staff_client, open_case):
    _post(
        staff_client,
        open_case,
        "reply",
        {"body": "See attached.", "attachments": [SimpleUploadedFile("answer.pdf", PDF)]},
    )
    attachment = CaseAttachment.objects.get(case=open_case)
    assert attachment.message is not None
    page = _page(staff_client, open_case).content.decode()
    url = reverse("workspace:case-attachment", args=[attachment.pk])
    assert url in page
    response = staff_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert 'attachment; filename="answer.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_bad_reply_keeps_the_text(staff_client, open_case):
    response = _post(
        staff_client,
        open_case,
        "reply",
        {"body": "Keep me", "attachments": [SimpleUploadedFile("x.pdf", NOT_A_PDF)]},
    )
    assert response.status_code == 400
    text = _text(response)
    assert "is not an accepted file type" in text and "Keep me</textarea>" in text
    assert not CaseMessage.objects.exists()
    response = _post(staff_client, open_case, "reply", {"body": "Note", "internal": "on", "wait_on_participant": "on"})
    assert response.status_code == 400
    assert "cannot wait on them" in _text(response)
    assert _post(staff_client, open_case, "reply", {"body": "  "}).status_code == 400


def test_the_canned_responses_are_filled_in(staff_client, open_case):
    response = _page(staff_client, open_case)
    [acknowledgement] = [c for c in response.context["canned_responses"] if c["title"] == "Acknowledgement"]
    assert open_case.reference in acknowledgement["body"] and "{reference}" not in acknowledgement["body"]
    assert 'id="canned-data"' in response.content.decode()


def test_transition_buttons_follow_the_workflow(staff_client, open_case):
    response = _page(staff_client, open_case)
    statuses = {button["status"] for button in response.context["transition_buttons"]}
    assert statuses == {CaseStatus.ACKNOWLEDGED, CaseStatus.IN_PROGRESS, CaseStatus.WAITING, CaseStatus.WITHDRAWN}
    assert response.context["can_resolve"] and not response.context["can_reopen"]


def test_transition_through_the_page(staff_client, open_case):
    response = _post(
        staff_client, open_case, "transition", {"to_status": "acknowledged", "reason": "Looking"}, follow=True
    )
    assert any("is now Acknowledged" in m for m in _messages(response))
    open_case.refresh_from_db()
    assert open_case.status == CaseStatus.ACKNOWLEDGED
    event = AuditEvent.objects.for_object(open_case).filter(verb="case.status_changed").get()
    assert event.actor.pk == open_case.assignee_id and event.reason == "Looking"
    assert "Case status changed" in _text(response)


def test_a_transition_reads_the_case_by_its_reference_once(staff_client, open_case):
    """The view checks the dispute rule on the case it then hands to the service: one lookup, not two."""
    with CaptureQueriesContext(connection) as queries:
        response = _post(staff_client, open_case, "transition", {"to_status": "acknowledged", "reason": "Looking"})
    assert response.status_code == 302
    lookups = [q for q in queries.captured_queries if q["sql"].startswith("SELECT") and open_case.reference in q["sql"]]
    assert len(lookups) == 1


def test_a_refused_transition_is_a_clear_message(staff_client, open_case):
    response = _post(staff_client, open_case, "transition", {"to_status": "closed"})
    assert response.status_code == 400
    assert "cannot move to Closed" in _text(response) and "Allowed next" in _text(response)
    response = _post(staff_client, open_case, "transition", {"to_status": "bogus"})
    assert response.status_code == 400
    assert "is not a status a case can move to" in _text(response)
    open_case.refresh_from_db()
    assert open_case.status == CaseStatus.NEW


def test_resolving_needs_a_summary_and_reopening_a_reason(staff_client, open_case):
    response = _post(staff_client, open_case, "transition", {"to_status": "resolved", "resolution_summary": ""})
    assert response.status_code == 400 and "Summarize the resolution" in _text(response)
    response = _post(
        staff_client, open_case, "transition", {"to_status": "resolved", "resolution_summary": "Approved."}
    )
    assert response.status_code == 302
    open_case.refresh_from_db()
    assert open_case.status == CaseStatus.RESOLVED and open_case.resolution_summary == "Approved."
    page = _page(staff_client, open_case)
    assert page.context["can_reopen"]
    response = _post(staff_client, open_case, "transition", {"to_status": "in_progress", "reason": ""})
    assert response.status_code == 400 and "Say why the case is being reopened" in _text(response)
    response = _post(staff_client, open_case, "transition", {"to_status": "in_progress", "reason": "MP called back"})
    assert response.status_code == 302
    open_case.refresh_from_db()
    assert open_case.status == CaseStatus.IN_PROGRESS


def test_resolving_a_dispute_asks_for_the_outcome(staff_client, dispute):
    response = _post(staff_client, dispute, "transition", {"to_status": "resolved", "resolution_summary": "x"})
    assert response.status_code == 400
    assert "Choose the dispute outcome" in _text(response)
    response = _post(
        staff_client,
        dispute,
        "transition",
        {
            "to_status": "resolved",
            "outcome": DisputeOutcome.GRANTED_WITH_EXCEPTIONS,
            "outcome_explanation": "Recalculated; the admin fee stands.",
            "granted_amount": "1000.00",
        },
    )
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == CaseStatus.RESOLVED
    assert dispute.dispute.outcome == DisputeOutcome.GRANTED_WITH_EXCEPTIONS
    assert "Granted with Exceptions" in _text(_page(staff_client, dispute))


def test_assign_through_the_page(staff_client, open_case, sme, mp_user):
    response = _post(staff_client, open_case, "assign", {"assignee": sme.pk, "reason": "SME owns it"}, follow=True)
    open_case.refresh_from_db()
    assert open_case.assignee == sme
    assert "Case assigned" in _text(response) and "SME owns it" in _text(response)
    response = _post(staff_client, open_case, "assign", {"assignee": mp_user.pk})
    assert response.status_code == 400 and "valid choice" in _text(response)


def test_escalate_through_the_page(staff_client, open_case, sme, service_desk):
    response = _post(staff_client, open_case, "escalate", {"reason": "Needs a ruling"})
    assert response.status_code == 400 and "Choose a person or a group" in _text(response)
    response = _post(
        staff_client,
        open_case,
        "escalate",
        {"to_user": sme.pk, "to_group": service_desk.pk, "reason": "Needs a ruling"},
        follow=True,
    )
    open_case.refresh_from_db()
    assert open_case.escalated_to == sme and open_case.escalated_to_group == service_desk
    text = _text(response)
    assert "Escalated" in text and "Needs a ruling" in text


def test_update_priority_and_category_through_the_page(staff_client, open_case, settlements):
    response = _post(
        staff_client,
        open_case,
        "update",
        {"priority": open_case.priority, "category": open_case.category_id, "reason": "x"},
    )
    assert response.status_code == 400 and "Nothing changed" in _text(response)
    old_due = open_case.resolution_due_at
    response = _post(
        staff_client,
        open_case,
        "update",
        {"priority": Priority.URGENT, "category": settlements.pk, "reason": "Money at stake"},
        follow=True,
    )
    open_case.refresh_from_db()
    assert open_case.priority == Priority.URGENT and open_case.category == settlements
    assert open_case.resolution_due_at < old_due
    assert "Case updated" in _text(response) and "Money at stake" in _text(response)


def test_merge_through_the_page(
    staff_client, open_case, participant, mp_user, registration, other_participant, other_mp_user
):
    duplicate = _case(participant, mp_user, registration, subject="Same question again")
    foreign = _case(other_participant, other_mp_user, registration, subject="Other MP")
    response = _post(staff_client, duplicate, "merge", {"target": "INQ-1999-999999"})
    assert response.status_code == 400 and "No case has the reference" in _text(response)
    response = _post(staff_client, duplicate, "merge", {"target": foreign.reference})
    assert response.status_code == 400 and "same Market Participant" in _text(response)
    response = _post(
        staff_client, duplicate, "merge", {"target": open_case.reference.lower(), "reason": "Duplicate"}, follow=True
    )
    duplicate.refresh_from_db()
    assert duplicate.status == CaseStatus.CLOSED and duplicate.merged_into == open_case
    assert response.redirect_chain[-1][0] == open_case.get_absolute_url()
    text = _text(response)
    assert duplicate.reference in text and "Case merge received" in text
    assert "Merged" in _text(_page(staff_client, duplicate))


def test_link_through_the_page(staff_client, open_case, participant, mp_user, registration):
    other = _case(participant, mp_user, registration, subject="Related question")
    response = _post(staff_client, open_case, "link", {"other": other.reference}, follow=True)
    assert other in open_case.related.all()
    text = _text(response)
    assert "Linked" in text and other.reference in text
    assert _post(staff_client, open_case, "link", {"other": open_case.reference}).status_code == 400


def test_clone_through_the_page(staff_client, open_case):
    response = _post(staff_client, open_case, "clone", {}, follow=True)
    clone = Case.objects.exclude(pk=open_case.pk).get()
    assert clone.cloned_from == open_case and clone.participant == open_case.participant
    assert response.redirect_chain[-1][0] == clone.get_absolute_url()
    assert open_case.reference in _text(response)
    assert "Case cloned" in _text(_page(staff_client, open_case))


def test_action_urls_redirect_a_get_to_the_case(staff_client, open_case):
    response = staff_client.get(reverse("workspace:case-reply", args=[open_case.reference]))
    assert response.status_code == 302 and response["Location"] == open_case.get_absolute_url()


def _page_queries(client, case):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("workspace:case-detail", args=[case.reference]))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_case_page_costs_a_bounded_number_of_queries(
    staff_client, open_case, am_user, mp_user, participant, registration
):
    def add_activity():
        case_reply(actor=am_user, case=open_case, body="Reply", attachments=[_checked("a.pdf", PDF)])
        case_reply(actor=am_user, case=open_case, body="Note", internal=True)
        case_reply(actor=mp_user, case=open_case, body="Thanks", attachments=[_checked("b.pdf", PDF)])
        other = _case(participant, mp_user, registration, subject="Linked")
        open_case.related.add(other)

    add_activity()
    small = _page_queries(staff_client, open_case)
    for _ in range(5):
        add_activity()
    large = _page_queries(staff_client, open_case)
    assert small == large
    assert large <= MAX_QUERIES_CASE_PAGE


# --- issue patterns ------------------------------------------------------------------------------------------


@pytest.fixture
def pattern(participant, mp_user, registration):
    for index in range(3):
        _case(participant, mp_user, registration, subject=f"Registration question {index}")
    return IssuePattern.objects.get(participant=participant, category=registration)


def test_patterns_list_shows_my_book_by_default(staff_client, pattern, client, staff_user):
    response = staff_client.get(reverse("workspace:patterns"))
    assert response.status_code == 200
    assert response.context["scope"] == "mine"
    assert [p.pk for p in response.context["page_obj"]] == [pattern.pk]
    # A colleague without a book sees every MP's patterns by default, and an empty "mine".
    client.force_login(staff_user)
    assert client.get(reverse("workspace:patterns")).context["scope"] == "all"
    assert "No open patterns in your book" in _text(client.get(reverse("workspace:patterns"), {"scope": "mine"}))


def test_the_pattern_page_shows_cases_and_the_trend(staff_client, pattern, participant, mp_user, categories):
    _case(participant, mp_user, categories["training"], subject="Training seats")
    response = staff_client.get(reverse("workspace:pattern-detail", args=[pattern.pk]))
    assert response.status_code == 200
    trend = response.context["trend"]
    assert len(trend["months"]) == 6
    rows = {row["category"].code: row for row in trend["rows"]}
    assert rows["registration"]["counts"][-1] == 3 and rows["training"]["total"] == 1
    assert trend["totals"][-1] == 4
    text = _text(response)
    assert "Registration question 0" in text and "Record an improvement action" in text


def test_the_trend_is_counted_in_sql(staff_client, pattern):
    with CaptureQueriesContext(connection) as ctx:
        staff_client.get(reverse("workspace:pattern-detail", args=[pattern.pk]))
    trend_queries = [
        q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper() and "GROUP BY" in q["sql"].upper()
    ]
    assert trend_queries


def test_record_an_improvement_action(staff_client, pattern, sme):
    url = reverse("workspace:pattern-detail", args=[pattern.pk])
    response = staff_client.post(url, {"kind": "training", "title": "", "owner": sme.pk, "due_date": "2000-01-01"})
    assert response.status_code == 400
    assert "cannot be in the past" in _text(response)
    due = timezone.localdate() + datetime.timedelta(days=14)
    response = staff_client.post(
        url,
        {
            "kind": "training",
            "title": "Registration workshop",
            "description": "Form B walkthrough",
            "owner": sme.pk,
            "due_date": due.isoformat(),
        },
        follow=True,
    )
    action = ImprovementAction.objects.get()
    assert action.pattern == pattern and action.owner == sme and action.due_date == due
    pattern.refresh_from_db()
    assert pattern.status == IssuePattern.Status.ACTIONED
    assert "Registration workshop" in _text(response)


def test_dismiss_a_pattern_needs_a_reason(staff_client, pattern):
    url = reverse("workspace:pattern-dismiss", args=[pattern.pk])
    response = staff_client.post(url, {"reason": ""})
    assert response.status_code == 400
    response = staff_client.post(url, {"reason": "Seasonal: registration window opened"}, follow=True)
    pattern.refresh_from_db()
    assert pattern.status == IssuePattern.Status.DISMISSED
    assert any("dismissed" in m for m in _messages(response))
    assert staff_client.post(url, {"reason": "again"}).status_code == 400


# --- workspace home cards ---------------------------------------------------------------------------------------


def test_workspace_home_loads_the_case_card_and_lists_pattern_alerts(staff_client, queue_cases, pattern):
    assert reverse("workspace:home-lists") in staff_client.get(reverse("workspace:home")).content.decode()
    lists = staff_client.get(reverse("workspace:home-lists")).content.decode()  # loaded into the home page
    assert f"{reverse('workspace:cases')}?card=home" in lists
    assert reverse("workspace:pattern-detail", args=[pattern.pk]) in lists
    card = staff_client.get(reverse("workspace:cases"), {"card": "home"})
    assert card.context["counts"]["mine"] == 5  # 2 from queue_cases + 3 from the pattern
    assert card.context["counts"]["mine_at_risk"] == 1
    assert "My open cases" in card.content.decode()


def test_staff_nav_links_to_cases_and_patterns(staff_client):
    page = staff_client.get(reverse("workspace:home")).content.decode()
    assert f'href="{reverse("workspace:cases")}"' in page and f'href="{reverse("workspace:patterns")}"' in page
