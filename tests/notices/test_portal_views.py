"""Portal notice pages: the MP's inbox (scoping, acknowledgements and their isolation), list memberships."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import ContactRole
from notices.models import Acknowledgement, ContactListOptOut
from notices.services import notice_acknowledge, recipients_for
from tests.accounts.factories import MembershipFactory, ParticipantFactory

from .conftest import ct


@pytest.fixture
def rep(db):
    return ParticipantFactory(role_codes=["REP", "LSE"], short_name="REPCO")


@pytest.fixture
def qse(db):
    return ParticipantFactory(role_codes=["QSE"], short_name="QSECO")


@pytest.fixture
def rep_user(rep):
    return MembershipFactory(participant=rep, contact_role=ContactRole.CREDIT).user


@pytest.fixture
def qse_user(qse):
    return MembershipFactory(participant=qse, contact_role=ContactRole.AUTHORIZED_REPRESENTATIVE).user


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def notices(publish):
    return {
        "everyone": publish(
            short_description="For everyone", action_required="Confirm your contacts.", now=ct(2026, 4, 1, 9)
        ),
        "rep": publish(
            short_description="For REPs",
            audience_codes=["REP"],
            action_required="Update your REP data.",
            now=ct(2026, 4, 2, 9),
        ),
        "qse": publish(short_description="For QSEs", audience_codes=["QSE"], now=ct(2026, 4, 3, 9)),
    }


def _inbox_ids(response):
    return [n.notice_id for n in response.context["page_obj"].object_list]


def test_inbox_shows_notices_for_the_mps_roles_or_everyone(client, rep_user, notices):
    response = login(client, rep_user).get(reverse("portal:notices"))
    assert response.status_code == 200
    assert _inbox_ids(response) == [notices["rep"].notice_id, notices["everyone"].notice_id]
    assert b"Action required" in response.content
    action = client.get(reverse("portal:notices"), {"action": "1"})
    assert _inbox_ids(action) == [notices["rep"].notice_id, notices["everyone"].notice_id]


def test_inbox_needs_a_participant_user(client, staff_user, notices):
    assert client.get(reverse("portal:notices")).status_code == 302  # to sign-in
    client.force_login(staff_user)
    assert client.get(reverse("portal:notices")).status_code == 403


def test_acknowledge_records_who_and_when_for_the_current_mp(client, rep_user, rep, notices):
    login(client, rep_user)
    response = client.post(reverse("portal:notice-acknowledge", args=[notices["rep"].notice_id]))
    assert response.status_code == 302
    ack = Acknowledgement.objects.get(notice=notices["rep"])
    assert ack.participant == rep and ack.user == rep_user
    html = client.get(reverse("portal:notices")).content.decode()
    assert "Acknowledged" in html and (rep_user.full_name or rep_user.email) in html
    # Twice is still one acknowledgement.
    client.post(reverse("portal:notice-acknowledge", args=[notices["rep"].notice_id]))
    assert Acknowledgement.objects.filter(notice=notices["rep"]).count() == 1


def test_acknowledgements_of_another_mp_never_show(client, rep_user, qse_user, qse, notices):
    notice_acknowledge(actor=qse_user, notice=notices["everyone"], participant=qse)
    response = login(client, rep_user).get(reverse("portal:notices"))
    everyone = next(n for n in response.context["page_obj"].object_list if n.pk == notices["everyone"].pk)
    assert everyone.mp_acknowledgements == []
    assert (qse_user.full_name or qse_user.email) not in response.content.decode()
    assert response.context["unacknowledged"] == 2


def test_acknowledging_for_an_mp_the_user_is_not_a_contact_of_is_404(client, rep_user, qse, notices):
    login(client, rep_user)
    url = reverse("portal:notice-acknowledge", args=[notices["everyone"].notice_id])
    assert client.post(url, {"participant": qse.pk}).status_code == 404
    assert client.post(url, {"participant": "abc"}).status_code == 404
    # A notice outside the MP's inbox (QSE audience) is a 404 too, as is an unknown ID.
    assert client.post(reverse("portal:notice-acknowledge", args=[notices["qse"].notice_id])).status_code == 404
    assert client.post(reverse("portal:notice-acknowledge", args=["M-A010101-01"])).status_code == 404
    assert not Acknowledgement.objects.exists()


def test_acknowledge_without_action_required_is_refused(client, rep_user, publish):
    plain = publish(short_description="Plain notice", now=ct(2026, 4, 4, 9))
    login(client, rep_user).post(reverse("portal:notice-acknowledge", args=[plain.notice_id]))
    assert not Acknowledgement.objects.exists()


def test_inbox_query_count_is_bounded(client, rep_user, rep, publish):
    login(client, rep_user)
    publish(action_required="Act.", now=ct(2026, 3, 1, 9))
    client.get(reverse("portal:notices"))  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("portal:notices"))
    for day in range(2, 10):
        n = publish(action_required="Act.", audience_codes=["REP"], now=ct(2026, 3, day, 9))
        notice_acknowledge(actor=rep_user, notice=n, participant=rep)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("portal:notices"))
    assert len(response.context["page_obj"].object_list) == 9
    assert len(many) == len(few)


def test_subscriptions_page_explains_role_lists_and_opts_out_and_in(client, rep_user, lists, publisher, credit):
    login(client, rep_user)
    response = client.get(reverse("portal:notice-subscriptions"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "You receive NOTICE_CREDIT as Credit contact of REPCO" in html
    dl = lists["NOTICE_CREDIT"]
    client.post(reverse("portal:notice-subscriptions"), {"list": dl.pk, "action": "opt-out"})
    assert ContactListOptOut.objects.filter(distribution_list=dl, email=rep_user.email.lower()).exists()
    from notices.services import NoticeInput, notice_create

    draft = notice_create(
        actor=publisher, data=NoticeInput(notice_type=credit, short_description="x", long_description="y")
    )
    assert rep_user.email.lower() not in recipients_for(draft)
    client.post(reverse("portal:notice-subscriptions"), {"list": dl.pk, "action": "opt-in"})
    assert not ContactListOptOut.objects.filter(distribution_list=dl).exists()
    assert rep_user.email.lower() in recipients_for(draft)
    # A list the user does not belong to by role: 404.
    assert (
        client.post(
            reverse("portal:notice-subscriptions"), {"list": lists["NOTICE_RETAIL"].pk, "action": "opt-out"}
        ).status_code
        == 404
    )


def test_a_cancelled_thread_needs_no_acknowledgement(client, rep_user, publisher, publish, notices):
    from notices.services import notice_follow_up

    publish(notice_follow_up(actor=publisher, previous=notices["rep"], kind="cancellation"), now=ct(2026, 4, 5, 9))
    response = login(client, rep_user).get(reverse("portal:notices"))
    assert response.context["unacknowledged"] == 1  # only "everyone" is left
    html = response.content.decode()
    block = html[html.index(f'id="notice-{notices["rep"].notice_id}"') :]
    block = block[: block.index("</li>")]
    assert "No action needed" in block and "Acknowledge for" not in block
