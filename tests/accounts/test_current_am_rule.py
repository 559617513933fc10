"""'The MP's current AM' is one rule (an active AM's assignment not ended); an inactive AM is never current."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import AccountManagerAssignment, MarketParticipant
from accounts.selectors import current_manager, with_current_manager
from accounts.selectors.metrics import current_am_user_subquery
from tests.accounts.factories import AccountManagerFactory, AssignmentFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


def test_an_inactive_am_is_never_returned_as_the_current_am(db):
    participant = ParticipantFactory()
    manager = AccountManagerFactory(is_active=False)
    AssignmentFactory(participant=participant, account_manager=manager)

    assert current_manager(participant) is None
    assert current_manager(with_current_manager(MarketParticipant.objects.filter(pk=participant.pk)).get()) is None
    assert not AccountManagerAssignment.objects.with_active_manager().filter(participant=participant).exists()
    annotated = (
        AccountManagerAssignment.objects.filter(participant=participant)
        .annotate(am=current_am_user_subquery())
        .values_list("am", flat=True)
        .get()
    )
    assert annotated is None


def test_an_ended_assignment_is_not_current_and_the_active_one_is(db):
    participant = ParticipantFactory()
    old = AccountManagerFactory()
    new = AccountManagerFactory()
    now = timezone.now()
    AssignmentFactory(
        participant=participant, account_manager=old, started_at=now - datetime.timedelta(days=30), ended_at=now
    )
    AssignmentFactory(participant=participant, account_manager=new)

    assert current_manager(participant) == new
    assert current_manager(with_current_manager(MarketParticipant.objects.filter(pk=participant.pk)).get()) == new
