"""The webhook events beyond cases: a published notice, its update and its cancellation go to every MP's endpoints
subscribed to them (the notice as the public archive's API shows it); a decided registration application and an
issued qualification letter go to their MP's endpoints only, as the API shows them to that MP."""

import json

import pytest

from accounts.models import ContactRole
from accounts.roles import StaffGroup
from api.models import WebhookDelivery, WebhookEventType
from notices.models import Notice, NoticeType
from notices.services import (
    NoticeInput,
    notice_approve,
    notice_create,
    notice_follow_up,
    notice_publish,
    notice_submit_for_review,
)
from qualification.events import QualificationEvent
from registration.services import application_reject, application_start_review
from tests.accounts.factories import MembershipFactory, ParticipantFactory, StaffFactory
from tests.qualification.factories import QualificationLetterFactory
from tests.registration.factories import SubmittedApplicationFactory

from .factories import WebhookEndpointFactory
from .webhook_receiver import receiver_running

pytestmark = pytest.mark.django_db

E = WebhookEventType


@pytest.fixture
def receiver():
    with receiver_running() as running:
        yield running


@pytest.fixture
def publishers(db):
    return StaffFactory(groups=[StaffGroup.NOTICE_PUBLISHER]), StaffFactory(groups=[StaffGroup.NOTICE_PUBLISHER])


def _publish(notice, approver):
    notice_submit_for_review(actor=notice.author, notice=notice)
    notice_approve(actor=approver, notice=notice)
    return notice_publish(actor=approver, notice=notice)


def test_a_notice_its_update_and_its_cancellation_reach_every_mps_subscribed_endpoints(
    participant, other_participant, publishers, receiver, django_capture_on_commit_callbacks
):
    ours = WebhookEndpointFactory(
        participant=participant, url=receiver.url, event_types=[E.NOTICE_PUBLISHED, E.NOTICE_CANCELLED]
    )
    theirs = WebhookEndpointFactory(participant=other_participant, url=receiver.url, event_types=list(E.values))
    WebhookEndpointFactory(participant=other_participant, url=receiver.url, event_types=[E.CASE_CREATED])
    author, approver = publishers
    data = NoticeInput(
        notice_type=NoticeType.objects.get(name="Financial/Credit"),
        short_description="TPE calculations affected by ERS resettlements",
        long_description="ERCOT removed the affected Operating Day.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        original = _publish(notice_create(actor=author, data=data), approver)
        update = _publish(notice_follow_up(actor=author, previous=original, kind=Notice.Kind.UPDATE), approver)
        cancellation = notice_follow_up(actor=author, previous=update, kind=Notice.Kind.CANCELLATION)
        cancellation = _publish(cancellation, approver)

    def received(endpoint):
        rows = WebhookDelivery.objects.filter(endpoint=endpoint).order_by("pk")
        return [(row.event_type, row.payload["data"]["notice_id"], row.status) for row in rows]

    assert received(ours) == [
        ("notice.published", original.notice_id, "sent"),
        ("notice.cancelled", cancellation.notice_id, "sent"),
    ]
    assert received(theirs) == [
        ("notice.published", original.notice_id, "sent"),
        ("notice.updated", update.notice_id, "sent"),
        ("notice.cancelled", cancellation.notice_id, "sent"),
    ]
    assert WebhookDelivery.objects.count() == 5 and len(receiver.requests) == 5
    last = json.loads(receiver.requests[-1].body)["data"]
    assert last["cancelled"] is True and last["previous"]["notice_id"] == update.notice_id
    assert "author" not in last and "lists" not in last


def test_a_rejected_application_is_registration_decided_for_its_mp_only(
    account_manager, other_participant, receiver, django_capture_on_commit_callbacks
):
    participant = ParticipantFactory(prospective=True, account_manager=account_manager)
    ours = WebhookEndpointFactory(participant=participant, url=receiver.url, event_types=[E.REGISTRATION_DECIDED])
    WebhookEndpointFactory(participant=other_participant, url=receiver.url, event_types=[E.REGISTRATION_DECIDED])
    ar = MembershipFactory(participant=participant, contact_role=ContactRole.AUTHORIZED_REPRESENTATIVE).user
    reviewer = StaffFactory(groups=[StaffGroup.RETAIL_OPERATIONS])
    application = SubmittedApplicationFactory(participant=participant, actor=ar)

    with django_capture_on_commit_callbacks(execute=True):
        application_start_review(actor=reviewer, application=application)
        application_reject(actor=reviewer, application=application, reason="Incomplete Form G")

    delivery = WebhookDelivery.objects.get()
    assert (delivery.endpoint, delivery.event_type, delivery.status) == (ours, "registration.decided", "sent")
    data = json.loads(receiver.requests[0].body)["data"]
    assert (data["reference"], data["status"], data["decision_reason"]) == (
        application.reference,
        "rejected",
        "Incomplete Form G",
    )
    assert "checklist" in data


def test_an_issued_letter_is_letter_sent_for_its_mp(participant, receiver, django_capture_on_commit_callbacks):
    """``letter_issue`` writes ``letter.issued`` on the enrollment once the letter and its emails are written (the
    qualification tests drive it); here the event alone, on a letter of the MP."""
    from ercot_services.core.audit import audit_record

    endpoint = WebhookEndpointFactory(participant=participant, url=receiver.url, event_types=[E.LETTER_SENT])
    letter = QualificationLetterFactory(enrollment__participant=participant)

    with django_capture_on_commit_callbacks(execute=True):
        audit_record(actor=None, verb=QualificationEvent.LETTER_ISSUED, target=letter.enrollment)

    delivery = WebhookDelivery.objects.get()
    assert (delivery.endpoint, delivery.event_type, delivery.status) == (endpoint, "letter.sent", "sent")
    data = json.loads(receiver.requests[0].body)["data"]
    assert (data["number"], data["enrollment"]) == (letter.number, letter.enrollment_id)
    assert data["pdf_url"].startswith("http") and str(letter.pk) in data["pdf_url"]
