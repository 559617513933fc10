"""A plans refusal carries its code, so callers and tests need not read the wording."""

import pytest

from ercot_services.core.models import DomainError
from plans.error_codes import PlanErrorCode
from plans.services import MeetingInput, meeting_schedule

from .conftest import ct

pytestmark = pytest.mark.django_db


def test_a_meeting_ending_before_it_starts_is_refused_with_invalid_times(am, participant, contact):
    with pytest.raises(DomainError) as refused:
        meeting_schedule(
            actor=am,
            participant=participant,
            data=MeetingInput(
                title="Backwards", starts_at=ct(2026, 1, 5, 11), ends_at=ct(2026, 1, 5, 10), attendees=[contact]
            ),
        )

    assert refused.value.code == PlanErrorCode.INVALID_TIMES
