"""An accounts refusal carries its code, so callers and tests need not read the wording."""

import pytest

from accounts import services
from accounts.error_codes import AccountErrorCode
from ercot_services.core.models import DomainError
from tests.accounts.factories import AccountManagerFactory

pytestmark = pytest.mark.django_db


def test_assigning_an_inactive_am_is_refused_with_inactive_account_manager(lead, participant):
    manager = AccountManagerFactory(is_active=False)

    with pytest.raises(DomainError) as refused:
        services.account_manager_assign(actor=lead, participant=participant, account_manager=manager)

    assert refused.value.code == AccountErrorCode.INACTIVE_ACCOUNT_MANAGER
