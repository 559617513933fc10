"""The checklist's documents: a new version uploaded by the MP, accepted or rejected by staff."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from ercot_services.core.audit import audit_record
from ercot_services.core.models import DomainError
from ercot_services.core.uploads import CheckedUpload

from .. import policies
from ..error_codes import RegistrationErrorCode
from ..events import RegistrationEvent
from ..models import Application, ApplicationRequirement, ApplicationStatus, Document, RequirementStatus
from .common import _check_editable, _check_may_draft


@transaction.atomic
def document_upload(
    *, actor: User, line: ApplicationRequirement, upload: CheckedUpload, now: datetime.datetime | None = None
) -> Document:
    """Store a new version for a checklist line; earlier versions are kept."""
    application = (
        Application.objects.select_for_update(of=("self",)).select_related("participant").get(pk=line.application_id)
    )
    _check_may_draft(actor, application.participant)
    _check_editable(application)
    now = now or timezone.now()
    version = (line.documents.order_by("-version").values_list("version", flat=True).first() or 0) + 1
    document = Document(
        line=line,
        version=version,
        original_name=upload.safe_name,
        content_type=upload.content_type,
        size=upload.size,
        uploaded_by=actor,
        uploaded_at=now,
    )
    document.file.save(upload.safe_name, upload.file, save=False)
    document.save()
    line.status = RequirementStatus.PROVIDED
    line.review_reason = ""
    line.save(update_fields=["status", "review_reason"])
    audit_record(
        actor=actor,
        verb=RegistrationEvent.APPLICATION_DOCUMENT_UPLOADED,
        target=application,
        changes={"document": (None, f"{line.requirement.name}: {document.original_name} (v{version})")},
        at=now,
    )
    return document


@transaction.atomic
def document_review(*, actor: User, document: Document, accept: bool, reason: str = "") -> Document:
    policies.check_decide_application(actor)
    line = document.line
    # Re-read (and lock) the application: the caller's copy may be stale.
    application = Application.objects.select_for_update().get(pk=line.application_id)
    if application.status != ApplicationStatus.UNDER_REVIEW:
        raise DomainError(
            "Start the review before accepting or rejecting documents.", code=RegistrationErrorCode.REVIEW_NOT_STARTED
        )
    if not accept and not reason.strip():
        raise DomainError(
            "Give the reason for rejecting the document: the participant will see it.",
            code=RegistrationErrorCode.REASON_REQUIRED,
        )
    status = RequirementStatus.ACCEPTED if accept else RequirementStatus.REJECTED
    document.review_status = status
    document.review_reason = reason.strip()
    document.reviewed_by = actor
    document.reviewed_at = timezone.now()
    document.save()
    latest = line.documents.order_by("-version").first()
    if latest.pk == document.pk:
        line.status = status
        line.review_reason = reason.strip()
        line.save(update_fields=["status", "review_reason"])
    audit_record(
        actor=actor,
        verb=RegistrationEvent.APPLICATION_DOCUMENT_REVIEWED,
        target=application,
        changes={document.original_name: (RequirementStatus.PROVIDED, status)},
        reason=reason,
    )
    return document
