"""The staff notice list and page say where an unpublished notice is (issue 17, point 10)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from notices import services
from notices.models import NoticeStatus, NoticeType
from tests.accounts.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def publisher(db):
    return StaffFactory(groups=["Notice Publisher"])


@pytest.fixture
def reviewer(db):
    return StaffFactory(groups=["Notice Publisher"])


@pytest.fixture
def draft(publisher):
    def make(short_description):
        notice_type = NoticeType.objects.get(name="Financial/Credit")
        data = services.NoticeInput(
            notice_type=notice_type, short_description=short_description, long_description="Details."
        )
        return services.notice_create(actor=publisher, data=data)

    return make


def _link_text(html: str, notice) -> str:
    url = reverse("workspace:notice-detail", args=[notice.pk])
    [text] = re.findall(rf'href="{re.escape(url)}">(.*?)</a>', html)
    return text.strip()


def test_the_list_names_an_unnumbered_notice_by_its_status_not_draft(
    client, publisher, reviewer, draft, django_assert_max_num_queries
):
    writing = draft("Still being written")
    in_review = draft("Waiting for a second publisher")
    services.notice_submit_for_review(actor=publisher, notice=in_review)
    scheduled = draft("Going out tomorrow")
    services.notice_submit_for_review(actor=publisher, notice=scheduled)
    services.notice_approve(actor=reviewer, notice=scheduled)
    services.notice_schedule(actor=reviewer, notice=scheduled, when=timezone.now() + datetime.timedelta(days=1))

    client.force_login(publisher)
    with django_assert_max_num_queries(20):
        html = client.get(reverse("workspace:notice-list")).content.decode()

    assert _link_text(html, writing) == "Draft"
    assert _link_text(html, in_review) == "In review"
    assert _link_text(html, scheduled) == "Scheduled"


def test_the_author_of_a_notice_in_review_sees_no_return_to_draft_box_and_the_reviewer_does(
    client, publisher, reviewer, draft
):
    notice = draft("Waiting for a second publisher")
    services.notice_submit_for_review(actor=publisher, notice=notice)
    url = reverse("workspace:notice-detail", args=[notice.pk])
    return_action = reverse("workspace:notice-action", args=[notice.pk, "return"])

    client.force_login(publisher)
    as_author = client.get(url).content.decode()
    assert return_action not in as_author and "Return to draft" not in as_author

    client.force_login(reviewer)
    as_reviewer = client.get(url).content.decode()
    assert return_action in as_reviewer and "Return to draft" in as_reviewer


def test_a_staff_member_outside_notice_publishers_sees_no_return_to_draft_box_and_cannot_return(
    client, publisher, draft
):
    notice = draft("Waiting for a second publisher")
    services.notice_submit_for_review(actor=publisher, notice=notice)
    client.force_login(StaffFactory(groups=["Service Desk"]))

    response = client.post(reverse("workspace:notice-action", args=[notice.pk, "return"]), {"reason": "No."})

    assert response.status_code == 403
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.IN_REVIEW
