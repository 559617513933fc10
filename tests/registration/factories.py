"""factory_boy factories for registration: applications (initial registrations and revisions).

* ``ApplicationFactory`` writes the row straight to the table (reference ``REG-2099-…``, no checklist, documents or
  audit), for pages and selectors that only read applications; traits ``revision``, ``submitted``,
  ``under_review``, ``approved``, ``rejected``.
* ``SubmittedApplicationFactory`` builds one through ``registration.services`` the way the AR does in the portal
  (an application's reference, checklist and review clock only come from the services): start, update, add the
  contact changes, upload one PDF per checklist line, attest and submit (``draft=True`` stops before submitting).
  ``tests/registration/conftest.py::kit`` drives an application on to any review status.
"""

from __future__ import annotations

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from ercot_services.core.uploads import CheckedUpload
from registration.models import Application, ApplicationKind, ApplicationStatus
from tests.accounts.factories import ParticipantFactory

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf_upload(name: str = "form.pdf") -> CheckedUpload:
    """A PDF as the portal's upload check hands it to the services."""
    return CheckedUpload(
        file=ContentFile(PDF, name=name), content_type="application/pdf", size=len(PDF), safe_name=name
    )


def upload_all(application, actor) -> None:
    """One PDF for every checklist line that needs a document."""
    from registration.services import document_upload

    for line in application.requirements.select_related("requirement"):
        if line.requirement.needs_document:
            document_upload(actor=actor, line=line, upload=pdf_upload(f"{line.requirement.code}.pdf"))


class ApplicationFactory(factory.django.DjangoModelFactory):
    """An application row (written directly: see the module docstring); a draft initial registration by default."""

    class Meta:
        model = Application

    class Params:
        revision = factory.Trait(kind=ApplicationKind.REVISION)
        submitted = factory.Trait(status=ApplicationStatus.SUBMITTED, submitted_at=factory.LazyFunction(timezone.now))
        under_review = factory.Trait(
            status=ApplicationStatus.UNDER_REVIEW, submitted_at=factory.LazyFunction(timezone.now)
        )
        approved = factory.Trait(
            status=ApplicationStatus.APPROVED,
            submitted_at=factory.LazyFunction(timezone.now),
            decided_at=factory.LazyFunction(timezone.now),
        )
        rejected = factory.Trait(
            status=ApplicationStatus.REJECTED,
            submitted_at=factory.LazyFunction(timezone.now),
            decided_at=factory.LazyFunction(timezone.now),
        )

    # Far from the years the services number in, so a test may mix both kinds.
    reference = factory.Sequence(lambda n: f"REG-2099-{n:05d}")
    participant = factory.SubFactory(ParticipantFactory)
    kind = ApplicationKind.INITIAL
    status = ApplicationStatus.DRAFT


class SubmittedApplicationFactory(factory.django.DjangoModelFactory):
    """An application the AR (``actor``) filled and submitted through the services (see the module docstring).

    ``role_codes`` (default QSE), ``change_types`` and ``contact_changes`` (dicts for ``contact_change_add``) go to
    the services; any other keyword is a field for ``application_update``; ``now`` dates the submission.
    """

    class Meta:
        model = Application

    class Params:
        draft = factory.Trait(submit=False)
        revision = factory.Trait(kind=ApplicationKind.REVISION)

    participant = None
    actor = None
    kind = ApplicationKind.INITIAL
    role_codes = ("QSE",)
    change_types = ()
    contact_changes = ()
    submit = True
    now = None

    @classmethod
    def _create(
        cls, model_class, *, participant, actor, kind, role_codes, change_types, contact_changes, submit, now, **fields
    ):
        from registration import services

        application = services.application_start(
            actor=actor, participant=participant, kind=kind, role_codes=role_codes, change_types=change_types
        )
        if fields:
            services.application_update(actor=actor, application=application, **fields)
        for change in contact_changes:
            services.contact_change_add(actor=actor, application=application, **change)
        upload_all(application, actor)
        if submit:
            services.application_submit(actor=actor, application=application, attest=True, now=now)
        application.refresh_from_db()
        return application
