"""factory_boy factories for qualification: flights, enrollments, results, letters and certificate requests.

The rows are written straight to the tables, for the pages, selectors and metrics that only read them. Two
exceptions go through the services because the state only comes from them: ``FlightFactory(actor=...)`` creates
the flight with ``qualification.services.flight_create`` (its checks and audit event), and the ``q`` fixture
(``tests/qualification/conftest.py``) enrolls, records results, hands over and issues letters through the services.
"""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from qualification.models import (
    CertificateRequest,
    ChangeKind,
    Enrollment,
    EnrollmentStatus,
    Flight,
    FlightResult,
    ParticipantKind,
    QualificationLetter,
)
from tests.accounts.factories import ParticipantFactory


def first_of_month(day: datetime.date, months_ahead: int) -> datetime.date:
    month = day.month - 1 + months_ahead
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)


class FlightFactory(factory.django.DjangoModelFactory):
    """A flight of ``days`` days (default 27) from ``start_date`` (default: a month of its own, from 2030 on); the
    application deadline ``application_days`` and the registration deadline ``registration_days`` before the start
    (default 14 and 30).

    With ``actor`` (a Flight Administrator) the flight is created through ``flight_create``; without, the row is
    written directly.
    """

    class Meta:
        model = Flight

    class Params:
        days = 27
        application_days = 14
        registration_days = 30

    actor = None
    start_date = factory.Sequence(lambda n: first_of_month(datetime.date(2030, 1, 1), n))
    end_date = factory.LazyAttribute(lambda o: o.start_date + datetime.timedelta(days=o.days))
    application_deadline = factory.LazyAttribute(lambda o: o.start_date - datetime.timedelta(days=o.application_days))
    registration_deadline = factory.LazyAttribute(lambda o: o.start_date - datetime.timedelta(days=o.registration_days))

    @classmethod
    def _create(cls, model_class, *args, actor=None, **kwargs):
        if actor is None:
            return super()._create(model_class, *args, **kwargs)
        from qualification.services import flight_create

        return flight_create(actor=actor, **kwargs)


class EnrollmentFactory(factory.django.DjangoModelFactory):
    """A new MP enrolled in a flight as a new entity. Traits: ``current`` (a current MP adding a territory),
    ``testing``."""

    class Meta:
        model = Enrollment

    class Params:
        current = factory.Trait(participant_kind=ParticipantKind.CURRENT, change_kind=ChangeKind.NEW_TERRITORY)
        testing = factory.Trait(status=EnrollmentStatus.TESTING)

    flight = factory.SubFactory(FlightFactory)
    participant = factory.SubFactory(ParticipantFactory)
    participant_kind = ParticipantKind.NEW
    change_kind = ChangeKind.NEW_ENTITY


class FlightResultFactory(factory.django.DjangoModelFactory):
    """An enrollment's test result (default: completed today; ``failed=True``)."""

    class Meta:
        model = FlightResult

    class Params:
        failed = factory.Trait(completed=False)

    enrollment = factory.SubFactory(EnrollmentFactory)
    completed = True
    tested_on = factory.LazyFunction(timezone.localdate)


class QualificationLetterFactory(factory.django.DjangoModelFactory):
    """An enrollment's qualification letter, issued and effective today (the PDF is only named)."""

    class Meta:
        model = QualificationLetter

    enrollment = factory.SubFactory(EnrollmentFactory)
    number = factory.Sequence(lambda n: f"QL-MT-{n:05d}")
    issued_on = factory.LazyFunction(timezone.localdate)
    effective_date = factory.LazyAttribute(lambda o: o.issued_on)
    pdf = "letters/test.pdf"


class CertificateRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CertificateRequest

    participant = factory.SubFactory(ParticipantFactory)
