"""Fixtures for the qualification (seed 004) tests.

People and MPs, each with the Authorized Representative (primary, AR) and the
Backup Authorized Representative (secondary, BAR) the letters go to:

* ``rep``: a current REP (roles REP + LSE);
* ``oncor``, ``centerpoint``: TDSPs, its trading partners; ``tnmp``: a TDSP it did not test with;
* ``qse``: a QSE (not a REP: its letters go to no one else);
* ``new_lse``: a new MP (REP + LSE, qualifying) with a User Security Administrator and no
  registration facts yet; ``facts`` records them through the registration services.

``q`` drives enrollments through the qualification services the way people do:
enroll, record the result, hand over, issue the letter.
"""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import ContactRank, ContactRole, ParticipantStatus
from accounts.roles import StaffGroup
from qualification.models import BusinessFunction, ChangeKind, Enrollment, ParticipantKind
from qualification.services import (
    enrollment_create,
    letter_issue,
    result_hand_over,
    result_record,
)
from registration.services import puct_record, qse_acknowledgement_record, qse_load_qualification_record, sfa_record
from tests.accounts.factories import MembershipFactory, ParticipantFactory, StaffFactory
from tests.qualification.factories import FlightFactory, first_of_month

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_text(data: bytes) -> str:
    """The text of a PDF (pypdf), with runs of whitespace made single spaces."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def add_contacts(participant, domain: str, *, ar: str, bar: str, usa: str | None = None, technical: str | None = None):
    """Give ``participant`` an AR (primary) and a BAR (secondary), and optionally a USA and a technical contact."""
    people = {}
    for key, role, rank, name in (
        ("ar", ContactRole.AUTHORIZED_REPRESENTATIVE, ContactRank.PRIMARY, ar),
        ("bar", ContactRole.BACKUP_AUTHORIZED_REPRESENTATIVE, ContactRank.SECONDARY, bar),
        ("usa", ContactRole.USER_SECURITY_ADMINISTRATOR, ContactRank.PRIMARY, usa),
        ("technical", ContactRole.TECHNICAL, ContactRank.PRIMARY, technical),
    ):
        if name:
            local = name.lower().replace(" ", ".")
            people[key] = MembershipFactory(
                participant=participant,
                contact_role=role,
                rank=rank,
                user__full_name=name,
                user__email=f"{local}@{domain}",
            ).user
    participant.people = people
    return participant


@pytest.fixture
def qualification_reference_data(db):
    """Re-seed what the data migrations put in (transactional tests flush it): roles, groups,
    case categories, holidays and the business functions."""
    from tests.reference_data import reseed_reference_data

    reseed_reference_data()


# --- staff -----------------------------------------------------------------------------------


@pytest.fixture
def flight_admin(qualification_reference_data):
    return StaffFactory(
        full_name="Fiona Fleming", email="fiona.fleming@ercot.example", groups=[StaffGroup.FLIGHT_ADMINISTRATOR]
    )


@pytest.fixture
def retail_ops(qualification_reference_data):
    user = StaffFactory(
        full_name="Rita Ramirez", email="rita.ramirez@ercot.example", groups=[StaffGroup.RETAIL_OPERATIONS]
    )
    user.job_title = "Manager, Retail Market Operations"
    user.save(update_fields=["job_title"])
    return user


@pytest.fixture
def service_desk_user(qualification_reference_data):
    return StaffFactory(full_name="Sid Desk", email="sid.desk@ercot.example", groups=[StaffGroup.SERVICE_DESK])


# --- flights and the catalogue -------------------------------------------------------------------


@pytest.fixture
def flight(flight_admin):
    """A flight starting on the first of the month after next; both deadlines are still ahead:
    registration 30 days before the start, applications 14 days before."""
    return FlightFactory(actor=flight_admin, start_date=first_of_month(timezone.localdate(), 2))


@pytest.fixture
def functions(qualification_reference_data):
    """Two business functions from the seeded catalogue."""
    return list(BusinessFunction.objects.filter(code__in=["enrollment-switch", "move-in"]).order_by("sort_order"))


# --- Market Participants -----------------------------------------------------------------------------


@pytest.fixture
def rep(qualification_reference_data):
    """A current REP (REP + LSE): AR, BAR and a technical contact (who receives no letter)."""
    mp = ParticipantFactory(
        legal_name="Bluebonnet Retail Energy LLC", short_name="BLUEBONNET", role_codes=["REP", "LSE"]
    )
    return add_contacts(mp, "bluebonnet.example", ar="Alicia Anderson", bar="Ben Baker", technical="Tina Tech")


@pytest.fixture
def oncor(qualification_reference_data):
    mp = ParticipantFactory(legal_name="Oncor Electric Delivery Company LLC", short_name="ONCOR", role_codes=["TDSP"])
    return add_contacts(mp, "oncor.example", ar="Olivia Ochoa", bar="Oscar Ortega")


@pytest.fixture
def centerpoint(qualification_reference_data):
    mp = ParticipantFactory(legal_name="CenterPoint Energy Houston Electric LLC", short_name="CNP", role_codes=["TDSP"])
    return add_contacts(mp, "centerpoint.example", ar="Carla Cruz", bar="Carl Chen")


@pytest.fixture
def tnmp(qualification_reference_data):
    """A TDSP the REP did not test with."""
    mp = ParticipantFactory(legal_name="Texas-New Mexico Power Company", short_name="TNMP", role_codes=["TDSP"])
    return add_contacts(mp, "tnmp.example", ar="Tomas Trevino", bar="Tara Tran")


@pytest.fixture
def qse(qualification_reference_data):
    """A QSE, qualified to serve load; not a REP."""
    mp = ParticipantFactory(legal_name="Gulf Coast Scheduling Services LLC", short_name="GCSS", role_codes=["QSE"])
    return add_contacts(mp, "gcss.example", ar="Grace Garza", bar="Glen Gomez")


@pytest.fixture
def new_lse(qualification_reference_data):
    """A new MP qualifying as REP + LSE: AR, BAR and a User Security Administrator; no registration facts."""
    mp = ParticipantFactory(
        legal_name="Sundance Solar Retail LLC",
        short_name="SUNDANCE",
        role_codes=["REP", "LSE"],
        status=ParticipantStatus.QUALIFYING,
    )
    return add_contacts(mp, "sundance.example", ar="Hannah Ortiz", bar="Henry Olsen", usa="Uma Usher")


class Facts:
    """Records the registration facts (#4) through the registration services."""

    def __init__(self, actor, qse):
        self.actor = actor
        self.qse = qse

    def sfa(self, participant, *, signed: bool = True, processed: bool = True):
        return sfa_record(
            actor=self.actor,
            participant=participant,
            signed_on=timezone.localdate() - datetime.timedelta(days=40) if signed else None,
            processed_by_legal=processed,
        )

    def puct(self, participant, *, expired: bool = False, received: bool = True):
        today = timezone.localdate()
        if expired:
            issued, expires = today - datetime.timedelta(days=800), today - datetime.timedelta(days=1)
        else:
            issued, expires = today - datetime.timedelta(days=30), today + datetime.timedelta(days=700)
        return puct_record(
            actor=self.actor,
            participant=participant,
            certificate_number="10234",
            issued_on=issued,
            expires_on=expires,
            received=received,
        )

    def qse_ack(self, participant, *, processed: bool = True, qualified: bool = True):
        """Form H naming the QSE, and the QSE's own answer to "qualified to serve load"."""
        qse_load_qualification_record(actor=self.actor, qse=self.qse, qualified=qualified, reason="As tested.")
        return qse_acknowledgement_record(
            actor=self.actor, participant=participant, qse=self.qse, processed_by_legal=processed
        )

    def all(self, participant):
        self.sfa(participant)
        self.puct(participant)
        self.qse_ack(participant)
        return participant


@pytest.fixture
def facts(retail_ops, qse):
    return Facts(retail_ops, qse)


@pytest.fixture
def ready_lse(new_lse, facts):
    """The new LSE with every registration criterion met."""
    return facts.all(new_lse)


# --- driving enrollments ----------------------------------------------------------------------------


class Qualification:
    """Enroll, record results, hand over and issue letters through the services."""

    def __init__(self, *, flight, flight_admin, retail_ops, functions):
        self.flight = flight
        self.flight_admin = flight_admin
        self.retail_ops = retail_ops
        self.functions = functions

    def enroll(self, participant, *, change=ChangeKind.NEW_TERRITORY, kind=None, flight=None) -> Enrollment:
        if kind is None:
            kind = ParticipantKind.NEW if change == ChangeKind.NEW_ENTITY else ParticipantKind.CURRENT
        return enrollment_create(
            actor=self.flight_admin,
            flight=flight or self.flight,
            participant=participant,
            participant_kind=kind,
            change_kind=change,
        )

    def complete(self, enrollment, partners, functions=None):
        return result_record(
            actor=self.flight_admin,
            enrollment=enrollment,
            completed=True,
            trading_partners=partners,
            business_functions=self.functions if functions is None else functions,
            tested_on=timezone.localdate(),
            notes="All scripts passed.",
        )

    def fail(self, enrollment, partners=()):
        return result_record(
            actor=self.flight_admin,
            enrollment=enrollment,
            completed=False,
            trading_partners=partners,
            business_functions=[],
            tested_on=timezone.localdate(),
            notes="Move-in scripts failed.",
        )

    def hand_over(self, enrollment):
        return result_hand_over(actor=self.flight_admin, enrollment=enrollment)

    def ready(self, participant, partners, *, change=ChangeKind.NEW_TERRITORY, kind=None, functions=None) -> Enrollment:
        """Enrolled, tested (completed) and handed over to Retail Operations."""
        enrollment = self.enroll(participant, change=change, kind=kind)
        self.complete(enrollment, partners, functions)
        return self.hand_over(enrollment)

    def issue(self, enrollment, **kwargs):
        return letter_issue(actor=self.retail_ops, enrollment=enrollment, **kwargs)


@pytest.fixture
def q(flight, flight_admin, retail_ops, functions):
    return Qualification(flight=flight, flight_admin=flight_admin, retail_ops=retail_ops, functions=functions)


# --- registration applications (enrollment from an approved registration or revision) ---------------------


def approved_application(*, participant, ar, reviewer, kind, roles=(), changes=(), territories=None, **fields):
    """Draft, provide every document, attest and submit, review, accept and approve: through the services."""
    from ercot_services.core.uploads import PDF_AND_IMAGES, check_upload
    from registration.models import Application
    from registration.services import (
        application_approve,
        application_start,
        application_start_review,
        application_submit,
        application_update,
        document_review,
        document_upload,
    )

    application = application_start(
        actor=ar, participant=participant, kind=kind, role_codes=roles, change_types=changes
    )
    if fields or territories is not None:
        application = application_update(actor=ar, application=application, territory_codes=territories, **fields)
    for line in application.requirements.select_related("requirement"):
        if line.requirement.needs_document:
            upload = check_upload(
                SimpleUploadedFile(f"{line.requirement.code}.pdf", PDF, content_type="application/pdf"),
                max_bytes=10 * 1024 * 1024,
                allowed=PDF_AND_IMAGES,
            )
            document_upload(actor=ar, line=line, upload=upload)
    application_submit(actor=ar, application=application, attest=True)
    application_start_review(actor=reviewer, application=application)
    for line in application.requirements.all():
        latest = line.documents.order_by("-version").first()
        if latest is not None:
            document_review(actor=reviewer, document=latest, accept=True)
    return application_approve(actor=reviewer, application=Application.objects.get(pk=application.pk))
