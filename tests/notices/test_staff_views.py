"""The staff side of market notices through its pages: list, drafting, four-eyes approval, publication,
updates and cancellations, live progress, the delivery report and CSV, acknowledgements, and access rules."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import ContactRole
from accounts.roles import StaffGroup
from notices import services
from notices.models import (
    Acknowledgement,
    DistributionList,
    Notice,
    NoticeDelivery,
    NoticeStatus,
    NoticeType,
)
from tests.accounts.factories import AssignmentFactory, MembershipFactory, ParticipantFactory, StaffFactory
from tests.notices.factories import SubscriptionFactory

pytestmark = pytest.mark.django_db

SEED_LONG = (
    "On April 22, 2024, ERCOT issued Market Notice W-A042224-01 Settlements: Resettlement for the ERS Standard "
    "Contract Term of June 01, 2023 – September 30, 2023. The respective true-up statements issued on April 22, 2024 "
    "included the ERS resettlements described in the above Market Notice for the Operating Day October 24, 2023. "
    "Therefore, per Section ERCOT has removed the affected Operating Day from the UTA/EAL calculations. This change "
    "took effect on reports published today, April 24, 2024."
)
SEED_ACTION = (
    "Counter-Parties should review their revised ACL Summary and TPE Summary reports published in the ERCOT MIS."
)
NOTICE_ID = re.compile(r"^M-A\d{6}-(\d{2})$")


@pytest.fixture
def publisher(db):
    return StaffFactory(groups=[StaffGroup.NOTICE_PUBLISHER], full_name="Sandra Whitaker")


@pytest.fixture
def publisher2(db):
    return StaffFactory(groups=[StaffGroup.NOTICE_PUBLISHER], full_name="Victor Ramos")


@pytest.fixture
def credit_type(db):
    return NoticeType.objects.get(name="Financial/Credit")


@pytest.fixture
def credit_contacts(db, participant, other_participant):
    """Two credit contacts (NOTICE_CREDIT by role) and one confirmed public subscriber."""
    users = [
        MembershipFactory(participant=participant, contact_role=ContactRole.CREDIT).user,
        MembershipFactory(participant=other_participant, contact_role=ContactRole.CREDIT).user,
    ]
    SubscriptionFactory(
        distribution_list=DistributionList.objects.get(name="NOTICE_CREDIT"), email="analyst@example.org"
    )
    return users


def _draft(actor, notice_type, **extra):
    fields = dict(
        actor=actor,
        notice_type=notice_type,
        short_description="TPE calculations affected by ERS resettlements",
        long_description=SEED_LONG,
        days_affected="April 23, 2024",
        action_required=SEED_ACTION,
    )
    fields.update(extra)
    actor = fields.pop("actor")
    return services.notice_create(actor=actor, data=services.NoticeInput(**fields))


def _published(author, approver, notice_type, django_capture_on_commit_callbacks, **extra):
    notice = _draft(author, notice_type, **extra)
    services.notice_submit_for_review(actor=author, notice=notice)
    services.notice_approve(actor=approver, notice=notice)
    with django_capture_on_commit_callbacks(execute=True):
        return services.notice_publish(actor=approver, notice=notice)


def _form_data(notice_type, **extra):
    data = {
        "notice_type": notice_type.pk,
        "scope": "M",
        "short_description": "Total potential exposure (TPE) calculations affected by ERS resettlements",
        "days_affected": "April 23, 2024",
        "long_description": SEED_LONG,
        "action_required": SEED_ACTION,
        "additional_information": "",
        "contact": services.default_contact(),
    }
    data.update(extra)
    return data


def _action(client, notice, action, **data):
    return client.post(reverse("workspace:notice-action", args=[notice.pk, action]), data)


# --- access ------------------------------------------------------------------------------------------


def _all_urls(notice):
    return [
        reverse("workspace:notice-list"),
        reverse("workspace:notice-new"),
        reverse("workspace:notice-detail", args=[notice.pk]),
        reverse("workspace:notice-edit", args=[notice.pk]),
        reverse("workspace:notice-action", args=[notice.pk, "submit"]),
        reverse("workspace:notice-progress", args=[notice.pk]),
        reverse("workspace:notice-report", args=[notice.pk]),
        reverse("workspace:notice-acknowledgements", args=[notice.pk]),
    ]


def test_anonymous_is_sent_to_sign_in_and_participants_get_403(client, publisher, credit_type, mp_user):
    notice = _draft(publisher, credit_type)
    for url in _all_urls(notice):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    client.force_login(mp_user)
    for url in _all_urls(notice):
        assert client.get(url).status_code == 403, url
        assert client.post(url).status_code == 403, url


def test_staff_who_are_not_publishers_may_view_but_not_change(client, publisher, credit_type, staff_user):
    notice = _draft(publisher, credit_type)
    client.force_login(staff_user)
    assert client.get(reverse("workspace:notice-list")).status_code == 200
    page = client.get(reverse("workspace:notice-detail", args=[notice.pk]))
    assert page.status_code == 200 and "Only Notice Publishers" in page.content.decode()
    assert client.get(reverse("workspace:notice-new")).status_code == 403
    assert client.post(reverse("workspace:notice-new"), _form_data(credit_type)).status_code == 403
    assert client.get(reverse("workspace:notice-edit", args=[notice.pk])).status_code == 403
    for action in ("submit", "approve", "publish", "update"):
        assert _action(client, notice, action).status_code == 403
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.DRAFT


def test_a_notice_published_by_the_scheduler_and_whose_author_is_gone_still_shows(
    client, publisher, publisher2, credit_type, staff_user, django_capture_on_commit_callbacks
):
    """The scheduler publishes with no actor, and the author is SET_NULL when the user is deleted: the pages say so
    instead of failing on ``None.email``."""
    notice = _draft(publisher, credit_type)
    services.notice_submit_for_review(actor=publisher, notice=notice)
    services.notice_approve(actor=publisher2, notice=notice)
    with django_capture_on_commit_callbacks(execute=True):
        services.notice_publish(actor=None, notice=notice)
    Notice.objects.filter(pk=notice.pk).update(author=None)
    client.force_login(staff_user)
    for url in (reverse("workspace:notice-list"), reverse("workspace:notice-detail", args=[notice.pk])):
        page = client.get(url)
        assert page.status_code == 200, url
    html = page.content.decode()
    history = html.split('id="history-h"')[1]
    assert "Drafted by —" in html and "· System</div>" in history


# --- the seed 003 notice from draft to mailbox --------------------------------------------------------


def test_seed_003_drafted_approved_and_published_through_the_pages(
    client, publisher, publisher2, credit_type, credit_contacts, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(publisher)
    form = client.get(reverse("workspace:notice-new"))
    assert form.status_code == 200
    assert services.default_contact() in form.content.decode()  # contact prefilled
    assert "added automatically" in form.content.decode()

    response = client.post(reverse("workspace:notice-new"), _form_data(credit_type, audience=[]))
    assert response.status_code == 302
    notice = Notice.objects.get()
    assert notice.author == publisher and notice.status == NoticeStatus.DRAFT
    page = client.get(response["Location"]).content.decode()
    assert "NOTICE_CREDIT" in page and "routed by type" in page  # recipients preview per list
    assert 'href="/notices/W-A042224-01/"' in page  # notice IDs in the text become links

    assert _action(client, notice, "submit").status_code == 302
    # The author cannot approve: the page says why, and the POST is refused with the reason.
    page = client.get(reverse("workspace:notice-detail", args=[notice.pk])).content.decode()
    assert "a different Notice Publisher must approve it" in page
    refused = _action(client, notice, "approve")
    assert refused.status_code == 400
    assert "different Notice Publisher than its author" in refused.content.decode()
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.IN_REVIEW

    client.force_login(publisher2)
    assert _action(client, notice, "approve").status_code == 302
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.APPROVED and notice.approver == publisher2

    with django_capture_on_commit_callbacks(execute=True):
        response = _action(client, notice, "publish")
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.PUBLISHED
    assert NOTICE_ID.match(notice.notice_id).group(1) == "01"
    expected = {u.email.lower() for u in credit_contacts} | {"analyst@example.org"}
    assert set(NoticeDelivery.objects.filter(notice=notice).values_list("email", flat=True)) == expected
    assert not NoticeDelivery.objects.filter(notice=notice).exclude(status=NoticeDelivery.Status.SENT).exists()
    assert sorted(addr for m in mailoutbox for addr in m.to) == sorted(expected)
    assert all(notice.notice_id in m.subject for m in mailoutbox)

    page = client.get(reverse("workspace:notice-detail", args=[notice.pk]))
    text = page.content.decode()
    assert f"Published as {notice.notice_id}" in text
    assert "Delivery report" in text and 'hx-trigger="every 2s"' not in text  # nothing pending: no polling
    history = text.split('id="history-h"')[1]
    for label in ("Notice drafted", "Notice submitted for review", "Notice approved", "Notice published"):
        assert f"<strong>{label}</strong>" in history


def test_return_to_draft_needs_a_reason_and_keeps_it_in_the_history(client, publisher, publisher2, credit_type):
    notice = _draft(publisher, credit_type)
    services.notice_submit_for_review(actor=publisher, notice=notice)
    client.force_login(publisher2)
    response = _action(client, notice, "return", reason="")
    assert response.status_code == 400
    response = _action(client, notice, "return", reason="Add the protocol section number.")
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.DRAFT
    page = client.get(reverse("workspace:notice-detail", args=[notice.pk])).content.decode()
    assert "Add the protocol section number." in page


def test_edit_keeps_typed_data_on_error_and_saves_a_draft(client, publisher, credit_type):
    notice = _draft(publisher, credit_type)
    client.force_login(publisher)
    url = reverse("workspace:notice-edit", args=[notice.pk])
    response = client.post(url, _form_data(credit_type, short_description="", days_affected="May 1, 2024"))
    assert response.status_code == 400 and "May 1, 2024" in response.content.decode()
    response = client.post(url, _form_data(credit_type, short_description="Revised", audience=["QSE"]))
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.short_description == "Revised"
    assert list(notice.audience.values_list("code", flat=True)) == ["QSE"]


def test_schedule_from_the_page(client, publisher, publisher2, credit_type):
    notice = _draft(publisher, credit_type)
    services.notice_submit_for_review(actor=publisher, notice=notice)
    services.notice_approve(actor=publisher2, notice=notice)
    client.force_login(publisher2)
    assert _action(client, notice, "schedule", when="2000-01-01T10:00").status_code == 400
    assert _action(client, notice, "schedule", when="2099-01-01T10:00").status_code == 302
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.SCHEDULED and notice.scheduled_for.year == 2099


def test_live_preview_renders_markdown_safely(client, publisher):
    client.force_login(publisher)
    response = client.post(
        reverse("workspace:notice-preview"), {"long_description": "**Bold** <script>x()</script> see M-A042424-01"}
    )
    html = response.content.decode()
    assert "<strong>Bold</strong>" in html and "<script>" not in html and "/notices/M-A042424-01/" in html


def test_update_and_cancellation_continue_the_thread(
    client, publisher, publisher2, credit_type, credit_contacts, mailoutbox, django_capture_on_commit_callbacks
):
    original = _published(publisher, publisher2, credit_type, django_capture_on_commit_callbacks)
    thread_prefix = original.notice_id[:-3]
    client.force_login(publisher)

    for action, number in (("update", "02"), ("cancel", "03")):
        response = _action(client, original, action)
        assert response.status_code == 302
        draft = Notice.objects.exclude(status=NoticeStatus.PUBLISHED).get()
        assert draft.previous == original
        if action == "update":
            assert response["Location"] == reverse("workspace:notice-edit", args=[draft.pk])
            client.post(response["Location"], _form_data(credit_type, short_description="UPDATE: revised reports"))
        else:
            assert response["Location"] == reverse("workspace:notice-detail", args=[draft.pk])
            assert draft.short_description.startswith("CANCELLATION:")
        _action(client, draft, "submit")
        client.force_login(publisher2)
        assert _action(client, draft, "approve").status_code == 302
        confirm = {"confirmed": "yes"} if action == "cancel" else {}
        with django_capture_on_commit_callbacks(execute=True):
            assert _action(client, draft, "publish", **confirm).status_code == 302
        client.force_login(publisher)
        draft.refresh_from_db()
        assert draft.notice_id == f"{thread_prefix}-{number}"

    page = client.get(reverse("workspace:notice-detail", args=[original.pk])).content.decode()
    assert f"{thread_prefix}-02" in page and f"{thread_prefix}-03" in page
    # The thread was cancelled: no further update.
    response = _action(client, original, "update")
    assert response.status_code == 400 and "was cancelled" in response.content.decode()


def test_publishing_a_cancellation_asks_first_and_names_who_hears_it(
    client, publisher, publisher2, credit_type, credit_contacts, django_capture_on_commit_callbacks
):
    original = _published(publisher, publisher2, credit_type, django_capture_on_commit_callbacks)
    client.force_login(publisher)
    _action(client, original, "cancel")
    cancellation = Notice.objects.exclude(status=NoticeStatus.PUBLISHED).get()
    _action(client, cancellation, "submit")
    client.force_login(publisher2)
    _action(client, cancellation, "approve")

    asked = _action(client, cancellation, "publish")

    page = asked.content.decode()
    assert asked.status_code == 200
    # The two credit contacts and the public subscriber of NOTICE_CREDIT.
    assert f"tells 3 recipients that {original.notice_id} is cancelled" in page
    assert f"Yes, cancel {original.notice_id}" in page
    cancellation.refresh_from_db()
    assert cancellation.status == NoticeStatus.APPROVED

    with django_capture_on_commit_callbacks(execute=True):
        assert _action(client, cancellation, "publish", confirmed="yes").status_code == 302
    cancellation.refresh_from_db()
    assert cancellation.status == NoticeStatus.PUBLISHED


def test_publishing_an_update_needs_no_confirmation(
    client, publisher, publisher2, credit_type, credit_contacts, django_capture_on_commit_callbacks
):
    original = _published(publisher, publisher2, credit_type, django_capture_on_commit_callbacks)
    client.force_login(publisher)
    _action(client, original, "update")
    update = Notice.objects.exclude(status=NoticeStatus.PUBLISHED).get()
    _action(client, update, "submit")
    client.force_login(publisher2)
    _action(client, update, "approve")

    with django_capture_on_commit_callbacks(execute=True):
        assert _action(client, update, "publish").status_code == 302
    update.refresh_from_db()
    assert update.status == NoticeStatus.PUBLISHED


# --- progress, report, CSV ----------------------------------------------------------------------------


def _published_with_deliveries(publisher, publisher2, credit_type, statuses):
    notice = _draft(publisher, credit_type)
    services.notice_submit_for_review(actor=publisher, notice=notice)
    services.notice_approve(actor=publisher2, notice=notice)
    notice = services.notice_publish(actor=publisher2, notice=notice)  # no on-commit: nothing is sent
    dl = DistributionList.objects.get(name="NOTICE_CREDIT")
    NoticeDelivery.objects.filter(notice=notice).delete()
    NoticeDelivery.objects.bulk_create(
        NoticeDelivery(
            notice=notice,
            email=f"r{i}@example.org",
            distribution_list=dl,
            status=status,
            last_error="550 5.1.1 User unknown" if status == NoticeDelivery.Status.FAILED else "",
        )
        for i, status in enumerate(statuses)
    )
    return notice


def test_progress_fragment_counts_and_stops_polling_when_done(client, publisher, publisher2, credit_type):
    S = NoticeDelivery.Status
    notice = _published_with_deliveries(
        publisher, publisher2, credit_type, [S.SENT] * 3 + [S.FAILED] + [S.PENDING] * 2 + [S.CLAIMED]
    )
    client.force_login(publisher)
    url = reverse("workspace:notice-progress", args=[notice.pk])
    html = client.get(url).content.decode()
    assert re.search(r'data-count="sent">3<', html) and re.search(r'data-count="failed">1<', html)
    assert re.search(r'data-count="pending">2<', html) and re.search(r'data-count="claimed">1<', html)
    assert f'hx-get="{url}"' in html and 'hx-trigger="every 2s"' in html
    detail = client.get(reverse("workspace:notice-detail", args=[notice.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in detail
    NoticeDelivery.objects.filter(notice=notice, status__in=[S.PENDING, S.CLAIMED]).update(status=S.SENT)
    html = client.get(url).content.decode()
    assert re.search(r'data-count="sent">6<', html) and "hx-get" not in html


def test_report_and_csv_export(client, publisher, publisher2, credit_type):
    S = NoticeDelivery.Status
    notice = _published_with_deliveries(publisher, publisher2, credit_type, [S.SENT] * 4 + [S.FAILED] * 2)
    client.force_login(publisher)
    url = reverse("workspace:notice-report", args=[notice.pk])
    page = client.get(url).content.decode()
    assert "Failures (2)" in page and "550 5.1.1 User unknown" in page and "NOTICE_CREDIT" in page

    response = client.get(url, {"format": "csv"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert notice.notice_id in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["notice_id", "email", "list", "status", "attempts", "sent_at", "last_error"]
    assert len(rows) == 7
    assert sum(1 for r in rows[1:] if r[3] == "failed" and r[6] == "550 5.1.1 User unknown") == 2
    assert all(r[0] == notice.notice_id and r[2] == "NOTICE_CREDIT" for r in rows[1:])


def test_delivery_report_csv_neutralises_an_address_a_spreadsheet_would_run(client, publisher, publisher2, credit_type):
    notice = _published_with_deliveries(publisher, publisher2, credit_type, [NoticeDelivery.Status.SENT])
    NoticeDelivery.objects.filter(notice=notice).update(email="=cmd|'/Ccalc'!A0@evil.example", last_error="-1+1")
    client.force_login(publisher)
    response = client.get(reverse("workspace:notice-report", args=[notice.pk]), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][1] == "'=cmd|'/Ccalc'!A0@evil.example" and rows[1][6] == "'-1+1"
    assert rows[1][4] == "0"  # numbers stay numbers


# --- acknowledgements ---------------------------------------------------------------------------------


def test_acknowledgements_list_who_acknowledged_and_who_has_not(
    client,
    publisher,
    publisher2,
    credit_type,
    account_manager,
    participant,
    other_participant,
    django_capture_on_commit_callbacks,
):
    # participant holds REP/LSE, other_participant holds QSE; a third MP of another AM also holds QSE.
    elsewhere = ParticipantFactory(role_codes=["QSE"])
    AssignmentFactory(participant=elsewhere)
    ParticipantFactory(role_codes=["TDSP"])  # not in the audience
    notice = _published(
        publisher, publisher2, credit_type, django_capture_on_commit_callbacks, audience_codes=["QSE", "REP"]
    )
    contact = MembershipFactory(participant=participant).user
    services.notice_acknowledge(actor=contact, notice=notice, participant=participant)

    client.force_login(account_manager.user)
    url = reverse("workspace:notice-acknowledgements", args=[notice.pk])
    page = client.get(url).content.decode()  # an AM starts with their own book
    assert "My book" in page
    assert participant.short_name in page and other_participant.short_name in page
    assert elsewhere.short_name not in page
    assert contact.full_name in page
    assert "1</strong> of 2 acknowledged" in page
    page = client.get(url, {"scope": "all"}).content.decode()
    assert elsewhere.short_name in page and "1</strong> of 3 acknowledged" in page
    missing = page.split('id="missing-h"')[1].split('id="acked-h"')[0]
    assert other_participant.short_name in missing and elsewhere.short_name in missing
    assert participant.short_name not in missing
    assert Acknowledgement.objects.count() == 1


# --- bounded queries ----------------------------------------------------------------------------------


def test_list_queries_do_not_grow_with_notices(client, publisher, publisher2, credit_type):
    client.force_login(publisher)
    url = reverse("workspace:notice-list")
    _draft(publisher, credit_type)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(20):
        notice = _draft(publisher, credit_type, short_description=f"Notice {i}")
        if i % 2:
            services.notice_submit_for_review(actor=publisher, notice=notice)
            services.notice_approve(actor=publisher2, notice=notice)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_report_queries_do_not_grow_with_deliveries(client, publisher, publisher2, credit_type):
    S = NoticeDelivery.Status
    small = _published_with_deliveries(publisher, publisher2, credit_type, [S.SENT, S.FAILED])
    large = _published_with_deliveries(publisher, publisher2, credit_type, [S.SENT] * 150 + [S.FAILED] * 80)
    client.force_login(publisher)
    counts = []
    for notice in (small, large):
        for url in (
            reverse("workspace:notice-report", args=[notice.pk]),
            reverse("workspace:notice-progress", args=[notice.pk]),
        ):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
    assert counts[0] == counts[2] and counts[1] == counts[3]


# --- admin ---------------------------------------------------------------------------------------------


def test_admin_pages_open(
    client, publisher, publisher2, credit_type, credit_contacts, django_capture_on_commit_callbacks
):
    from tests.accounts.factories import StaffFactory

    notice = _published(publisher, publisher2, credit_type, django_capture_on_commit_callbacks)
    admin = StaffFactory(email="root@ercot.example", is_superuser=True)  # with its second factor, as staff must
    client.force_login(admin)
    for model in (
        "noticetype",
        "distributionlist",
        "subscription",
        "contactlistoptout",
        "suppression",
        "notice",
        "noticedelivery",
        "acknowledgement",
    ):
        assert client.get(reverse(f"admin:notices_{model}_changelist")).status_code == 200, model
    page = client.get(reverse("admin:notices_notice_change", args=[notice.pk]))
    assert page.status_code == 200 and notice.notice_id in page.content.decode()
    dl_page = client.get(reverse("admin:notices_distributionlist_changelist")).content.decode()
    assert "Subscribed" in dl_page
    assert client.get(reverse("admin:notices_suppression_add")).status_code == 200
    assert client.get(reverse("admin:notices_notice_add")).status_code == 403
