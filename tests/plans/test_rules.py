"""The rules that decide something about action items live once (STYLE: a QuerySet method), here their edges."""

import datetime

import pytest

from plans.models import ActionItem, ActionItemStatus
from plans.services import ActionItemInput, action_item_create, action_item_transition

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 10)


def _item(am, participant, *, due, status=ActionItemStatus.OPEN):
    item = action_item_create(
        actor=am, participant=participant, data=ActionItemInput(title=f"Due {due}", owner=am, due_date=due)
    )
    if status != ActionItemStatus.OPEN:
        action_item_transition(actor=am, item=item, to=status)
    item.refresh_from_db()
    return item


def test_an_open_item_due_yesterday_is_overdue_and_one_due_today_is_not(am, participant):
    late = _item(am, participant, due=TODAY - datetime.timedelta(days=1))
    due_today = _item(am, participant, due=TODAY)

    assert list(ActionItem.objects.overdue(TODAY)) == [late]
    assert late.is_overdue(TODAY) and not due_today.is_overdue(TODAY)


def test_an_item_in_progress_counts_as_overdue_but_a_done_or_cancelled_one_never_does(am, participant):
    past = TODAY - datetime.timedelta(days=5)
    in_progress = _item(am, participant, due=past, status=ActionItemStatus.IN_PROGRESS)
    done = _item(am, participant, due=past, status=ActionItemStatus.DONE)
    cancelled = _item(am, participant, due=past, status=ActionItemStatus.CANCELLED)

    assert list(ActionItem.objects.overdue(TODAY)) == [in_progress]
    assert not done.is_overdue(TODAY) and not cancelled.is_overdue(TODAY)
