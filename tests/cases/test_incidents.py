"""Market incidents: N different MPs' cases about one category, charge type or Operating Day within D days propose
an incident; staff confirm or dismiss it, link cases, answer them all with one reply and resolve it."""

from __future__ import annotations

import datetime

import pytest

from accounts.roles import StaffGroup
from cases.error_codes import CaseErrorCode
from cases.models import (
    Case,
    CaseKind,
    CaseMessage,
    CaseNotification,
    CaseStatus,
    Incident,
    IncidentDimension,
    IncidentRule,
    IncidentStatus,
)
from cases.services import (
    incident_confirm,
    incident_detect_for_case,
    incident_dismiss,
    incident_link_case,
    incident_reply_all,
    incident_resolve,
    incident_scan,
    incident_unlink_case,
)
from ercot_services.core.models import AuditEvent, DomainError
from tests.accounts.factories import MembershipFactory, ParticipantFactory, StaffFactory
from tests.cases.factories import CaseFactory, DisputeDetailFactory, SubmittedCaseFactory

from .conftest import ct

pytestmark = pytest.mark.django_db

T0 = ct(2026, 10, 5, 10)


def at(days: float) -> datetime.datetime:
    return T0 + datetime.timedelta(days=days)


@pytest.fixture(autouse=True)
def rules(db):
    """Category: 3 MPs within 2 days; charge type and Operating Day: 3 MPs within 5 days."""
    IncidentRule.load_all()
    IncidentRule.objects.filter(dimension=IncidentDimension.CATEGORY).update(min_participants=3, window_days=2)
    IncidentRule.objects.exclude(dimension=IncidentDimension.CATEGORY).update(min_participants=3, window_days=5)


def filed(participant, *, when, category=None, charge_type=None, operating_day=None) -> Case:
    """A case row of ``participant`` filed at ``when`` (a dispute when a charge type or Operating Day is given)."""
    fields = {"participant": participant}
    if category is not None:
        fields["category"] = category
    if charge_type or operating_day:
        case = CaseFactory(kind=CaseKind.DISPUTE, **fields)
        DisputeDetailFactory(
            case=case,
            charge_type=charge_type or "DA Energy Imbalance",
            operating_day=operating_day or datetime.date(2026, 10, 1),
        )
    else:
        case = CaseFactory(**fields)
    Case.objects.filter(pk=case.pk).update(created_at=when)
    case.refresh_from_db()
    return case


def detect(case):
    return incident_detect_for_case(case=case)


@pytest.fixture
def mps(db):
    return [ParticipantFactory() for _ in range(4)]


# --- detection thresholds ---------------------------------------------------------------------------------------


def test_two_mps_propose_nothing_the_third_proposes_an_incident(mps, settlements):
    first = filed(mps[0], when=at(0), category=settlements)
    second = filed(mps[1], when=at(0.5), category=settlements)
    assert detect(second) == []
    third = filed(mps[2], when=at(1), category=settlements)

    [incident] = detect(third)

    assert incident.status == IncidentStatus.PROPOSED
    assert (incident.dimension, incident.key, incident.key_label) == ("category", "settlements", "Settlements")
    assert incident.participant_count == 3
    assert set(incident.cases.all()) == {first, second, third}
    assert incident.created_by is None
    assert [e.verb for e in AuditEvent.objects.for_object(incident)] == ["incident.proposed"]


def test_the_same_mp_twice_counts_once(mps, settlements):
    filed(mps[0], when=at(0), category=settlements)
    filed(mps[0], when=at(0.2), category=settlements)
    last = filed(mps[1], when=at(0.4), category=settlements)

    assert detect(last) == []
    assert not Incident.objects.exists()


def test_cases_outside_the_window_do_not_count(mps, settlements):
    filed(mps[0], when=at(0), category=settlements)  # 2 days and 1 minute before the third
    filed(mps[1], when=at(1), category=settlements)
    third = filed(mps[2], when=at(2) + datetime.timedelta(minutes=1), category=settlements)

    assert detect(third) == []


def test_a_case_exactly_at_the_window_edge_counts(mps, settlements):
    filed(mps[0], when=at(0), category=settlements)
    filed(mps[1], when=at(1), category=settlements)
    third = filed(mps[2], when=at(2), category=settlements)

    assert len(detect(third)) == 1


def test_the_threshold_is_data(mps, settlements):
    IncidentRule.objects.filter(dimension=IncidentDimension.CATEGORY).update(min_participants=4)
    cases = [filed(mp, when=at(i * 0.1), category=settlements) for i, mp in enumerate(mps[:3])]
    assert detect(cases[-1]) == []
    assert len(detect(filed(mps[3], when=at(0.5), category=settlements))) == 1


def test_an_inactive_rule_proposes_nothing(mps, settlements):
    IncidentRule.objects.filter(dimension=IncidentDimension.CATEGORY).update(is_active=False)
    cases = [filed(mp, when=at(i * 0.1), category=settlements) for i, mp in enumerate(mps[:3])]
    assert detect(cases[-1]) == []


def test_charge_type_is_matched_whatever_its_case_and_outer_spaces(mps, registration):
    days = [datetime.date(2026, 9, d) for d in (1, 2, 3)]
    filed(mps[0], when=at(0), category=registration, charge_type="RT Energy Imbalance", operating_day=days[0])
    filed(mps[1], when=at(1), category=registration, charge_type=" rt energy imbalance ", operating_day=days[1])
    third = filed(mps[2], when=at(4), category=registration, charge_type="RT ENERGY IMBALANCE", operating_day=days[2])

    [incident] = detect(third)

    assert incident.dimension == IncidentDimension.CHARGE_TYPE
    assert incident.key == "rt energy imbalance"


def test_operating_day_cluster(mps, registration, categories):
    day = datetime.date(2026, 9, 28)
    filed(mps[0], when=at(0), category=registration, charge_type="A", operating_day=day)
    filed(mps[1], when=at(1), category=categories["market-rules"], charge_type="B", operating_day=day)
    third = filed(mps[2], when=at(3), category=categories["other"], charge_type="C", operating_day=day)

    [incident] = detect(third)

    assert (incident.dimension, incident.key, incident.key_label) == ("operating_day", "2026-09-28", "Sep 28, 2026")


def test_inquiries_have_no_charge_type_or_operating_day(mps, settlements):
    IncidentRule.objects.filter(dimension=IncidentDimension.CATEGORY).update(is_active=False)
    cases = [filed(mp, when=at(i * 0.1), category=settlements) for i, mp in enumerate(mps[:3])]
    assert detect(cases[-1]) == []


def test_withdrawn_and_merged_cases_do_not_count(mps, settlements):
    filed(mps[0], when=at(0), category=settlements)
    withdrawn = filed(mps[1], when=at(0.1), category=settlements)
    Case.objects.filter(pk=withdrawn.pk).update(status=CaseStatus.WITHDRAWN)
    third = filed(mps[2], when=at(0.2), category=settlements)
    assert detect(third) == []


# --- idempotent detection ---------------------------------------------------------------------------------------


def test_detecting_again_proposes_nothing_new(mps, settlements):
    cases = [filed(mp, when=at(i * 0.1), category=settlements) for i, mp in enumerate(mps[:3])]
    assert len(detect(cases[-1])) == 1
    assert detect(cases[-1]) == []
    assert incident_scan(now=at(0.5)) == []
    assert Incident.objects.count() == 1


def test_a_later_case_of_the_key_grows_the_active_incident(mps, settlements):
    cases = [filed(mp, when=at(i * 0.1), category=settlements) for i, mp in enumerate(mps[:3])]
    [incident] = detect(cases[-1])
    fourth = filed(mps[3], when=at(1), category=settlements)

    assert detect(fourth) == []

    incident.refresh_from_db()
    assert incident.cases.count() == 4
    assert incident.participant_count == 4
    assert incident.last_case_at == at(1)


def test_the_same_cluster_under_another_dimension_is_not_proposed_twice(mps, settlements):
    day = datetime.date(2026, 9, 28)
    cases = [
        filed(mp, when=at(i * 0.1), category=settlements, charge_type="Adder", operating_day=day)
        for i, mp in enumerate(mps[:3])
    ]
    proposed = detect(cases[-1])
    assert len(proposed) == 1
    assert Incident.objects.count() == 1


def test_a_dismissed_cluster_is_not_proposed_again(mps, settlements, am_user):
    cases = [filed(mp, when=at(i * 0.1), category=settlements) for i, mp in enumerate(mps[:3])]
    [incident] = detect(cases[-1])
    incident_dismiss(actor=am_user, incident=incident, reason="Three unrelated questions")

    assert detect(cases[-1]) == []
    assert incident_scan(now=at(0.5)) == []
    # New cases of the key count afresh.
    new = [filed(mp, when=at(1 + i * 0.1), category=settlements) for i, mp in enumerate(mps[:3])]
    assert len(detect(new[-1])) == 1


def test_the_scan_finds_what_the_filing_missed(mps, settlements):
    for i, mp in enumerate(mps[:3]):
        filed(mp, when=at(i * 0.1), category=settlements)

    [incident] = incident_scan(now=at(1))

    assert incident.key == "settlements"
    assert incident_scan(now=at(1)) == []


def test_filing_a_case_queues_the_detection_after_commit(
    mps, settlements, django_capture_on_commit_callbacks, participant, mp_user, other_participant, other_mp_user
):
    third_participant = mps[0]
    third_user = MembershipFactory(participant=third_participant).user
    with django_capture_on_commit_callbacks(execute=True):
        for actor, mp in ((mp_user, participant), (other_mp_user, other_participant), (third_user, third_participant)):
            SubmittedCaseFactory(actor=actor, participant=mp, category=settlements)

    [incident] = Incident.objects.all()
    assert incident.participant_count == 3


# --- confirm, dismiss, resolve, link ------------------------------------------------------------------------


@pytest.fixture
def proposed(mps, settlements):
    cases = [filed(mp, when=at(i * 0.1), category=settlements) for i, mp in enumerate(mps[:3])]
    return detect(cases[-1])[0]


def test_confirm_then_resolve(proposed, am_user):
    incident = incident_confirm(actor=am_user, incident=proposed, title="Settlement extract failed", summary="MIS")
    assert (incident.status, incident.title, incident.confirmed_by) == ("open", "Settlement extract failed", am_user)

    incident = incident_resolve(actor=am_user, incident=incident)
    assert incident.status == IncidentStatus.RESOLVED
    assert incident.resolved_at is not None
    verbs = [e.verb for e in AuditEvent.objects.for_object(incident)]
    assert {"incident.confirmed", "incident.resolved"} <= set(verbs)


def test_the_transition_map_refuses_a_skip(proposed, am_user):
    with pytest.raises(DomainError) as refused:
        incident_resolve(actor=am_user, incident=proposed)
    assert refused.value.code == CaseErrorCode.INVALID_TRANSITION


def test_dismiss_needs_a_reason(proposed, am_user):
    with pytest.raises(DomainError) as refused:
        incident_dismiss(actor=am_user, incident=proposed, reason="  ")
    assert refused.value.code == CaseErrorCode.REASON_REQUIRED
    incident = incident_dismiss(actor=am_user, incident=proposed, reason="Not market-wide")
    assert (incident.status, incident.dismissal_reason) == ("dismissed", "Not market-wide")


@pytest.mark.parametrize("group", [StaffGroup.RETAIL_OPERATIONS, StaffGroup.NOTICE_PUBLISHER])
def test_other_staff_groups_are_refused_by_the_service(proposed, group):
    actor = StaffFactory(groups=[group])
    with pytest.raises(DomainError) as refused:
        incident_confirm(actor=actor, incident=proposed)
    assert refused.value.code is None or "Account Managers" in str(refused.value)
    proposed.refresh_from_db()
    assert proposed.status == IncidentStatus.PROPOSED


@pytest.mark.parametrize(
    "group", [StaffGroup.ACCOUNT_MANAGER, StaffGroup.CLIENT_SERVICES_LEAD, StaffGroup.SERVICE_DESK]
)
def test_the_incident_groups_may_confirm(proposed, group):
    assert incident_confirm(actor=StaffFactory(groups=[group]), incident=proposed).status == "open"


def test_link_and_unlink_a_case_of_any_mp(proposed, am_user, registration):
    other = filed(ParticipantFactory(), when=at(20), category=registration)
    incident_link_case(actor=am_user, incident=proposed, case=other)
    incident_link_case(actor=am_user, incident=proposed, case=other)  # again: no change
    proposed.refresh_from_db()
    assert proposed.cases.count() == 4
    assert proposed.participant_count == 4

    incident_unlink_case(actor=am_user, incident=proposed, case=other)
    assert proposed.cases.count() == 3
    with pytest.raises(DomainError) as refused:
        incident_unlink_case(actor=am_user, incident=proposed, case=other)
    assert refused.value.code == CaseErrorCode.NOT_IN_INCIDENT


def test_an_unlinked_case_is_not_linked_back_by_the_detection(proposed, am_user):
    case = proposed.cases.order_by("created_at").first()
    incident_unlink_case(actor=am_user, incident=proposed, case=case)
    incident_scan(now=at(0.5))
    assert not proposed.cases.filter(pk=case.pk).exists()


def test_a_finished_incident_takes_no_links(proposed, am_user):
    incident_dismiss(actor=am_user, incident=proposed, reason="No")
    with pytest.raises(DomainError) as refused:
        incident_link_case(actor=am_user, incident=proposed, case=CaseFactory())
    assert refused.value.code == CaseErrorCode.INCIDENT_CLOSED


# --- one reply to all -------------------------------------------------------------------------------------


@pytest.fixture
def three_mps(participant, mp_user, other_participant, other_mp_user):
    third = ParticipantFactory()
    return [
        (participant, mp_user),
        (other_participant, other_mp_user),
        (third, MembershipFactory(participant=third).user),
    ]


@pytest.fixture
def open_incident(three_mps, settlements, am_user):
    cases = [SubmittedCaseFactory(actor=user, participant=mp, category=settlements) for mp, user in three_mps]
    incident = incident_scan()[0]
    assert set(incident.cases.all()) == set(cases)
    return incident_confirm(actor=am_user, incident=incident)


def test_one_reply_reaches_every_linked_case_and_each_requester(open_incident, am_user):
    result = incident_reply_all(actor=am_user, incident=open_incident, body="The extract was re-posted at 14:00.")

    assert len(result.answered) == 3
    for case in open_incident.cases.all():
        [message] = CaseMessage.objects.filter(case=case, is_internal=False, body="The extract was re-posted at 14:00.")
        assert message.author == am_user
    rows = list(CaseNotification.objects.filter(event=CaseNotification.Event.REPLY).select_related("case"))
    assert sorted(row.case_id for row in rows) == sorted(open_incident.cases.values_list("pk", flat=True))
    cases = list(open_incident.cases.select_related("participant", "submitted_by"))
    for row in rows:  # each requester's email is about their own case only, and names no other MP
        assert row.recipient == row.case.requester_email
        for other in cases:
            if other.pk != row.case_id:
                assert other.reference not in row.subject + row.body
                assert other.participant.legal_name not in row.subject + row.body


def test_the_reply_is_idempotent(open_incident, am_user):
    incident_reply_all(actor=am_user, incident=open_incident, body="Fixed.")
    again = incident_reply_all(actor=am_user, incident=open_incident, body="Fixed.")

    assert again.answered == []
    assert again.already_answered == 3
    assert CaseMessage.objects.filter(body="Fixed.").count() == 3


def test_a_case_linked_later_gets_the_same_reply_once(open_incident, am_user, registration):
    incident_reply_all(actor=am_user, incident=open_incident, body="Fixed.")
    late = SubmittedCaseFactory(actor=am_user, participant=ParticipantFactory(), category=registration, requester=None)
    incident_link_case(actor=am_user, incident=open_incident, case=late)

    result = incident_reply_all(actor=am_user, incident=open_incident, body="Fixed.")

    assert result.answered == [late]


def test_reply_and_resolve_leaves_disputes_open_and_skips_closed_cases(open_incident, am_user, participant, mp_user):
    dispute = SubmittedCaseFactory(actor=mp_user, participant=participant, disputed=True)
    incident_link_case(actor=am_user, incident=open_incident, case=dispute)
    closed = open_incident.cases.exclude(pk=dispute.pk).order_by("pk").first()
    Case.objects.filter(pk=closed.pk).update(status=CaseStatus.CLOSED)

    result = incident_reply_all(actor=am_user, incident=open_incident, body="Corrected.", resolve=True)

    assert [c.pk for c in result.closed] == [closed.pk]
    assert [c.pk for c in result.disputes_left_open] == [dispute.pk]
    assert len(result.resolved) == 2
    statuses = dict(open_incident.cases.values_list("pk", "status"))
    assert statuses[dispute.pk] != CaseStatus.RESOLVED
    assert list(statuses.values()).count(CaseStatus.RESOLVED) == 2


def test_the_reply_is_all_or_nothing(open_incident, am_user, monkeypatch):
    from cases.services import incidents as module

    calls = []
    real = module.case_reply

    def failing(**kwargs):
        calls.append(kwargs["case"].pk)
        if len(calls) == 2:
            raise DomainError("boom")
        return real(**kwargs)

    monkeypatch.setattr(module, "case_reply", failing)
    with pytest.raises(DomainError):
        incident_reply_all(actor=am_user, incident=open_incident, body="Half")
    assert not CaseMessage.objects.filter(body="Half").exists()
    assert not open_incident.replies.exists()


def test_a_proposal_is_not_answered_before_it_is_confirmed(proposed, am_user):
    with pytest.raises(DomainError) as refused:
        incident_reply_all(actor=am_user, incident=proposed, body="Hi")
    assert refused.value.code == CaseErrorCode.INCIDENT_NOT_OPEN


def test_an_empty_reply_is_refused(open_incident, am_user):
    with pytest.raises(DomainError) as refused:
        incident_reply_all(actor=am_user, incident=open_incident, body="  ")
    assert refused.value.code == CaseErrorCode.MESSAGE_REQUIRED
