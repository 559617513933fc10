"""Fixtures for the registration service tests: MPs and their people, and applications built through the services.

``kit`` drives an application to any status the way people would: the AR
drafts and uploads, attests and submits; a reviewer starts the review,
accepts documents, requests information, approves or rejects.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import ContactRole
from accounts.roles import StaffGroup
from ercot_services.core.uploads import PDF_AND_IMAGES, check_upload
from registration.models import (
    Application,
    ApplicationKind,
    ApplicationRequirement,
    ApplicationStatus,
    Document,
    RequirementStatus,
)
from registration.services import (
    application_approve,
    application_reject,
    application_request_info,
    application_start,
    application_start_review,
    application_submit,
    application_withdraw,
    document_review,
    document_upload,
)
from tests.accounts.factories import MembershipFactory, ParticipantFactory, StaffFactory

CT = ZoneInfo("America/Chicago")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def ct(*args) -> datetime.datetime:
    """An aware datetime in the operator's time zone."""
    return datetime.datetime(*args, tzinfo=CT)


def pdf(name: str = "form.pdf", content: bytes = PDF):
    """A checked upload, as the portal form hands it to the service."""
    return check_upload(
        SimpleUploadedFile(name, content, content_type="application/pdf"),
        max_bytes=10 * 1024 * 1024,
        allowed=PDF_AND_IMAGES,
    )


def codes(application: Application) -> set[str]:
    return set(application.requirements.values_list("requirement__code", flat=True))


def line(application: Application, code: str):
    return application.requirements.select_related("requirement").get(requirement__code=code)


class Kit:
    """Builds applications through the services."""

    def __init__(self, *, reviewer):
        self.reviewer = reviewer

    def start(self, participant, actor, *, kind=ApplicationKind.INITIAL, roles=(), changes=(), now=None, **fields):
        application = application_start(
            actor=actor, participant=participant, kind=kind, role_codes=roles, change_types=changes, now=now
        )
        if fields:
            from registration.services import application_update

            application = application_update(actor=actor, application=application, **fields)
        return application

    def provide_all(self, application, actor, *, now=None):
        for requirement_line in application.requirements.select_related("requirement"):
            if requirement_line.status in (RequirementStatus.MISSING, RequirementStatus.REJECTED):
                document_upload(
                    actor=actor, line=requirement_line, upload=pdf(f"{requirement_line.requirement.code}.pdf"), now=now
                )
        return application

    def accept_all(self, application):
        lines = ApplicationRequirement.objects.filter(application_id=application.pk).exclude(
            status=RequirementStatus.ACCEPTED
        )
        for requirement_line in lines:
            latest = Document.objects.filter(line_id=requirement_line.pk).order_by("-version").first()
            if latest is not None:
                document_review(actor=self.reviewer, document=latest, accept=True)
        return self.reload(application)

    @staticmethod
    def reload(application) -> Application:
        return Application.objects.get(pk=application.pk)

    def submit(self, application, actor, *, now=None):
        return application_submit(actor=actor, application=application, attest=True, now=now)

    def review(self, application):
        return application_start_review(actor=self.reviewer, application=application)

    def request_info(self, application, *, now=None, message="Send the signed page 4 of the SFA."):
        return application_request_info(actor=self.reviewer, application=application, message=message, now=now)

    def build(self, participant, actor, status, *, kind=ApplicationKind.INITIAL, roles=("QSE",), changes=()):
        """An application in ``status`` with every document provided (and accepted once reviewed)."""
        if kind == ApplicationKind.REVISION and not changes:
            changes = ("contacts",)
            roles = ()
        application = self.start(participant, actor, kind=kind, roles=roles, changes=changes)
        self.provide_all(application, actor)
        if status == ApplicationStatus.DRAFT:
            return self.reload(application)
        if status == ApplicationStatus.WITHDRAWN:
            return application_withdraw(actor=actor, application=application, reason="Filed by mistake")
        self.submit(application, actor)
        if status == ApplicationStatus.SUBMITTED:
            return self.reload(application)
        self.review(application)
        self.accept_all(application)
        if status == ApplicationStatus.UNDER_REVIEW:
            return self.reload(application)
        if status == ApplicationStatus.APPROVED:
            return application_approve(actor=self.reviewer, application=application)
        if status == ApplicationStatus.REJECTED:
            return application_reject(actor=self.reviewer, application=application, reason="Incomplete Form G")
        self.request_info(application)
        if status == ApplicationStatus.INFO_REQUESTED:
            return self.reload(application)
        self.submit(application, actor)
        assert status == ApplicationStatus.RESUBMITTED
        return self.reload(application)


@pytest.fixture
def reviewer(db):
    return StaffFactory(full_name="Tomas Herrera", groups=[StaffGroup.RETAIL_OPERATIONS])


@pytest.fixture
def kit(reviewer):
    return Kit(reviewer=reviewer)


@pytest.fixture
def ar(participant):
    """The active MP's (REP + LSE) Authorized Representative (primary)."""
    return MembershipFactory(
        participant=participant,
        ar=True,
        user__full_name="Alicia Anderson",
        user__email="alicia.anderson@bluebonnet.example",
    ).user


@pytest.fixture
def bar(participant):
    """The active MP's Backup Authorized Representative (secondary)."""
    return MembershipFactory(
        participant=participant,
        bar=True,
        user__full_name="Ben Baker",
        user__email="ben.baker@bluebonnet.example",
    ).user


@pytest.fixture
def prospect(db, account_manager):
    """A potential MP with no roles yet (its AM assists with the registration)."""
    return ParticipantFactory(
        legal_name="Sundance Solar Retail LLC",
        short_name="SUNDANCE",
        prospective=True,
        account_manager=account_manager,
    )


@pytest.fixture
def prospect_ar(prospect):
    return MembershipFactory(
        participant=prospect,
        contact_role=ContactRole.AUTHORIZED_REPRESENTATIVE,
        user__email="hannah.ortiz@sundance.example",
    ).user


@pytest.fixture
def qse_mp(db, account_manager):
    """Another MP that holds the QSE role."""
    return ParticipantFactory(
        legal_name="Gulf Coast Scheduling Services LLC",
        short_name="GCSS",
        role_codes=["QSE"],
        account_manager=account_manager,
    )
