"""'A notice addressed to this MP' is one rule (``Notice.objects.addressed_to``): no intended audience, or one of the
MP's roles. The portal inbox and its count, the MP 360° page, the AM home (its per-MP count and the acknowledgement
card), the acknowledgements page and the emailed contacts all agree with it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import ContactRole
from notices.models import DistributionList, Notice, NoticeStatus
from notices.selectors import book_acknowledgement_gaps, participants_addressed_by
from notices.services import notice_acknowledge, recipients_for
from tests.accounts.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep(participant):
    """REP and LSE, in the AM's book."""
    return participant


@pytest.fixture
def qse(other_participant):
    """QSE, in the same AM's book."""
    return other_participant


@pytest.fixture
def contacts(rep, qse):
    return {
        rep.pk: MembershipFactory(participant=rep, contact_role=ContactRole.CREDIT).user,
        qse.pk: MembershipFactory(participant=qse, contact_role=ContactRole.AUTHORIZED_REPRESENTATIVE).user,
    }


@pytest.fixture
def notices(publish):
    role_list = DistributionList.objects.create(
        name="NOTICE_ADDRESSED_TEST", contact_roles=[ContactRole.CREDIT, ContactRole.AUTHORIZED_REPRESENTATIVE]
    )

    def notice(short, audience=(), action="Review and acknowledge."):
        return publish(
            short_description=short, audience_codes=list(audience), action_required=action, lists=[role_list]
        )

    return {
        "everyone": notice("For every MP"),
        "rep": notice("For REPs", ["REP"]),
        "lse_or_qse": notice("For LSEs and QSEs", ["LSE", "QSE"]),
        "qse": notice("For QSEs", ["QSE"]),
        "rep_info": notice("For REPs, for information", ["REP"], action=""),
    }


def _published_to(participant) -> set[int]:
    return set(
        Notice.objects.filter(status=NoticeStatus.PUBLISHED).addressed_to(participant).values_list("pk", flat=True)
    )


def test_the_rule_no_audience_or_one_of_the_mps_roles(rep, qse, notices):
    assert _published_to(rep) == {notices[k].pk for k in ("everyone", "rep", "lse_or_qse", "rep_info")}
    assert _published_to(qse) == {notices[k].pk for k in ("everyone", "lse_or_qse", "qse")}
    assert _published_to(rep.pk) == _published_to(rep)
    for notice in notices.values():
        addressed = set(participants_addressed_by(notice).filter(pk__in=[rep.pk, qse.pk]).values_list("pk", flat=True))
        assert addressed == {mp.pk for mp in (rep, qse) if notice.pk in _published_to(mp)}


def _agreement(client, participant, contact, account_manager, notices) -> None:
    """Every place that shows which notices reach ``participant`` shows the same ones."""
    addressed = _published_to(participant)
    to_act = {n.pk for n in notices.values() if n.pk in addressed and n.action_required}
    acknowledged = set(participant.notice_acknowledgements.values_list("notice_id", flat=True))

    client.force_login(contact)
    inbox = client.get(reverse("portal:notices"))
    assert {n.pk for n in inbox.context["page_obj"].object_list} == addressed
    assert inbox.context["unacknowledged"] == len(to_act - acknowledged)

    client.force_login(account_manager.user)
    overview = client.get(reverse("workspace:participant-section", args=[participant.pk, "notices"]))
    assert {n.pk for n in overview.context["action_notices"]} == to_act
    [row] = [r for r in client.get(reverse("workspace:home")).context["rows"] if r.pk == participant.pk]
    assert row.unacknowledged_notices == len(to_act - acknowledged)
    gaps = {notice.pk for notice, missing in book_acknowledgement_gaps(account_manager.user) if participant in missing}
    assert gaps == to_act - acknowledged

    for notice in notices.values():
        if notice.action_required:
            page = client.get(reverse("workspace:notice-acknowledgements", args=[notice.pk]), {"scope": "all"})
            targeted = {mp.pk for mp in page.context["missing"]} | {mp.pk for mp, _ack in page.context["acknowledged"]}
            assert (participant.pk in targeted) == (notice.pk in addressed)
        assert (contact.email in recipients_for(notice)) == (notice.pk in addressed)


def test_the_inbox_the_360_page_the_am_home_and_the_acknowledgements_page_agree(
    client, rep, qse, contacts, account_manager, notices
):
    for mp in (rep, qse):
        _agreement(client, mp, contacts[mp.pk], account_manager, notices)

    notice_acknowledge(actor=contacts[rep.pk], notice=notices["lse_or_qse"], participant=rep)

    for mp in (rep, qse):
        _agreement(client, mp, contacts[mp.pk], account_manager, notices)
