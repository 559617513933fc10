"""Issue #6 end to end: seed 003's notice drafted, approved by a second publisher, published, read in the
archive and the feed, delivered once to every subscriber through a real worker, and unsubscribed in one click."""

import re
import time
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import pytest
from playwright.sync_api import expect

from accounts.models import ContactRole
from notices.models import DistributionList, Notice, NoticeDelivery
from notices.services import recipients_for
from tests.accounts.factories import PASSWORD, MembershipFactory, ParticipantFactory, StaffFactory
from tests.notices.factories import SubscriptionFactory

from .conftest import nav, sign_in, snap

pytestmark = [pytest.mark.browser, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

SHORT = "Total potential exposure (TPE) calculations affected by ERS resettlements"
LONG = (
    "On April 22, 2024, ERCOT issued Market Notice W-A042224-01 Settlements: Resettlement for the ERS Standard "
    "Contract Term of June 01, 2023 – September 30, 2023. These ERS resettlement amounts flowed into the Unbilled "
    "True Up Amounts (UTA) component of Estimated Aggregate Liability (EAL)."
)
ACTION = "Counter-Parties should review their revised ACL Summary and TPE Summary reports published in the ERCOT MIS."


def test_seed_003_notice_from_draft_to_every_mailbox_once(browser, live_server, smtp_sink, celery_worker_thread):
    author = StaffFactory(groups=["Notice Publisher"], full_name="Paula Publisher")
    approver = StaffFactory(groups=["Notice Publisher"], full_name="Avery Approver")
    credit = DistributionList.objects.get(name="NOTICE_CREDIT")
    public = [f"analyst{n}@bank{n}.example" for n in range(5)]
    for address in public:
        SubscriptionFactory(distribution_list=credit, email=address)
    SubscriptionFactory(distribution_list=credit, email="pending@bank.example", pending=True)  # never confirmed
    contacts = [
        MembershipFactory(
            participant=ParticipantFactory(role_codes=["REP", "LSE"]), contact_role=ContactRole.CREDIT
        ).user.email
        for _ in range(3)
    ]
    context = dict(base_url=live_server.url, viewport={"width": 1366, "height": 1000})

    drafting = browser.new_context(**context).new_page()
    sign_in(drafting, author.email, PASSWORD)
    nav(drafting).get_by_role("link", name="Notices").click()
    drafting.goto("/workspace/notices/new/")
    drafting.get_by_label("Notice type").select_option(label="Financial/Credit")
    drafting.get_by_label("Short description").fill(SHORT)
    drafting.get_by_label("Day(s) affected").fill("April 23, 2024")
    drafting.get_by_label("Long description").fill(LONG)
    drafting.get_by_label("Action required").fill(ACTION)
    drafting.get_by_role("button", name="Save draft").click()
    drafting.get_by_role("button", name="Submit for review").click()
    expect(drafting.get_by_role("button", name="Approve", exact=True)).to_be_disabled()  # four eyes
    notice = Notice.objects.get(short_description=SHORT)

    approving = browser.new_context(**context).new_page()
    sign_in(approving, approver.email, PASSWORD)
    approving.goto(f"/workspace/notices/{notice.pk}/")
    approving.get_by_role("button", name="Approve", exact=True).click()
    approving.get_by_role("button", name=re.compile(r"^Publish now")).click()
    notice.refresh_from_db()
    assert re.fullmatch(r"M-A\d{6}-01", notice.notice_id)
    expected = set(public) | set(contacts)
    assert set(NoticeDelivery.objects.filter(notice=notice).values_list("email", flat=True)) == expected

    smtp_sink.wait_for(len(expected), timeout=60)
    time.sleep(1.5)  # a duplicate would arrive now
    received = sorted(address for envelope in smtp_sink.envelopes for address in envelope.rcpt_tos)
    assert received == sorted(expected)
    approving.reload()
    expect(approving.get_by_text("Sent").first).to_be_visible()
    snap(approving, "journey-notice-published")

    # The archive and the feed.
    reader = browser.new_context(**context).new_page()
    reader.goto("/notices/")
    reader.get_by_role("link", name=re.compile(notice.notice_id)).first.click()
    expect(reader.get_by_text(ACTION)).to_be_visible()
    expect(reader.get_by_role("link", name="W-A042224-01")).to_be_visible()
    snap(reader, "journey-notice-archive")
    with urllib.request.urlopen(f"{live_server.url}/notices/feed/") as response:
        titles = [item.findtext("title") for item in ET.fromstring(response.read()).iter("item")]
    assert any(notice.notice_id in (title or "") for title in titles)

    # One-click unsubscribe (RFC 8058) from the header of a received message.
    message = next(m for m in smtp_sink.messages() if m["To"] == public[0])
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.search(r"<(https?://[^>]+)>", message["List-Unsubscribe"]).group(1)
    url = live_server.url + urllib.parse.urlparse(url).path
    request = urllib.request.Request(url, data=b"List-Unsubscribe=One-Click", method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    with urllib.request.urlopen(request) as response:
        assert response.status == 200 and response.url == url  # no redirect
    assert public[0] not in recipients_for(notice)
