"""The notices endpoints: the public archive as JSON (what the public archive page lists, its filters, ``since``,
threads and cancellations, drafts never), one notice, the key's MP's action-required notices (as its portal inbox)
and acknowledging one (the portal's service, idempotent); isolation and bounded queries."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from api.models import ApiScope
from notices.models import Acknowledgement, Notice
from notices.services import notice_acknowledge, notice_follow_up
from tests.accounts.factories import MembershipFactory
from tests.notices.conftest import ct

from .conftest import api_get, api_post, assert_problem
from .factories import ApiKeyFactory

pytestmark = pytest.mark.django_db

NOTICES = "/api/v1/notices"
ACTION_REQUIRED = "/api/v1/notices/action-required"


def acknowledge_url(notice) -> str:
    return f"{NOTICES}/{notice.notice_id}/acknowledge"


@pytest.fixture
def key(participant):
    """A key of the MP (REP and LSE) that reads and acknowledges notices, created by its USA."""
    return ApiKeyFactory(
        participant=participant, scopes=[ApiScope.READ_NOTICES, ApiScope.ACKNOWLEDGE_NOTICES], by_usa=True
    )


@pytest.fixture
def archive(publish, publisher, draft_factory, types, credit):
    """A credit notice with action required for every MP, updated and then cancelled; an operations notice (W) for
    QSEs; a retail notice (R) with action required for REPs; and a draft."""
    with time_machine.travel(ct(2026, 4, 1, 9), tick=False) as clock:
        collateral = publish(
            notice_type=credit,
            short_description="Collateral changes for counter-parties",
            long_description="The **collateral** calculation changes.",
            action_required="Post additional collateral by May 1.",
        )
        clock.move_to(ct(2026, 4, 2, 9))
        update = publish(notice_follow_up(actor=publisher, previous=collateral, kind=Notice.Kind.UPDATE))
        clock.move_to(ct(2026, 4, 10, 9))
        operations = publish(
            notice_type=types["Operations"],
            scope="W",
            audience_codes=["QSE"],
            short_description="Market information system outage",
            long_description="Planned maintenance of the MIS.",
        )
        clock.move_to(ct(2026, 4, 20, 9))
        retail = publish(
            notice_type=types["Retail"],
            scope="R",
            audience_codes=["REP"],
            short_description="Retail transaction timeline",
            long_description="Retail transactions are delayed.",
            action_required="Confirm your retail contacts.",
        )
        clock.move_to(ct(2026, 4, 25, 9))
        cancellation = publish(notice_follow_up(actor=publisher, previous=update, kind=Notice.Kind.CANCELLATION))
        draft_factory(short_description="Secret draft", long_description="Not yet public.")
    return {
        "collateral": collateral,
        "update": update,
        "operations": operations,
        "retail": retail,
        "cancellation": cancellation,
    }


def _ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [notice["notice_id"] for notice in response.json()["results"]]


def _page_ids(response) -> list[str]:
    return [notice.notice_id for notice in response.context["page_obj"].object_list]


# --- the archive -------------------------------------------------------------------------------------------------


def test_the_archive_lists_what_the_public_archive_page_lists_newest_first_and_never_a_draft(client, key, archive):
    response = api_get(client, NOTICES, key)
    assert _ids(response) == _page_ids(client.get(reverse("notices:archive")))
    assert _ids(response) == [
        archive[name].notice_id for name in ("cancellation", "retail", "operations", "update", "collateral")
    ]
    assert "Secret draft" not in response.content.decode()


def test_a_notice_carries_its_thread_the_notice_it_follows_and_its_cancellation(client, key, archive):
    by_id = {notice["notice_id"]: notice for notice in api_get(client, NOTICES, key).json()["results"]}
    thread = [archive[name].notice_id for name in ("collateral", "update", "cancellation")]
    for name in ("collateral", "update", "cancellation"):
        notice = by_id[archive[name].notice_id]
        assert [other["notice_id"] for other in notice["thread"]] == thread
        assert notice["cancelled"] is True
    update = by_id[archive["update"].notice_id]
    assert update["kind"] == "update"
    assert update["previous"]["notice_id"] == archive["collateral"].notice_id
    assert by_id[archive["collateral"].notice_id]["previous"] is None
    retail = by_id[archive["retail"].notice_id]
    assert retail["cancelled"] is False
    assert [other["notice_id"] for other in retail["thread"]] == [archive["retail"].notice_id]
    assert retail["audience"] == ["REP"]
    assert retail["type"]["name"] == "Retail"
    assert retail["url"].endswith(archive["retail"].get_absolute_url())


def test_a_notice_names_no_author_approver_or_list(client, key, archive, publisher, approver):
    body = api_get(client, f"{NOTICES}/{archive['retail'].notice_id}", key).content.decode()
    for private in (publisher.email, approver.email, "NOTICE_"):
        assert private not in body


def test_the_filters_are_the_public_archive_pages(client, key, archive, credit):
    page = reverse("notices:archive")
    for api_params, page_params in [
        ({"type": credit.slug}, {"type": credit.slug}),
        ({"scope": "W"}, {"scope": "W"}),
        ({"date_from": "2026-04-05", "date_to": "2026-04-15"}, {"date_from": "2026-04-05", "date_to": "2026-04-15"}),
        ({"list": "NOTICE_OPERATIONS"}, {"list": "NOTICE_OPERATIONS"}),
        ({"action_required": "true"}, {"action": "on"}),
        ({"q": "collateral"}, {"q": "collateral"}),
        ({"q": archive["retail"].notice_id}, {"q": archive["retail"].notice_id}),
    ]:
        expected = _page_ids(client.get(page, page_params))
        assert expected, page_params
        assert sorted(_ids(api_get(client, NOTICES, key, **api_params))) == sorted(expected), api_params
    assert _ids(api_get(client, NOTICES, key, scope="W")) == [archive["operations"].notice_id]


def test_bad_filters_are_a_400_problem_with_field_errors_not_ignored_as_on_the_page(client, key, archive):
    body = assert_problem(api_get(client, NOTICES, key, type="nope", date_from="garbage", scope="X"), 400, "invalid")
    assert set(body["errors"]) == {"type", "date_from", "scope"}
    body = assert_problem(api_get(client, NOTICES, key, colour="red", q=""), 400, "invalid")
    assert set(body["errors"]) == {"colour", "q"}
    body = assert_problem(api_get(client, NOTICES, key, date_from="2026-04-15", date_to="2026-04-05"), 400, "invalid")
    assert set(body["errors"]) == {"date_to"}


def test_since_lists_notices_published_since_and_those_whose_thread_changed_since(client, key, archive):
    since = ct(2026, 4, 15, 0).isoformat()
    # The retail notice and the cancellation were published since; the cancellation also changed the thread of the
    # two earlier notices it ended (their "cancelled" and "thread"); the operations notice did not change.
    assert sorted(_ids(api_get(client, NOTICES, key, since=since))) == sorted(
        archive[name].notice_id for name in ("collateral", "update", "retail", "cancellation")
    )
    assert _ids(api_get(client, NOTICES, key, since=ct(2026, 4, 26).isoformat())) == []


def test_the_archive_pages_with_a_cursor(client, key, archive):
    first = api_get(client, NOTICES, key, page_size=2).json()
    seen = [notice["notice_id"] for notice in first["results"]]
    next_url = first["next"]
    while next_url:
        page = client.get(next_url, headers={"Authorization": f"Bearer {key.raw}"}).json()
        seen += [notice["notice_id"] for notice in page["results"]]
        next_url = page["next"]
    assert seen == _ids(api_get(client, NOTICES, key))


def test_the_archive_costs_the_same_queries_for_a_few_and_for_many_threaded_notices(
    client, key, publish, publisher, django_assert_max_num_queries
):
    def publish_thread(day):
        original = publish(action_required="Act.", now=ct(2026, 3, day, 9))
        publish(notice_follow_up(actor=publisher, previous=original, kind=Notice.Kind.UPDATE), now=ct(2026, 3, day, 10))

    publish_thread(1)
    # the key (and its last use, once a minute), the page, the audiences, the files, the threads' notices, the log
    with django_assert_max_num_queries(7):
        assert len(_ids(api_get(client, NOTICES, key))) == 2
    for day in range(2, 16):
        publish_thread(day)
    with django_assert_max_num_queries(7):
        assert len(_ids(api_get(client, NOTICES, key))) == 30


# --- one notice ----------------------------------------------------------------------------------------------------


def test_one_notice_by_its_notice_id_or_its_id_with_its_thread(client, key, archive):
    update = archive["update"]
    for identifier in (update.notice_id, str(update.pk)):
        body = api_get(client, f"{NOTICES}/{identifier}", key).json()
        assert body["notice_id"] == update.notice_id
        assert body["cancelled"] is True
        assert [other["kind"] for other in body["thread"]] == ["original", "update", "cancellation"]


def test_a_draft_or_an_unknown_notice_is_a_404(client, key, archive):
    draft = Notice.objects.get(short_description="Secret draft")
    for identifier in (str(draft.pk), "M-NOPE", "9" * 30, "²"):
        assert_problem(api_get(client, f"{NOTICES}/{identifier}", key), 404, "not_found")


# --- action required and acknowledging ------------------------------------------------------------------------------


def test_action_required_lists_the_mps_inbox_notices_with_action_and_its_acknowledgement(
    client, key, participant, other_participant, archive
):
    """The MP (REP, LSE) gets the notices for everyone and for REPs that require action, as its portal inbox's
    "Action required" tab shows them; another MP's acknowledgement is not its own."""
    collateral, retail = archive["collateral"], archive["retail"]
    other_usa = MembershipFactory(participant=other_participant, usa=True).user
    notice_acknowledge(actor=other_usa, notice=collateral, participant=other_participant)

    body = api_get(client, ACTION_REQUIRED, key).json()
    assert [notice["notice_id"] for notice in body["results"]] == [
        retail.notice_id,
        archive["update"].notice_id,
        collateral.notice_id,
    ]
    assert all(notice["acknowledgement"] is None for notice in body["results"])
    by_id = {notice["notice_id"]: notice for notice in body["results"]}
    assert by_id[retail.notice_id]["awaiting_acknowledgement"] is True
    assert by_id[collateral.notice_id]["awaiting_acknowledgement"] is False  # its thread was cancelled

    usa = key.created_by
    notice_acknowledge(actor=usa, notice=retail, participant=participant)
    body = api_get(client, ACTION_REQUIRED, key).json()
    acknowledgement = body["results"][0]["acknowledgement"]
    assert acknowledgement["notice_id"] == retail.notice_id
    assert acknowledgement["acknowledged_by"] == usa.full_name
    assert api_get(client, ACTION_REQUIRED, key, unacknowledged="true").json()["results"] == []


def test_action_required_with_unacknowledged_counts_what_the_portal_counts(client, key, participant, archive):
    from notices.selectors import inbox_unacknowledged_count

    pending = api_get(client, ACTION_REQUIRED, key, unacknowledged="true").json()["results"]
    assert [notice["notice_id"] for notice in pending] == [archive["retail"].notice_id]
    assert len(pending) == inbox_unacknowledged_count(participant)


def test_acknowledging_records_the_mps_acknowledgement_as_the_keys_creator_once(client, key, participant, archive):
    retail = archive["retail"]
    first = api_post(client, acknowledge_url(retail), key)
    assert first.status_code == 200
    assert first.json()["notice_id"] == retail.notice_id
    assert first.json()["acknowledged_by"] == key.created_by.full_name
    again = api_post(client, f"{NOTICES}/{retail.pk}/acknowledge", key)
    assert again.status_code == 200
    assert again.json() == first.json()
    acknowledgement = Acknowledgement.objects.get(notice=retail)
    assert (acknowledgement.participant, acknowledgement.user) == (participant, key.created_by)


def test_acknowledging_follows_the_portals_rules(client, key, archive):
    # No action required: the service's refusal and code.
    body = assert_problem(api_post(client, acknowledge_url(archive["cancellation"]), key), 400, "not_acknowledgeable")
    assert "ACTION REQUIRED" in body["detail"]
    # Not addressed to the MP (a QSE notice): not in its inbox, so not found.
    assert_problem(api_post(client, acknowledge_url(archive["operations"]), key), 404, "not_found")
    assert not Acknowledgement.objects.exists()


def test_a_key_whose_creator_left_the_mp_cannot_acknowledge(client, participant, archive):
    key = ApiKeyFactory(participant=participant, scopes=[ApiScope.ACKNOWLEDGE_NOTICES])  # no creator
    assert_problem(api_post(client, acknowledge_url(archive["retail"]), key), 400, "permission_denied")


def test_action_required_costs_the_same_queries_for_a_few_and_for_many_notices(
    client, key, participant, publish, django_assert_max_num_queries
):
    usa = key.created_by
    notice_acknowledge(
        actor=usa, notice=publish(action_required="Act.", now=ct(2026, 3, 1, 9)), participant=participant
    )
    # the key (and its last use), the page, the MP's acknowledgements, the audiences, the files, the threads'
    # notices, the call log
    with django_assert_max_num_queries(8):
        assert len(api_get(client, ACTION_REQUIRED, key).json()["results"]) == 1
    for day in range(2, 22):
        notice = publish(action_required="Act.", now=ct(2026, 3, day, 9))
        notice_acknowledge(actor=usa, notice=notice, participant=participant)
    with django_assert_max_num_queries(8):
        assert len(api_get(client, ACTION_REQUIRED, key).json()["results"]) == 21


# --- keys ----------------------------------------------------------------------------------------------------------

READS = [NOTICES, ACTION_REQUIRED, NOTICES + "/{notice_id}"]


@pytest.mark.parametrize("url", [*READS, NOTICES + "/{notice_id}/acknowledge"])
def test_no_key_an_expired_or_a_revoked_key_is_a_401(client, participant, archive, url):
    url = url.format(notice_id=archive["retail"].notice_id)
    call = api_post if url.endswith("/acknowledge") else api_get
    scopes = [ApiScope.READ_NOTICES, ApiScope.ACKNOWLEDGE_NOTICES]
    expired = ApiKeyFactory(
        participant=participant, scopes=scopes, expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    revoked = ApiKeyFactory(participant=participant, scopes=scopes, revoked_at=timezone.now())
    for key in (None, expired, revoked):
        assert_problem(call(client, url, key), 401, "not_authenticated")
    assert not Acknowledgement.objects.exists()


@pytest.mark.parametrize("url", READS)
def test_reading_needs_the_read_notices_scope(client, participant, archive, url):
    key = ApiKeyFactory(participant=participant, scopes=[ApiScope.ACKNOWLEDGE_NOTICES, ApiScope.READ_CASES])
    body = assert_problem(api_get(client, url.format(notice_id=archive["retail"].notice_id), key), 403, "scope_missing")
    assert "notices:read" in body["detail"]


def test_acknowledging_needs_the_acknowledge_scope(client, participant, archive):
    key = ApiKeyFactory(participant=participant, scopes=[ApiScope.READ_NOTICES], by_usa=True)
    body = assert_problem(api_post(client, acknowledge_url(archive["retail"]), key), 403, "scope_missing")
    assert "notices:acknowledge" in body["detail"]
    assert not Acknowledgement.objects.exists()


def test_another_mps_key_sees_its_own_inbox_and_cannot_acknowledge_for_this_mp(
    client, participant, other_participant, archive
):
    """The QSE's key: the REP notice is not in its inbox (404 to acknowledge); what it acknowledges is its own."""
    theirs = ApiKeyFactory(
        participant=other_participant,
        scopes=[ApiScope.READ_NOTICES, ApiScope.ACKNOWLEDGE_NOTICES],
        by_usa=True,
    )
    assert_problem(api_post(client, acknowledge_url(archive["retail"]), theirs), 404, "not_found")
    assert archive["retail"].notice_id not in _ids(api_get(client, ACTION_REQUIRED, theirs))
    assert api_post(client, acknowledge_url(archive["collateral"]), theirs).status_code == 200
    assert list(Acknowledgement.objects.values_list("participant", flat=True)) == [other_participant.pk]
