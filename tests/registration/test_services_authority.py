"""Authority: any MP user drafts; only an active AR or Backup AR of that MP attests and submits."""

import pytest

from accounts.models import ContactRank, ContactRole, Membership
from accounts.services import membership_end
from ercot_services.core.models import AuditEvent, DomainError
from registration.models import ApplicationStatus
from registration.services import (
    application_approve,
    application_reject,
    application_request_info,
    application_start_review,
    application_submit,
    application_withdraw,
    can_attest,
)
from tests.accounts.factories import MembershipFactory, ParticipantFactory

from .conftest import ct

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(kit, participant):
    """A revision drafted by a settlement contact, every document provided: only the attestation is missing."""
    drafter = MembershipFactory(participant=participant, contact_role=ContactRole.SETTLEMENT).user
    application = kit.start(participant, drafter, kind="revision", changes=["contacts"])
    kit.provide_all(application, drafter)
    return application


def _assert_refused(application, actor):
    with pytest.raises(DomainError) as refused:
        application_submit(actor=actor, application=application, attest=True)
    message = str(refused.value)
    assert "Only an Authorized Representative or Backup Authorized Representative of" in message
    assert application.participant.short_name in message
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert application.attested_by is None and application.attested_at is None and application.submitted_at is None
    assert not AuditEvent.objects.filter(verb="application.submitted").exists()


@pytest.mark.parametrize(
    "contact_role",
    [ContactRole.SETTLEMENT, ContactRole.TECHNICAL, ContactRole.CREDIT, ContactRole.USER_SECURITY_ADMINISTRATOR],
)
def test_a_contact_that_is_not_an_authorized_representative_cannot_submit(ready, participant, contact_role):
    user = MembershipFactory(participant=participant, contact_role=contact_role, rank=ContactRank.SECONDARY).user
    assert not can_attest(user, participant)
    _assert_refused(ready, user)


def test_the_authorized_representative_of_another_mp_cannot_submit(ready, other_participant):
    outsider = MembershipFactory(participant=other_participant, contact_role=ContactRole.AUTHORIZED_REPRESENTATIVE).user
    _assert_refused(ready, outsider)


def test_an_ended_authorized_representative_cannot_submit(ready, ar, lead):
    membership_end(actor=lead, membership=Membership.objects.get(user=ar), reason="Left the company")
    _assert_refused(ready, ar)


def test_staff_cannot_attest_for_the_mp(ready, reviewer):
    _assert_refused(ready, reviewer)


def test_submitting_needs_the_attestation_box(ready, ar):
    with pytest.raises(DomainError, match="Confirm the attestation"):
        application_submit(actor=ar, application=ready, attest=False)
    ready.refresh_from_db()
    assert ready.status == ApplicationStatus.DRAFT


@pytest.mark.parametrize("who", ["ar", "bar"])
def test_the_ar_or_backup_ar_attests_and_submits(ready, participant, request, who):
    user = request.getfixturevalue(who)
    moment = ct(2026, 3, 2, 10, 15)

    application = application_submit(actor=user, application=ready, attest=True, now=moment)

    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.attested_by == user
    assert application.attested_at == moment
    assert application.submitted_at == moment
    assert participant.legal_name in application.attestation_text
    assert "Authorized Representative" in application.attestation_text
    event = AuditEvent.objects.get(verb="application.submitted")
    assert (event.actor, event.created_at, event.participant) == (user, moment, participant)


def test_a_second_attestation_on_resubmission_records_who_resubmitted(kit, ready, ar, bar):
    kit.submit(ready, ar, now=ct(2026, 3, 2, 9))
    kit.review(ready)
    kit.request_info(ready, now=ct(2026, 3, 3, 9))

    kit.submit(ready, bar, now=ct(2026, 3, 4, 9))

    ready.refresh_from_db()
    assert ready.status == ApplicationStatus.RESUBMITTED
    assert (ready.attested_by, ready.attested_at) == (bar, ct(2026, 3, 4, 9))
    assert ready.submitted_at == ct(2026, 3, 2, 9)  # first submission kept


def test_any_user_of_the_mp_may_draft_and_upload(ready):
    assert ready.status == ApplicationStatus.DRAFT
    assert ready.requirements.filter(documents__isnull=False).exists()


def test_only_staff_review_and_decide(kit, participant, ar):
    application = kit.build(participant, ar, ApplicationStatus.SUBMITTED, kind="revision")
    for service, extra in [
        (application_start_review, {}),
        (application_request_info, {"message": "More please"}),
        (application_reject, {"reason": "No"}),
        (application_approve, {}),
    ]:
        with pytest.raises(DomainError, match="Only Client Services staff"):
            service(actor=ar, application=application, **extra)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_an_outsider_cannot_withdraw(kit, participant, ar):
    application = kit.build(participant, ar, ApplicationStatus.SUBMITTED, kind="revision")
    outsider = MembershipFactory(participant=ParticipantFactory()).user
    with pytest.raises(DomainError, match="Only the participant's users or staff"):
        application_withdraw(actor=outsider, application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_a_user_of_another_mp_cannot_draft_or_upload(prospect, prospect_ar, other_mp_user):
    from ercot_services.core.models import DomainError
    from registration.services import application_start, application_update, document_upload

    from .conftest import line, pdf

    with pytest.raises(DomainError, match="not a contact"):
        application_start(actor=other_mp_user, participant=prospect, kind="initial", role_codes=["QSE"])
    application = application_start(actor=prospect_ar, participant=prospect, kind="initial", role_codes=["QSE"])
    with pytest.raises(DomainError, match="not a contact"):
        application_update(actor=other_mp_user, application=application, notes="hijack")
    with pytest.raises(DomainError, match="not a contact"):
        document_upload(actor=other_mp_user, line=line(application, "sfa"), upload=pdf())
    application.refresh_from_db()
    assert application.notes == "" and not application.requirements.filter(documents__isnull=False).exists()
