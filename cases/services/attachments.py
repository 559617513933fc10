"""Files added to a case (when it is opened, or with a reply or note); uploads are checked by the forms."""

from __future__ import annotations

from collections.abc import Iterable

from accounts.models import User
from ercot_services.core.uploads import CheckedUpload

from ..models import Case, CaseAttachment


def attach_uploads(*, case: Case, uploads: Iterable[CheckedUpload], actor: User | None, message=None, internal=False):
    for upload in uploads:
        attachment = CaseAttachment(
            case=case,
            message=message,
            original_name=upload.safe_name,
            content_type=upload.content_type,
            size=upload.size,
            uploaded_by=actor if actor and actor.is_authenticated else None,
            is_internal=internal,
        )
        attachment.file.save(upload.safe_name, upload.file, save=False)
        attachment.save()
