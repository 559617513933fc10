"""Enrolling an MP in a flight (by hand or from an approved registration), starting its testing, withdrawing it."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import MarketParticipant, User
from ercot_services.core.audit import audit_record
from ercot_services.core.models import DomainError
from ercot_services.core.workflow import move_status
from registration.models import Application, ApplicationKind, ApplicationStatus, ChangeType

from .. import policies
from ..error_codes import QualificationErrorCode
from ..events import QualificationEvent
from ..models import ENROLLMENT_TRANSITIONS, ChangeKind, Enrollment, EnrollmentStatus, Flight, ParticipantKind
from ..summary import refresh_qualification_summary


def _move(enrollment: Enrollment, to_status: str) -> str:
    return move_status(
        enrollment, to_status, transitions=ENROLLMENT_TRANSITIONS, statuses=EnrollmentStatus, subject="This enrollment"
    )


@transaction.atomic
def enrollment_create(
    *,
    actor: User,
    flight: Flight,
    participant: MarketParticipant,
    participant_kind: str,
    change_kind: str,
    application: Application | None = None,
    override_reason: str = "",
    today: datetime.date | None = None,
) -> Enrollment:
    """Enroll an MP in a flight; after the deadline only a Flight Administrator may, with a reason."""
    policies.check_enroll(actor)
    today = today or timezone.localdate()
    late_reasons = []
    if today > flight.application_deadline:
        late_reasons.append(f"the application deadline of {flight} was {flight.application_deadline:%B %d, %Y}")
    if participant_kind == ParticipantKind.NEW and today > flight.registration_deadline:
        late_reasons.append(f"the registration deadline was {flight.registration_deadline:%B %d, %Y}")
    if late_reasons:
        if not (policies.can_run_testing(actor) and override_reason.strip()):
            raise DomainError(
                "Enrollment is closed: " + " and ".join(late_reasons) + ". A Flight Administrator can enroll late "
                "with a recorded reason.",
                code=QualificationErrorCode.ENROLLMENT_CLOSED,
            )
    if Enrollment.objects.filter(flight=flight, participant=participant, change_kind=change_kind).exists():
        raise DomainError(
            f"{participant} is already enrolled in {flight} for {ChangeKind(change_kind).label.lower()}.",
            code=QualificationErrorCode.ALREADY_ENROLLED,
        )
    enrollment = Enrollment.objects.create(
        flight=flight,
        participant=participant,
        participant_kind=participant_kind,
        change_kind=change_kind,
        application=application,
        late_override_reason=override_reason.strip() if late_reasons else "",
        enrolled_by=actor,
    )
    refresh_qualification_summary(participant.pk)
    audit_record(
        actor=actor,
        verb=QualificationEvent.ENROLLMENT_CREATED,
        target=enrollment,
        changes={"flight": (None, str(flight)), "change": (None, change_kind)},
        reason=override_reason if late_reasons else "",
    )
    return enrollment


# Registration change types that need testing → the flight change kind.
CHANGE_FROM_REGISTRATION = {
    ChangeType.ADD_TERRITORY: ChangeKind.NEW_TERRITORY,
    ChangeType.NEW_FUNCTIONALITY: ChangeKind.NEW_FUNCTIONALITY,
    ChangeType.SERVICE_PROVIDER: ChangeKind.SERVICE_PROVIDER,
    ChangeType.BANKING: ChangeKind.BANKING,
}


@transaction.atomic
def enrollment_from_application(
    *, actor: User, application: Application, flight: Flight, override_reason: str = ""
) -> list[Enrollment]:
    """Enroll from an approved initial registration (a new MP) or a revision that requires testing."""
    if application.status != ApplicationStatus.APPROVED:
        raise DomainError(
            f"{application.reference} is not approved yet.", code=QualificationErrorCode.APPLICATION_NOT_APPROVED
        )
    if application.kind == ApplicationKind.INITIAL:
        kinds = [(ParticipantKind.NEW, ChangeKind.NEW_ENTITY)]
    else:
        kinds = [
            (ParticipantKind.CURRENT, CHANGE_FROM_REGISTRATION[ChangeType(value)])
            for value in application.change_types
            if value in CHANGE_FROM_REGISTRATION
        ]
        if not kinds:
            raise DomainError(
                f"{application.reference} changes nothing that needs market testing.",
                code=QualificationErrorCode.NOTHING_TO_TEST,
            )
    return [
        enrollment_create(
            actor=actor,
            flight=flight,
            participant=application.participant,
            participant_kind=pk,
            change_kind=ck,
            application=application,
            override_reason=override_reason,
        )
        for pk, ck in kinds
    ]


@transaction.atomic
def enrollment_start_testing(*, actor: User, enrollment: Enrollment) -> Enrollment:
    policies.check_run_testing(actor)
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    old = _move(enrollment, EnrollmentStatus.TESTING)
    enrollment.save(update_fields=["status", "updated_at"])
    refresh_qualification_summary(enrollment.participant_id)
    audit_record(
        actor=actor,
        verb=QualificationEvent.ENROLLMENT_TESTING_STARTED,
        target=enrollment,
        changes={"status": (old, enrollment.status)},
    )
    return enrollment


@transaction.atomic
def enrollment_withdraw(*, actor: User, enrollment: Enrollment, reason: str) -> Enrollment:
    policies.check_run_testing(actor, "Only a Flight Administrator withdraws an enrollment.")
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    old = _move(enrollment, EnrollmentStatus.WITHDRAWN)
    enrollment.save(update_fields=["status", "updated_at"])
    refresh_qualification_summary(enrollment.participant_id)
    audit_record(
        actor=actor,
        verb=QualificationEvent.ENROLLMENT_WITHDRAWN,
        target=enrollment,
        changes={"status": (old, enrollment.status)},
        reason=reason,
    )
    return enrollment
