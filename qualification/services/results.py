"""Testing results: the Flight Administrator records them and hands a completed one to Retail Operations."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import MarketParticipant, User
from accounts.roles import StaffGroup
from ercot_services.core.audit import audit_record
from ercot_services.core.models import DomainError
from ercot_services.core.outbox import email_queue

from .. import policies
from ..error_codes import QualificationErrorCode
from ..events import QualificationEvent
from ..models import BusinessFunction, Enrollment, EnrollmentStatus, FlightResult
from ..summary import refresh_qualification_summary
from .enrollments import _move


@transaction.atomic
def result_record(
    *,
    actor: User,
    enrollment: Enrollment,
    completed: bool,
    trading_partners: Iterable[MarketParticipant],
    business_functions: Iterable[BusinessFunction],
    tested_on: datetime.date,
    notes: str = "",
) -> FlightResult:
    """The Flight Administrator records completed or not, the trading partners and the business functions."""
    policies.check_run_testing(actor, "Only a Flight Administrator records testing results.")
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.status == EnrollmentStatus.ENROLLED:
        _move(enrollment, EnrollmentStatus.TESTING)
    if enrollment.status not in (EnrollmentStatus.TESTING, EnrollmentStatus.FAILED):
        raise DomainError(
            f"Results can no longer change: the enrollment is {enrollment.get_status_display().lower()}.",
            code=QualificationErrorCode.RESULTS_LOCKED,
        )
    partners = list(trading_partners)
    if any(p.pk == enrollment.participant_id for p in partners):
        raise DomainError(
            "An MP cannot be its own trading partner.", code=QualificationErrorCode.INVALID_TRADING_PARTNER
        )
    if completed and not partners:
        raise DomainError(
            "Name the trading partners the MP tested with.", code=QualificationErrorCode.INVALID_TRADING_PARTNER
        )
    functions = list(business_functions)
    if completed and not functions:
        raise DomainError(
            "Name the business functions that were tested.", code=QualificationErrorCode.FUNCTIONS_REQUIRED
        )
    result, _ = FlightResult.objects.update_or_create(
        enrollment=enrollment,
        defaults={"completed": completed, "tested_on": tested_on, "notes": notes, "recorded_by": actor},
    )
    result.trading_partners.set(partners)
    result.business_functions.set(functions)
    old = enrollment.status
    enrollment.status = EnrollmentStatus.TESTING if completed else EnrollmentStatus.FAILED
    enrollment.save(update_fields=["status", "updated_at"])
    refresh_qualification_summary(enrollment.participant_id)
    audit_record(
        actor=actor,
        verb=QualificationEvent.ENROLLMENT_RESULT_RECORDED,
        target=enrollment,
        changes={
            "status": (old, enrollment.status),
            "completed": (None, completed),
            "trading_partners": (None, sorted(p.short_name for p in partners)),
            "business_functions": (None, sorted(f.name for f in functions)),
        },
    )
    return result


@transaction.atomic
def result_hand_over(*, actor: User, enrollment: Enrollment) -> Enrollment:
    """Hand a completed result to Retail Operations (status change plus an email to the group)."""
    policies.check_run_testing(actor, "Only a Flight Administrator hands testing results to Retail Operations.")
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",)).select_related("participant", "flight").get(pk=enrollment.pk)
    )
    result = getattr(enrollment, "result", None)
    if result is None or not result.completed:
        raise DomainError(
            "Record a completed testing result before handing over to Retail Operations.",
            code=QualificationErrorCode.TESTING_INCOMPLETE,
        )
    old = _move(enrollment, EnrollmentStatus.HANDED_OVER)
    enrollment.save(update_fields=["status", "updated_at"])
    refresh_qualification_summary(enrollment.participant_id)
    result.handed_over_at = timezone.now()
    result.save(update_fields=["handed_over_at"])
    audit_record(
        actor=actor,
        verb=QualificationEvent.ENROLLMENT_HANDED_OVER,
        target=enrollment,
        changes={"status": (old, enrollment.status)},
    )
    retail_ops = list(
        User.objects.filter(groups__name=StaffGroup.RETAIL_OPERATIONS, is_active=True).values_list("email", flat=True)
    )
    email_queue(
        key=f"enrollment:{enrollment.pk}:handed_over",
        to=retail_ops,
        subject=f"Ready for a qualification letter: {enrollment.participant} ({enrollment.flight})",
        body=render_to_string(
            "emails/qualification/handed_over.txt",
            {"enrollment": enrollment, "link": settings.SITE_URL + enrollment.get_absolute_url()},
        ),
    )
    return enrollment
