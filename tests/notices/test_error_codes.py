"""A notices refusal carries its code, so callers and tests need not read the wording."""

import pytest

from ercot_services.core.models import DomainError
from notices.error_codes import NoticeErrorCode
from notices.services import notice_approve, notice_submit_for_review

pytestmark = pytest.mark.django_db


def test_an_author_approving_their_own_notice_is_refused_with_same_approver(draft_factory, publisher):
    notice = draft_factory()
    notice_submit_for_review(actor=publisher, notice=notice)

    with pytest.raises(DomainError) as refused:
        notice_approve(actor=publisher, notice=notice)

    assert refused.value.code == NoticeErrorCode.SAME_APPROVER
