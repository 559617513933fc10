"""Every app's factories build valid rows, with each of their traits (tests/<app>/factories.py)."""

import pytest

from api.models import ApiScope
from api.services import split_key
from cases.models import CaseKind, CaseStatus, SlaState
from ercot_services.core.models import AuditEvent
from notices.models import NoticeStatus
from plans.models import ActionItemStatus, ActionSide, MeetingStatus
from registration.models import ApplicationKind, ApplicationStatus
from tests.accounts.factories import MembershipFactory, ParticipantFactory, StaffFactory
from tests.api.factories import ApiKeyFactory, WebhookDeliveryFactory
from tests.cases.factories import CaseFactory, CaseMessageFactory, SlaTargetFactory, SubmittedCaseFactory
from tests.notices.factories import NoticeDeliveryFactory, NoticeFactory, SubscriptionFactory
from tests.plans.factories import ActionItemFactory, FeedbackFactory, MeetingFactory, ObjectiveFactory
from tests.qualification.factories import (
    CertificateRequestFactory,
    EnrollmentFactory,
    FlightFactory,
    FlightResultFactory,
    QualificationLetterFactory,
)
from tests.registration.factories import ApplicationFactory, SubmittedApplicationFactory

pytestmark = pytest.mark.django_db


def test_accounts(account_manager):
    mp = ParticipantFactory(
        name="WIRESCO", role_codes=["TDSP"], account_manager=account_manager, contacts=["ar", "bar"]
    )
    assert (mp.short_name, mp.legal_name) == ("WIRESCO", "Wiresco Energy LLC")
    assert mp.am_assignments.get().account_manager == account_manager
    assert sorted(mp.memberships.values_list("user__email", flat=True)) == ["ar@wiresco.example", "bar@wiresco.example"]
    assert MembershipFactory(secondary=True, participant=mp).rank == "secondary"
    staff = StaffFactory(groups=["Service Desk"])
    assert staff.check_password("correct-horse-battery") and staff.groups.get().name == "Service Desk"


def test_cases(participant, mp_user):
    assert CaseFactory(participant=participant).status == CaseStatus.NEW
    dispute = CaseFactory(dispute=True, overdue=True)
    assert dispute.kind == CaseKind.DISPUTE and dispute.dispute.disputed_amount > 0
    assert dispute.reference.startswith("DSP-2099-") and dispute.sla_state == SlaState.BREACHED
    for trait, status in (("in_progress", "in_progress"), ("waiting", "waiting"), ("resolved", "resolved")):
        assert CaseFactory(**{trait: True}).status == status
    assert CaseFactory(closed=True, at_risk=True).closed_at is not None
    assert CaseMessageFactory(internal=True).is_internal
    assert SlaTargetFactory().category.sla_targets.count() == 1
    submitted = SubmittedCaseFactory(actor=mp_user, participant=participant, disputed=True)
    assert submitted.kind == CaseKind.DISPUTE and submitted.assignee is not None


def test_plans(participant, mp_user, account_manager):
    assert ActionItemFactory(participant=participant, owner=mp_user).side == ActionSide.PARTICIPANT
    assert ActionItemFactory(overdue=True, done=True).status == ActionItemStatus.DONE
    assert ActionItemFactory(in_progress=True, participant_side=True).side == ActionSide.PARTICIPANT
    meeting = MeetingFactory(held=True, shared=True, attendees=[mp_user], organizer=account_manager.user)
    assert meeting.status == MeetingStatus.HELD and meeting.attendees.count() == 2
    assert MeetingFactory(cancelled=True).status == MeetingStatus.CANCELLED
    assert FeedbackFactory(low=True, followed_up=True).rating == 2
    assert ObjectiveFactory(issue=True, plan__participant=participant).plan == participant.plan


def test_registration(participant, mp_user):
    assert ApplicationFactory(revision=True, submitted=True).kind == ApplicationKind.REVISION
    for trait in ("under_review", "approved", "rejected"):
        assert ApplicationFactory(**{trait: True}).status == trait
    prospect = ParticipantFactory(prospective=True)
    ar = MembershipFactory(participant=prospect, ar=True).user
    assert SubmittedApplicationFactory(participant=prospect, actor=ar).status == ApplicationStatus.SUBMITTED
    other = ParticipantFactory(prospective=True)
    assert (
        SubmittedApplicationFactory(
            participant=other, actor=MembershipFactory(participant=other, ar=True).user, draft=True
        ).status
        == ApplicationStatus.DRAFT
    )


def test_qualification():
    flight = FlightFactory()
    assert flight.application_deadline < flight.start_date < flight.end_date
    enrollment = EnrollmentFactory(current=True, testing=True)
    assert FlightResultFactory(enrollment=enrollment, failed=True).completed is False
    assert QualificationLetterFactory().effective_date
    assert CertificateRequestFactory().participant_id


def test_flight_through_the_service():
    admin = StaffFactory(groups=["Flight Administrator"])
    flight = FlightFactory(actor=admin)
    assert AuditEvent.objects.for_object(flight).get().verb == "flight.created"


def test_notices():
    assert NoticeFactory().status == NoticeStatus.DRAFT
    published = NoticeFactory(published=True, requires_action=True)
    assert published.notice_id and published.published_at and published.action_required
    assert SubscriptionFactory(pending=True).status == "pending"
    assert NoticeDeliveryFactory(sent=True).sent_at is not None


def test_api(participant):
    key = ApiKeyFactory(participant=participant)
    assert key.scopes == [ApiScope.READ_CASES] and key.is_usable()
    assert split_key(key.raw)[0] == key.prefix
    delivery = WebhookDeliveryFactory(endpoint__participant=participant)
    assert delivery.status == "pending" and delivery.endpoint.participant == participant
    assert delivery.endpoint.secret.startswith("whsec_") and delivery.endpoint.enabled
