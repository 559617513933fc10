"""A qualification refusal carries its code, so callers and tests need not read the wording."""

import pytest

from ercot_services.core.models import DomainError
from qualification.error_codes import QualificationErrorCode

pytestmark = pytest.mark.django_db


def test_an_mp_named_as_its_own_trading_partner_is_refused_with_invalid_trading_partner(q, rep, oncor):
    enrollment = q.enroll(rep)

    with pytest.raises(DomainError) as refused:
        q.complete(enrollment, [oncor, rep])

    assert refused.value.code == QualificationErrorCode.INVALID_TRADING_PARTNER
