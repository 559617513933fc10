"""The AM home shows which MPs of their own book have not acknowledged ACTION REQUIRED notices."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notices.selectors import book_acknowledgement_gaps
from notices.services import notice_acknowledge
from tests.accounts.factories import AccountManagerFactory, AssignmentFactory, MembershipFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


def _mp(manager, short_name):
    mp = ParticipantFactory(short_name=short_name, role_codes=["REP"])
    AssignmentFactory(participant=mp, account_manager=manager)
    return mp, MembershipFactory(participant=mp).user


def test_only_my_unacknowledged_mps_are_listed(client, publish):
    mine = AccountManagerFactory()
    other = AccountManagerFactory()
    acked, acked_user = _mp(mine, "ACKED")
    waiting, _ = _mp(mine, "WAITING")
    _mp(other, "NOTMINE")
    notice = publish(action_required="Review the revised ACL Summary.")
    notice_acknowledge(actor=acked_user, notice=notice, participant=acked)

    [(gap_notice, missing)] = book_acknowledgement_gaps(mine.user)
    assert gap_notice == notice and [mp.short_name for mp in missing] == ["WAITING"]

    client.force_login(mine.user)
    page = client.get(reverse("workspace:home-lists")).content.decode()  # the AM home's lists
    assert "Action required, not acknowledged" in page and "WAITING" in page
    assert "NOTMINE" not in page and "ACKED" not in page.split("Action required, not acknowledged")[1][:600]


def test_the_card_costs_the_same_queries_for_a_small_and_a_large_book(publish):
    manager = AccountManagerFactory()
    _mp(manager, "FIRST")
    publish(action_required="Act.")

    def count():
        with CaptureQueriesContext(connection) as captured:
            book_acknowledgement_gaps(manager.user)
        return len(captured.captured_queries)

    small = count()
    for n in range(15):
        _mp(manager, f"MP{n:02d}")
    publish(action_required="Act again.")
    assert count() == small
