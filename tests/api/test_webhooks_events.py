"""The webhook events beyond cases: a published notice, its update and its cancellation go to the endpoints subscribed
to them of every MP the notice is addressed to (the notice as the public archive's API shows it); a decided registration application and an
issued qualification letter go to their MP's endpoints only, as the API shows them to that MP."""

import json

import pytest

from api.models import WebhookDelivery, WebhookEventType
from notices.models import Notice
from notices.services import notice_follow_up
from qualification.events import QualificationEvent
from registration.models import ApplicationStatus
from tests.qualification.factories import QualificationLetterFactory

from .factories import WebhookEndpointFactory

pytestmark = pytest.mark.django_db

E = WebhookEventType


def test_a_notice_its_update_and_its_cancellation_reach_every_mps_subscribed_endpoints(
    participant, other_participant, publisher, publish, receiver, django_capture_on_commit_callbacks
):
    ours = WebhookEndpointFactory(
        participant=participant, url=receiver.url, event_types=[E.NOTICE_PUBLISHED, E.NOTICE_CANCELLED]
    )
    theirs = WebhookEndpointFactory(participant=other_participant, url=receiver.url, event_types=list(E.values))
    WebhookEndpointFactory(participant=other_participant, url=receiver.url, event_types=[E.CASE_CREATED])
    with django_capture_on_commit_callbacks(execute=True):
        original = publish()
        update = publish(notice_follow_up(actor=publisher, previous=original, kind=Notice.Kind.UPDATE))
        cancellation = publish(notice_follow_up(actor=publisher, previous=update, kind=Notice.Kind.CANCELLATION))

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


def test_a_notice_for_one_market_role_reaches_only_the_endpoints_of_mps_holding_it(
    participant, other_participant, publish, receiver, django_capture_on_commit_callbacks
):
    """The portal inbox's rule (``Notice.objects.addressed_to``): the REP/LSE does not hear of a notice for QSEs."""
    rep = WebhookEndpointFactory(participant=participant, url=receiver.url, event_types=[E.NOTICE_PUBLISHED])
    qse = WebhookEndpointFactory(participant=other_participant, url=receiver.url, event_types=[E.NOTICE_PUBLISHED])
    with django_capture_on_commit_callbacks(execute=True):
        for_qses = publish(short_description="QSE telemetry change", audience_codes=["QSE"])
        for_everyone = publish(short_description="Holiday schedule")

    def received(endpoint):
        return list(
            WebhookDelivery.objects.filter(endpoint=endpoint).values_list("payload__data__notice_id", flat=True)
        )

    assert received(rep) == [for_everyone.notice_id]
    assert sorted(received(qse)) == sorted([for_qses.notice_id, for_everyone.notice_id])


def test_a_rejected_application_is_registration_decided_for_its_mp_only(
    prospect, prospect_ar, other_participant, kit, receiver, django_capture_on_commit_callbacks
):
    ours = WebhookEndpointFactory(participant=prospect, url=receiver.url, event_types=[E.REGISTRATION_DECIDED])
    WebhookEndpointFactory(participant=other_participant, url=receiver.url, event_types=[E.REGISTRATION_DECIDED])

    with django_capture_on_commit_callbacks(execute=True):
        application = kit.build(prospect, prospect_ar, ApplicationStatus.REJECTED)  # "Incomplete Form G"

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
