"""Pages of the workspace and the portal: sign-in per role, lists and filters, detail, reassign forms, query bounds."""

import datetime
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import AccountManagerAssignment, ContactRank, ContactRole, ParticipantStatus
from accounts.roles import StaffGroup
from ercot_services.core.models import AuditEvent
from tests.accounts.factories import (
    AccountManagerFactory,
    AssignmentFactory,
    MembershipFactory,
    ParticipantFactory,
    StaffFactory,
    UserFactory,
)
from tests.accounts.sign_in import sign_in

pytestmark = pytest.mark.django_db

# Absolute ceilings; the "same count for 5 and 60 MPs" tests catch N+1 regressions below them.
MAX_QUERIES_WORKSPACE_HOME = 15  # the AM dashboard: figures and book health from the participant summaries
MAX_QUERIES_PARTICIPANT_LIST = 14
# Home cards: AM, cases, registration, qualification (2), plan (next meeting + item counts), dispute deadlines (the
# windows, the statements they may be open on, the MP's disputes), courses for the MP (1).
MAX_QUERIES_PORTAL_HOME = 18


def _sign_in(client, user):
    return sign_in(client, user.email, follow=True)


def _ids(response):
    return {participant.pk for participant in response.context["page_obj"].object_list}


# --- Sign in as each role and land on the right home page ---------------------------------


STAFF_ROLES = [
    StaffGroup.ACCOUNT_MANAGER,
    StaffGroup.CLIENT_SERVICES_LEAD,
    StaffGroup.RETAIL_OPERATIONS,
    StaffGroup.FLIGHT_ADMINISTRATOR,
    StaffGroup.SERVICE_DESK,
    StaffGroup.NOTICE_PUBLISHER,
]


@pytest.mark.parametrize("group", STAFF_ROLES)
def test_staff_sign_in_lands_on_the_workspace(client, group):
    user = StaffFactory(full_name="Morgan Example", groups=[group])

    response = _sign_in(client, user)

    assert response.redirect_chain == [(reverse("home"), 302), (reverse("workspace:home"), 302)]
    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r"Good (morning|afternoon), Morgan</h1>", page)  # greeting by first name
    assert f'<p class="text-muted">{group}</p>' in page  # the role line under the greeting
    if group in (StaffGroup.ACCOUNT_MANAGER, StaffGroup.CLIENT_SERVICES_LEAD):
        assert "Market Participants by status" in page
    else:  # the other groups own no book: their home is their own cards (tests/dashboards/home/test_role_homes.py)
        assert "Market Participants by status" not in page
        assert response.context["cards"]
    assert reverse("workspace:participants") in page
    assert reverse("portal:home") not in page


def test_account_manager_home_shows_their_book(client, account_manager, participant, other_participant):
    unrelated = AssignmentFactory().participant

    response = _sign_in(client, account_manager.user)

    assert response.redirect_chain[-1] == (reverse("workspace:home"), 302)
    assert response.context["scope"].manager == account_manager
    assert set(response.context["rows"]) == {participant, other_participant}
    assert response.context["page_obj"].paginator.count == 2
    page = response.content.decode()
    assert "My book" in page
    assert participant.short_name in page
    assert unrelated.short_name not in page


def test_superuser_lands_on_the_workspace_with_the_admin_link(client):
    admin = StaffFactory(is_superuser=True, full_name="Root Admin")

    response = _sign_in(client, admin)

    assert response.redirect_chain[-1] == (reverse("workspace:home"), 302)
    page = response.content.decode()
    assert "Administrator" in page
    assert f'href="{reverse("admin:index")}"' in page


def test_participant_user_sign_in_lands_on_the_portal(client, mp_user, participant, account_manager):
    response = _sign_in(client, mp_user)

    assert response.redirect_chain == [(reverse("home"), 302), (reverse("portal:home"), 302)]
    assert response.status_code == 200
    page = response.content.decode()
    assert participant.legal_name in page
    assert "Your Account Manager" in page
    assert account_manager.user.full_name in page
    assert account_manager.email in page
    assert account_manager.phone_display in page
    assert reverse("workspace:home") not in page


def test_portal_home_without_an_am_points_to_the_service_desk(client):
    mp = ParticipantFactory(status=ParticipantStatus.PROSPECTIVE)
    user = MembershipFactory(participant=mp).user
    client.force_login(user)

    page = client.get(reverse("portal:home")).content.decode()

    assert "Your Account Manager" not in page  # no card for an AM that does not exist
    assert f"{mp.short_name} has no Account Manager yet" in page
    assert settings.SERVICE_DESK_EMAIL in page
    assert settings.CLIENT_SERVICES_PHONE in page


def test_landing_page_for_anonymous_users(client):
    response = client.get(reverse("landing"))
    assert response.status_code == 200
    page = response.content.decode()
    assert settings.SERVICE_DESK_EMAIL in page
    assert settings.CLIENT_SERVICES_PHONE in page
    assert reverse("login") in page


def test_login_page_renders(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert 'name="login"' in response.content.decode()
    assert 'name="password"' in response.content.decode()


def test_signed_in_user_visiting_login_goes_home(client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


# --- The MP list: filters, search, pagination -------------------------------------------------


@pytest.fixture
def market():
    """A small market with distinct roles, statuses and AMs."""
    ada = AccountManagerFactory(user__full_name="Ada Lovelace")
    ben = AccountManagerFactory(user__full_name="Ben Franklin")
    rep = ParticipantFactory(legal_name="Lone Star Retail LLC", short_name="LSRETAIL", role_codes=["REP", "LSE"])
    qse = ParticipantFactory(legal_name="Gulf Coast Scheduling", short_name="GCSCHED", role_codes=["QSE"])
    tdsp = ParticipantFactory(
        legal_name="Panhandle Wires Co",
        short_name="PWIRES",
        role_codes=["TDSP"],
        status=ParticipantStatus.SUSPENDED,
        duns_number="987654321",
    )
    prospect = ParticipantFactory(
        legal_name="Hill Country Power", short_name="HCPOWER", status=ParticipantStatus.PROSPECTIVE, operator_id=None
    )
    AssignmentFactory(participant=rep, account_manager=ada)
    AssignmentFactory(participant=qse, account_manager=ada)
    AssignmentFactory(participant=tdsp, account_manager=ben)
    return {"ada": ada, "ben": ben, "rep": rep, "qse": qse, "tdsp": tdsp, "prospect": prospect}


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def _list(client, **params):
    response = client.get(reverse("workspace:participants"), params)
    assert response.status_code == 200
    return response


def test_participant_list_shows_everyone_without_filters(staff_client, market):
    response = _list(staff_client)
    assert _ids(response) == {m.pk for k, m in market.items() if k not in ("ada", "ben")}
    page = response.content.decode()
    assert "Ada Lovelace" in page
    assert '<span class="text-muted">Service Desk</span>' in page  # the prospect has no AM


def test_filter_by_role(staff_client, market):
    assert _ids(_list(staff_client, role="REP")) == {market["rep"].pk}
    assert _ids(_list(staff_client, role="TDSP")) == {market["tdsp"].pk}
    assert _ids(_list(staff_client, role="CRRAH")) == set()


def test_filter_by_status(staff_client, market):
    assert _ids(_list(staff_client, status="suspended")) == {market["tdsp"].pk}
    assert _ids(_list(staff_client, status="prospective")) == {market["prospect"].pk}
    assert _ids(_list(staff_client, status="active")) == {market["rep"].pk, market["qse"].pk}


def test_filter_by_account_manager(staff_client, market):
    assert _ids(_list(staff_client, account_manager=market["ada"].pk)) == {market["rep"].pk, market["qse"].pk}
    assert _ids(_list(staff_client, account_manager=market["ben"].pk)) == {market["tdsp"].pk}


def test_filter_by_no_am_finds_mps_whose_assignments_all_ended(staff_client, market):
    orphan = ParticipantFactory(short_name="ORPHAN", status=ParticipantStatus.TERMINATED)
    AssignmentFactory(
        participant=orphan, account_manager=market["ada"], ended_at=timezone.now() + datetime.timedelta(seconds=1)
    )

    ids = _ids(_list(staff_client, account_manager="none"))

    assert orphan.pk in ids
    assert not ids & {market["rep"].pk, market["qse"].pk, market["tdsp"].pk}


def test_filter_by_no_am_finds_mps_never_assigned(staff_client, market):
    assert _ids(_list(staff_client, account_manager="none")) == {market["prospect"].pk}


def test_workspace_home_lists_mps_never_assigned(staff_client, market):
    response = staff_client.get(reverse("workspace:home"))
    assert market["prospect"] in list(response.context["lead"]["unassigned"])
    assert market["prospect"].legal_name in response.content.decode()


def test_filter_by_am_ignores_closed_assignments(staff_client, lead, market):
    services.account_manager_assign(
        actor=lead, participant=market["qse"], account_manager=market["ben"], reason="rebalance"
    )
    assert _ids(_list(staff_client, account_manager=market["ada"].pk)) == {market["rep"].pk}
    assert _ids(_list(staff_client, account_manager=market["ben"].pk)) == {market["tdsp"].pk, market["qse"].pk}


def test_search_by_name_duns_and_operator_id(staff_client, market):
    assert _ids(_list(staff_client, q="lone star")) == {market["rep"].pk}
    assert _ids(_list(staff_client, q="GCSCHED")) == {market["qse"].pk}
    assert _ids(_list(staff_client, q="987654321")) == {market["tdsp"].pk}
    assert _ids(_list(staff_client, q=market["rep"].operator_id)) == {market["rep"].pk}
    assert _ids(_list(staff_client, q="  ")) == _ids(_list(staff_client))
    response = _list(staff_client, q="no such company")
    assert _ids(response) == set()
    assert "No Market Participants match these filters." in response.content.decode()


def test_filters_combine(staff_client, market):
    assert _ids(_list(staff_client, account_manager=market["ada"].pk, role="QSE")) == {market["qse"].pk}
    assert _ids(_list(staff_client, status="active", q="Panhandle")) == set()


def test_an_invalid_filter_value_does_not_crash(staff_client, market):
    response = _list(staff_client, status="bogus", role="NOPE")
    assert response.context["filter"].errors


def test_participant_list_paginates_by_25(staff_client):
    ParticipantFactory.create_batch(60)

    first = _list(staff_client)
    assert len(first.context["page_obj"].object_list) == 25
    assert first.context["page_obj"].paginator.num_pages == 3
    assert "Page 1 of 3" in first.content.decode()

    last = _list(staff_client, page=3)
    assert len(last.context["page_obj"].object_list) == 10
    seen = set()
    for number in (1, 2, 3):
        seen |= _ids(_list(staff_client, page=number))
    assert len(seen) == 60


def test_pagination_keeps_the_filters(staff_client):
    ParticipantFactory.create_batch(30, status=ParticipantStatus.QUALIFYING)
    ParticipantFactory.create_batch(5, status=ParticipantStatus.ACTIVE)

    response = _list(staff_client, status="qualifying", page=2)

    assert len(response.context["page_obj"].object_list) == 5
    assert response.context["page_obj"].paginator.count == 30
    assert response.context["querystring"] == "status=qualifying"
    assert "?status=qualifying&amp;page=1" in response.content.decode()


# --- Participant detail --------------------------------------------------------------------------


def test_participant_detail_shows_contacts_history_and_timeline(staff_client, lead, market):
    mp = market["rep"]
    ar = UserFactory(full_name="Alex Representative")
    bar = UserFactory(full_name="Blair Backup")
    services.membership_add(actor=lead, participant=mp, user=ar, contact_role=ContactRole.AUTHORIZED_REPRESENTATIVE)
    services.membership_add(
        actor=lead,
        participant=mp,
        user=bar,
        contact_role=ContactRole.BACKUP_AUTHORIZED_REPRESENTATIVE,
        rank=ContactRank.PRIMARY,
    )
    services.account_manager_assign(actor=lead, participant=mp, account_manager=market["ben"], reason="Ada on leave")

    response = staff_client.get(reverse("workspace:participant-detail", args=[mp.pk]))
    timeline = staff_client.get(reverse("workspace:participant-section", args=[mp.pk, "history"]))

    assert response.status_code == timeline.status_code == 200
    page = response.content.decode() + timeline.content.decode()
    assert mp.legal_name in page
    # Contacts with their authorizing roles.
    assert "Alex Representative" in page and "Blair Backup" in page
    assert "Authorized Representative" in page
    assert "Backup Authorized Representative" in page
    # Assignment history: both AMs, the current one marked, the reason kept.
    assert [a.account_manager for a in response.context["assignments"]] == [market["ben"], market["ada"]]
    assert "Ada Lovelace" in page and "Ben Franklin" in page
    assert "Ada on leave" in page
    assert response.context["account_manager"] == market["ben"]
    # Audit timeline: every change to the MP and its contacts.
    verbs = [event.verb for event in timeline.context["history"]]
    assert verbs.count("membership.added") == 2
    assert "participant.account_manager_assigned" in verbs
    assigned = next(e for e in timeline.context["history"] if e.verb == "participant.account_manager_assigned")
    assert assigned.verb_display in page
    assert str(lead) in page  # the actor
    # Plain AMs see no reassign button.
    assert reverse("workspace:participant-reassign", args=[mp.pk]) not in page


def test_participant_detail_of_a_missing_mp_is_404(staff_client):
    response = staff_client.get(reverse("workspace:participant-detail", args=[999_999]))
    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()


def test_lead_sees_the_reassign_button(client, lead, participant):
    client.force_login(lead)
    page = client.get(reverse("workspace:participant-detail", args=[participant.pk])).content.decode()
    assert reverse("workspace:participant-reassign", args=[participant.pk]) in page


# --- Reassign one MP ---------------------------------------------------------------------------------


def test_lead_reassigns_an_mp(client, lead, participant, account_manager):
    new_manager = AccountManagerFactory(user__full_name="Casey New")
    client.force_login(lead)
    url = reverse("workspace:participant-reassign", args=[participant.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, {"account_manager": new_manager.pk, "reason": "Rebalancing books"})

    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:participant-detail", args=[participant.pk])
    current = AccountManagerAssignment.objects.current().get(participant=participant)
    assert current.account_manager == new_manager
    assert current.reason == "Rebalancing books"
    assert current.assigned_by == lead
    event = AuditEvent.objects.for_object(participant).get(verb="participant.account_manager_assigned")
    assert event.actor == lead
    assert event.reason == "Rebalancing books"
    assert event.changes == {"account_manager": [str(account_manager), "Casey New"]}
    followed = client.get(response["Location"])
    assert "Casey New is now the Account Manager of" in followed.content.decode()


def test_plain_am_cannot_reassign(client, staff_user, participant, account_manager):
    client.force_login(staff_user)
    url = reverse("workspace:participant-reassign", args=[participant.pk])
    other = AccountManagerFactory()

    assert client.get(url).status_code == 403
    response = client.post(url, {"account_manager": other.pk, "reason": "sneaky"})

    assert response.status_code == 403
    assert "Your role does not allow this action." in response.content.decode()
    assert AccountManagerAssignment.objects.current().get(participant=participant).account_manager == account_manager


def test_reassign_without_a_reason_rerenders_with_what_was_typed(client, lead, participant, account_manager):
    new_manager = AccountManagerFactory()
    client.force_login(lead)

    response = client.post(
        reverse("workspace:participant-reassign", args=[participant.pk]), {"account_manager": new_manager.pk}
    )

    assert response.status_code == 400
    form = response.context["form"]
    assert "reason" in form.errors
    assert str(form["account_manager"].value()) == str(new_manager.pk)
    assert f'value="{new_manager.pk}" selected' in response.content.decode()
    assert AccountManagerAssignment.objects.current().get(participant=participant).account_manager == account_manager


def test_reassign_to_the_current_am_shows_the_domain_error(client, lead, participant, account_manager):
    client.force_login(lead)
    response = client.post(
        reverse("workspace:participant-reassign", args=[participant.pk]),
        {"account_manager": account_manager.pk, "reason": "again"},
    )
    assert response.status_code == 400
    assert "already the Account Manager" in response.content.decode()
    assert response.context["form"]["reason"].value() == "again"


def test_reassign_does_not_offer_inactive_ams(client, lead, participant):
    inactive = AccountManagerFactory(is_active=False)
    client.force_login(lead)
    response = client.post(
        reverse("workspace:participant-reassign", args=[participant.pk]),
        {"account_manager": inactive.pk, "reason": "x"},
    )
    assert response.status_code == 400
    assert "account_manager" in response.context["form"].errors


def test_reassign_of_a_missing_mp_is_404(client, lead):
    client.force_login(lead)
    assert client.get(reverse("workspace:participant-reassign", args=[999_999])).status_code == 404


# --- Move a whole book ----------------------------------------------------------------------------------


def test_lead_moves_a_whole_book(client, lead, account_manager, participant, other_participant):
    receiver = AccountManagerFactory(user__full_name="Robin Receiver")
    client.force_login(lead)
    url = reverse("workspace:book-reassign", args=[account_manager.pk])
    get = client.get(url)
    assert get.status_code == 200
    assert participant.legal_name in get.content.decode()

    response = client.post(url, {"to_manager": receiver.pk, "reason": "AM left", "deactivate_from": "on"})

    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:account-managers")
    for mp in (participant, other_participant):
        assert AccountManagerAssignment.objects.current().get(participant=mp).account_manager == receiver
    account_manager.refresh_from_db()
    assert account_manager.is_active is False
    page = client.get(response["Location"]).content.decode()
    assert f"Moved 2 MP(s) from {account_manager} to Robin Receiver." in page


def test_book_move_without_deactivation_keeps_the_am_active(client, lead, account_manager, participant):
    receiver = AccountManagerFactory()
    client.force_login(lead)
    client.post(
        reverse("workspace:book-reassign", args=[account_manager.pk]), {"to_manager": receiver.pk, "reason": "x"}
    )
    account_manager.refresh_from_db()
    assert account_manager.is_active is True
    assert AccountManagerAssignment.objects.current().get(participant=participant).account_manager == receiver


def test_plain_am_cannot_move_a_book(client, staff_user, account_manager, participant):
    receiver = AccountManagerFactory()
    client.force_login(staff_user)
    url = reverse("workspace:book-reassign", args=[account_manager.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"to_manager": receiver.pk, "reason": "x"}).status_code == 403
    assert AccountManagerAssignment.objects.current().get(participant=participant).account_manager == account_manager


def test_book_move_without_a_reason_rerenders_with_what_was_typed(client, lead, account_manager, participant):
    receiver = AccountManagerFactory()
    client.force_login(lead)

    response = client.post(reverse("workspace:book-reassign", args=[account_manager.pk]), {"to_manager": receiver.pk})

    assert response.status_code == 400
    form = response.context["form"]
    assert "reason" in form.errors
    assert str(form["to_manager"].value()) == str(receiver.pk)
    assert f'value="{receiver.pk}" selected' in response.content.decode()
    assert AccountManagerAssignment.objects.current().get(participant=participant).account_manager == account_manager


def test_book_move_to_the_same_am_is_refused(client, lead, account_manager, participant):
    client.force_login(lead)
    response = client.post(
        reverse("workspace:book-reassign", args=[account_manager.pk]), {"to_manager": account_manager.pk, "reason": "x"}
    )
    assert response.status_code == 400
    assert "to_manager" in response.context["form"].errors


def test_account_manager_list_shows_book_sizes(client, lead, account_manager, participant, other_participant):
    idle = AccountManagerFactory(is_active=False)
    client.force_login(lead)
    response = client.get(reverse("workspace:account-managers"))
    assert response.status_code == 200
    sizes = {am.pk: am.book_size for am in response.context["managers"]}
    assert sizes[account_manager.pk] == 2
    assert sizes[idle.pk] == 0
    page = response.content.decode()
    assert reverse("workspace:book-reassign", args=[account_manager.pk]) in page
    assert reverse("workspace:book-reassign", args=[idle.pk]) not in page  # nothing to move
    assert "inactive" in page


# --- Query bounds ----------------------------------------------------------------------------------------------


def _grow_market(lead, manager, others, count):
    """Add ``count`` MPs: a third in ``manager``'s book, a third with other AMs, a third without one."""
    for i in range(count):
        mp = ParticipantFactory(role_codes=["REP", "LSE"] if i % 2 else ["QSE"])
        if i % 3 == 0:
            services.account_manager_assign(actor=lead, participant=mp, account_manager=manager, reason="book")
        elif i % 3 == 1:
            services.account_manager_assign(actor=lead, participant=mp, account_manager=others[i % len(others)])
        MembershipFactory(participant=mp)


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    ("url_name", "ceiling"),
    [("workspace:home", MAX_QUERIES_WORKSPACE_HOME), ("workspace:participants", MAX_QUERIES_PARTICIPANT_LIST)],
)
def test_workspace_pages_cost_the_same_queries_for_5_and_60_mps(
    client, lead, account_manager, django_assert_max_num_queries, url_name, ceiling
):
    others = AccountManagerFactory.create_batch(3)
    client.force_login(account_manager.user)
    url = reverse(url_name)
    client.get(url)  # warm caches (content types, session)

    _grow_market(lead, account_manager, others, 5)
    small = _queries(client, url)
    _grow_market(lead, account_manager, others, 55)
    large = _queries(client, url)

    assert small == large, f"{url}: {small} queries with 5 MPs, {large} with 60"
    with django_assert_max_num_queries(ceiling):
        response = client.get(url)
    assert response.status_code == 200


def test_participant_detail_query_count_does_not_grow_with_history(
    client, lead, account_manager, participant, django_assert_max_num_queries
):
    managers = AccountManagerFactory.create_batch(6)
    client.force_login(lead)
    url = reverse("workspace:participant-detail", args=[participant.pk])
    client.get(url)
    for user in UserFactory.create_batch(2):
        services.membership_add(
            actor=lead, participant=participant, user=user, contact_role=ContactRole.TECHNICAL, rank="secondary"
        )
    services.account_manager_assign(actor=lead, participant=participant, account_manager=managers[0])
    small = _queries(client, url)
    for user in UserFactory.create_batch(6):
        services.membership_add(
            actor=lead, participant=participant, user=user, contact_role=ContactRole.SETTLEMENT, rank="secondary"
        )
    for manager in managers[1:]:
        services.account_manager_assign(actor=lead, participant=participant, account_manager=manager)
    large = _queries(client, url)
    assert small == large


def test_portal_home_is_bounded(
    client, mp_user, participant, django_assert_max_num_queries, no_queries_while_rendering
):
    client.force_login(mp_user)
    url = reverse("portal:home")
    client.get(url)
    one = _queries(client, url)

    # The user becomes a contact of several more MPs (the switcher lists them all).
    for mp in ParticipantFactory.create_batch(6, role_codes=["REP"]):
        AssignmentFactory(participant=mp)
        MembershipFactory(participant=mp, user=mp_user, contact_role=ContactRole.TECHNICAL)
    seven = _queries(client, url)
    assert one == seven

    with django_assert_max_num_queries(MAX_QUERIES_PORTAL_HOME):
        response = client.get(url)

    assert response.status_code == 200
    assert response.context["participant"] == participant
    assert len({m.participant_id for m in response.context["memberships"]}) == 7
    assert "Switch Market Participant" in response.content.decode()


# --- Friendly error pages --------------------------------------------------------------------------------------


def test_unknown_url_renders_the_friendly_404(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "We couldn't find that page" in page
    assert settings.CLIENT_SERVICES_PHONE in page  # the full layout, not a bare error


def test_forbidden_renders_the_friendly_403_with_the_reason(client, mp_user, settings):
    settings.DEBUG = False
    client.force_login(mp_user)
    response = client.get(reverse("workspace:home"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "You don't have access to this page" in page
    assert "The workspace is for Client Services staff." in page


def test_server_error_renders_the_friendly_500(client, mp_user, settings, monkeypatch):
    settings.DEBUG = False

    def broken(user):
        raise RuntimeError("boom")

    monkeypatch.setattr("accounts.selectors.memberships_for_user", broken)
    client.force_login(mp_user)
    client.raise_request_exception = False

    response = client.get(reverse("portal:home"))

    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert settings.CLIENT_SERVICES_PHONE in page
    assert "boom" not in page
