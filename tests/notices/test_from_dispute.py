"""A market notice drafted from a granted dispute with a market-wide financial effect: a Settlements draft for the
Operating Day, its descriptions from the outcome, the disputing participant never named; Notice Publishers only, and
only from such a dispute; linked from the case page only for them."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import DisputeOutcome
from cases.services import DisputeDayInput, dispute_resolve
from cases.services.adr import decision_market_effect_set
from ercot_services.core.models import AuditEvent, DomainError
from notices.events import NoticeEvent
from notices.models import Notice, NoticeStatus
from notices.services.from_dispute import notice_draft_from_dispute
from tests.accounts.factories import StaffFactory
from tests.cases.factories import SubmittedCaseFactory, dispute_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def granted(participant, mp_user, account_manager):
    """A dispute granted with exceptions whose explanation names the participant, marked market-wide."""
    case = SubmittedCaseFactory(actor=mp_user, participant=participant, disputed=True)
    dispute_resolve(
        actor=account_manager.user,
        case=case,
        outcome=DisputeOutcome.GRANTED_WITH_EXCEPTIONS,
        outcome_explanation=f"The DA price used for {participant.legal_name} ({participant.short_name}) was wrong "
        "for every QSE in the hour ending 18:00.",
        granted_amount=Decimal("1000.00"),
    )
    decision_market_effect_set(actor=account_manager.user, case=case, market_wide_effect=True)
    return case


def test_a_publisher_drafts_a_settlements_notice_for_the_operating_day_without_the_participant(
    granted, publisher, participant
):
    notice = notice_draft_from_dispute(actor=publisher, case=granted)

    dispute = granted.dispute
    assert notice.status == NoticeStatus.DRAFT
    assert notice.notice_type.name == "Settlements"
    assert notice.scope == "M"
    assert notice.days_affected == f"{dispute.operating_day:%m/%d/%Y}"
    assert "DA Energy Imbalance" in notice.short_description
    assert "for every QSE in the hour ending 18:00" in notice.long_description
    text = f"{notice.short_description} {notice.long_description}"
    assert participant.legal_name not in text and participant.short_name not in text
    assert "a Market Participant" in notice.long_description
    assert {dl.name for dl in notice.lists.all()} == {"NOTICE_SETTLEMENTS"}
    assert AuditEvent.objects.filter(
        target_object_id=str(granted.pk), verb=NoticeEvent.NOTICE_DRAFTED_FROM_DISPUTE
    ).exists()


def test_only_notice_publishers_draft_from_a_dispute(granted, account_manager):
    with pytest.raises(DomainError):
        notice_draft_from_dispute(actor=account_manager.user, case=granted)

    assert not Notice.objects.exists()


def test_a_dispute_without_a_market_wide_effect_gives_no_notice(granted, publisher, account_manager):
    decision_market_effect_set(actor=account_manager.user, case=granted, market_wide_effect=False)

    with pytest.raises(DomainError) as refused:
        notice_draft_from_dispute(actor=publisher, case=granted)

    assert "market-wide financial effect" in str(refused.value)


def test_the_case_page_links_the_draft_for_publishers_only(client, granted, publisher):
    link = reverse("workspace:notice-from-dispute", args=[granted.reference])
    client.force_login(publisher)
    assert link in client.get(granted.get_absolute_url()).content.decode()

    client.force_login(StaffFactory(groups=["Account Manager"]))
    assert link not in client.get(granted.get_absolute_url()).content.decode()


def test_drafting_from_the_page_opens_the_draft_and_other_groups_get_403(client, granted, publisher):
    url = reverse("workspace:notice-from-dispute", args=[granted.reference])
    client.force_login(StaffFactory(groups=["Account Manager"]))
    assert client.post(url).status_code == 403

    client.force_login(publisher)
    response = client.post(url)

    notice = Notice.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("workspace:notice-edit", args=[notice.pk])


def test_a_multi_day_dispute_drafts_a_notice_for_every_operating_day(participant, mp_user, account_manager, publisher):
    today = timezone.localdate()
    days = [today - datetime.timedelta(days=n) for n in (5, 4, 3)]
    case = SubmittedCaseFactory(
        actor=mp_user,
        participant=participant,
        disputed=True,
        dispute=dispute_fields(
            operating_day=None,
            disputed_amount=None,
            days=[DisputeDayInput(operating_day=day, disputed_amount=Decimal("100.00")) for day in days],
        ),
    )
    dispute_resolve(
        actor=account_manager.user,
        case=case,
        outcome=DisputeOutcome.GRANTED,
        outcome_explanation="The DA price was wrong for every QSE.",
    )
    decision_market_effect_set(actor=account_manager.user, case=case, market_wide_effect=True)

    notice = notice_draft_from_dispute(actor=publisher, case=case)

    listed = ", ".join(f"{day:%m/%d/%Y}" for day in days)
    assert notice.days_affected == listed
    assert notice.short_description.startswith(f"Settlement adjustment for Operating Days {listed}")
