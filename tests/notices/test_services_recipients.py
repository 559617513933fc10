"""Who receives a notice: lists chosen and routed, subscribers and MP contacts by role, minus opt-outs and suppressions."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from accounts.models import ContactRole
from notices.models import ContactListOptOut, NoticeDelivery, Subscription, Suppression
from notices.services import recipients_for
from notices.services.recipients import _write_deliveries
from tests.accounts.factories import MembershipFactory, ParticipantFactory

from .conftest import subscribe


def delivered(notice) -> list[str]:
    return sorted(NoticeDelivery.objects.filter(notice=notice).values_list("email", flat=True))


def test_deduplicated_across_lists(publish, public_list, lists):
    subscribe(public_list, "Dup@Example.com", "only-test@example.com")
    subscribe(lists["NOTICE_CREDIT"], "dup@example.com", "only-credit@example.com")
    notice = publish(lists=[public_list])  # Financial/Credit is also routed to NOTICE_CREDIT
    assert delivered(notice) == ["dup@example.com", "only-credit@example.com", "only-test@example.com"]


def test_one_row_per_notice_and_address(publish, public_list):
    subscribe(public_list, "a@example.com")
    notice = publish(lists=[public_list])
    _write_deliveries(notice)  # writing the outbox again adds nothing
    assert delivered(notice) == ["a@example.com"]
    with pytest.raises(IntegrityError), transaction.atomic():
        NoticeDelivery.objects.create(notice=notice, email="a@example.com")


def test_suppressed_and_pending_addresses_are_left_out(publish, public_list):
    subscribe(public_list, "ok@example.com", "bounced@example.com")
    subscribe(public_list, "pending@example.com", status=Subscription.Status.PENDING)
    subscribe(public_list, "gone@example.com", status=Subscription.Status.UNSUBSCRIBED)
    Suppression.objects.create(email="bounced@example.com", reason=Suppression.Reason.HARD_BOUNCE)
    assert delivered(publish(lists=[public_list])) == ["ok@example.com"]


def test_routed_lists_by_type_and_contacts_by_role(publish, types, credit_contact, lists):
    settlement_mp = ParticipantFactory(role_codes=["QSE"])
    settlement = MembershipFactory(participant=settlement_mp, contact_role=ContactRole.SETTLEMENT).user
    ar = MembershipFactory(participant=settlement_mp, contact_role=ContactRole.AUTHORIZED_REPRESENTATIVE).user
    credit_notice = publish()
    assert delivered(credit_notice) == [credit_contact.email.lower()]
    settlements_notice = publish(notice_type=types["Settlements"])
    assert delivered(settlements_notice) == [settlement.email.lower()]
    # A notice may name further lists: NOTICE_GENERAL carries the ARs.
    both = publish(lists=[lists["NOTICE_GENERAL"]])
    assert delivered(both) == sorted([credit_contact.email.lower(), ar.email.lower()])


def test_opted_out_contacts_are_left_out(publish, credit_contact, lists):
    ContactListOptOut.objects.create(distribution_list=lists["NOTICE_CREDIT"], email=credit_contact.email.lower())
    assert delivered(publish()) == []


def test_audience_restricts_mp_contacts_not_public_subscribers(publish, credit_contact, lists):
    qse = ParticipantFactory(role_codes=["QSE"])
    qse_credit = MembershipFactory(participant=qse, contact_role=ContactRole.CREDIT).user
    subscribe(lists["NOTICE_CREDIT"], "public@example.com")
    notice = publish(audience_codes=["QSE"])
    assert delivered(notice) == sorted([qse_credit.email.lower(), "public@example.com"])
    assert credit_contact.email.lower() not in recipients_for(notice)


def test_inactive_memberships_and_users_receive_nothing(publish, credit_contact):
    credit_contact.is_active = False
    credit_contact.save(update_fields=["is_active"])
    assert delivered(publish()) == []
