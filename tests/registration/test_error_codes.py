"""A registration refusal carries its code, so callers and tests need not read the wording."""

import pytest

from ercot_services.core.models import DomainError
from registration.error_codes import RegistrationErrorCode
from registration.models import ApplicationKind
from registration.services import application_start

pytestmark = pytest.mark.django_db


def test_an_active_mp_starting_an_initial_registration_is_refused_with_start_not_allowed(participant, ar):
    with pytest.raises(DomainError) as refused:
        application_start(actor=ar, participant=participant, kind=ApplicationKind.INITIAL)

    assert refused.value.code == RegistrationErrorCode.START_NOT_ALLOWED
    assert "already registered" in str(refused.value)
