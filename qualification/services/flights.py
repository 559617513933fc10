"""Flights: the MMYY testing windows MPs enroll in."""

from __future__ import annotations

import datetime

from django.db import transaction

from accounts.models import User
from ercot_services.core.audit import audit_record
from ercot_services.core.models import DomainError

from .. import policies
from ..error_codes import QualificationErrorCode
from ..events import QualificationEvent
from ..models import Flight


@transaction.atomic
def flight_create(
    *,
    actor: User,
    start_date: datetime.date,
    end_date: datetime.date,
    application_deadline: datetime.date,
    registration_deadline: datetime.date,
    notes: str = "",
) -> Flight:
    policies.check_create_flight(actor)
    if not (application_deadline <= start_date and registration_deadline <= start_date and start_date <= end_date):
        raise DomainError(
            "Deadlines must fall on or before the start date, and the flight must end after it starts.",
            code=QualificationErrorCode.INVALID_FLIGHT_DATES,
        )
    name = f"{start_date:%m%y}"
    if Flight.objects.filter(name=name).exists():
        raise DomainError(
            f"Flight {name} already exists: one flight starts per month.", code=QualificationErrorCode.DUPLICATE_FLIGHT
        )
    flight = Flight.objects.create(
        start_date=start_date,
        end_date=end_date,
        application_deadline=application_deadline,
        registration_deadline=registration_deadline,
        notes=notes,
    )
    audit_record(
        actor=actor, verb=QualificationEvent.FLIGHT_CREATED, target=flight, changes={"start_date": (None, start_date)}
    )
    return flight
