"""The MP picker: the JSON endpoint is scoped and staff-only, and the pages render the chosen MP only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.autocomplete import RESULT_LIMIT
from registration.models import Application
from tests.accounts.factories import ParticipantFactory, StaffFactory

pytestmark = pytest.mark.django_db

URL = reverse("workspace:participant-autocomplete")


def _results(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.json()["results"]


def test_matches_short_name_prefix_first_then_legal_name(client, staff_user):
    ParticipantFactory(short_name="ZEBRA", legal_name="Solar Zebra LLC")
    ParticipantFactory(short_name="SOLARIS", legal_name="Solaris Power LP")
    ParticipantFactory(short_name="WIND", legal_name="Wind Co")
    client.force_login(staff_user)

    results = _results(client, q="sol")

    assert [row["text"] for row in results] == ["SOLARIS — Solaris Power LP", "ZEBRA — Solar Zebra LLC"]


def test_matches_duns_and_operator_id(client, staff_user):
    target = ParticipantFactory(duns_number="987654321", operator_id="MP-777777")
    ParticipantFactory()
    client.force_login(staff_user)

    assert [row["id"] for row in _results(client, q="98765")] == [target.pk]
    assert [row["id"] for row in _results(client, q="mp-7777")] == [target.pk]


def test_returns_at_most_the_limit_in_one_query(client, staff_user):
    ParticipantFactory.create_batch(RESULT_LIMIT + 5)
    client.force_login(staff_user)

    with CaptureQueriesContext(connection) as captured:
        results = _results(client, q="MP")

    assert len(results) == RESULT_LIMIT
    searches = [q["sql"] for q in captured.captured_queries if "accounts_marketparticipant" in q["sql"]]
    assert len(searches) == 1, searches
    assert "LIMIT 20" in searches[0]


def test_qse_scope_offers_only_qses(client, staff_user, participant, other_participant):
    """``participant`` is a REP/LSE, ``other_participant`` a QSE (tests/conftest.py)."""
    client.force_login(staff_user)

    assert [row["id"] for row in _results(client, scope="qse")] == [other_participant.pk]


def test_submitted_scope_offers_only_mps_with_a_submitted_application(client, staff_user, participant):
    from tests.registration.factories import ApplicationFactory

    submitted = ApplicationFactory(participant=participant, submitted=True)
    assert Application.objects.filter(pk=submitted.pk, submitted_at__isnull=False).exists()
    ParticipantFactory()
    client.force_login(staff_user)

    assert [row["id"] for row in _results(client, scope="submitted")] == [participant.pk]


def test_unknown_scope_is_404(client, staff_user):
    client.force_login(staff_user)
    assert client.get(URL, {"scope": "everyone-ever"}).status_code == 404


def test_participant_users_are_refused(client, mp_user):
    client.force_login(mp_user)
    assert client.get(URL, {"q": ""}).status_code == 403


def test_anonymous_users_go_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("group", ["Account Manager", "Notice Publisher", "Flight Administrator"])
def test_every_staff_group_may_search(client, group, participant):
    """The pages with a picker are open to every staff group for reading, so the picker is too."""
    client.force_login(StaffFactory(groups=[group]))
    assert [row["id"] for row in _results(client, q=participant.short_name)] == [participant.pk]


def test_case_queue_renders_only_the_chosen_mp(client, staff_user):
    chosen = ParticipantFactory(short_name="CHOSEN")
    others = ParticipantFactory.create_batch(5)
    client.force_login(staff_user)

    html = client.get(reverse("workspace:cases"), {"participant": chosen.pk, "view": "all"}).content.decode()

    assert f'<option value="{chosen.pk}" selected>CHOSEN — {chosen.legal_name}</option>' in html
    assert 'data-participant-autocomplete="/workspace/participants/autocomplete/?scope=all"' in html
    for other in others:  # by label: a bare value="<pk>" may be another select's option (a user of the same pk)
        assert f"{other.short_name} — " not in html


def test_case_queue_with_an_unknown_mp_id_says_so_instead_of_failing(client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("workspace:cases"), {"participant": "999999", "view": "all"})
    assert response.status_code == 200
    assert "Some filters were not understood" in response.content.decode()


def test_qse_acknowledgement_refuses_an_mp_outside_its_scope(participant, other_participant):
    """The form validates against the same scope the picker searches: a posted non-QSE id is a field error."""
    from registration.forms.staff import QseAcknowledgementForm

    refused = QseAcknowledgementForm({"qse-qse": participant.pk}, participant=other_participant)
    accepted = QseAcknowledgementForm({"qse-qse": other_participant.pk}, participant=participant)

    assert not refused.is_valid()
    assert "qse" in refused.errors
    assert accepted.is_valid(), accepted.errors
