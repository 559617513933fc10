"""A cases refusal carries its code, so callers and tests need not read the wording."""

import pytest

from cases.error_codes import CaseErrorCode
from cases.services import case_reply, case_resolve
from ercot_services.core.models import DomainError

pytestmark = pytest.mark.django_db


def test_a_participant_resolving_a_case_is_refused_with_permission_denied(inquiry, mp_user):
    with pytest.raises(DomainError) as refused:
        case_resolve(actor=mp_user, case=inquiry, resolution_summary="Mine")

    assert refused.value.code == CaseErrorCode.PERMISSION_DENIED
    assert "Only Client Services" in str(refused.value)


def test_an_empty_reply_is_refused_with_message_required(inquiry, mp_user):
    with pytest.raises(DomainError) as refused:
        case_reply(actor=mp_user, case=inquiry, body="   ")

    assert refused.value.code == CaseErrorCode.MESSAGE_REQUIRED
