"""Routing (AM or Service Desk), channels, reassignment, escalation, merge, link and clone."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import StaffGroup
from cases.models import Case, CaseKind, CaseMessage, CaseStatus, Channel, DisputeDetail, NextAction
from cases.services import case_assign, case_clone, case_escalate, case_link, case_merge, case_withdraw
from ercot_services.core.models import AuditEvent, DomainError
from tests.accounts.factories import (
    AccountManagerFactory,
    AssignmentFactory,
    MembershipFactory,
    ParticipantFactory,
    StaffFactory,
)
from tests.case_inputs import submit_case
from tests.cases.factories import dispute_fields

pytestmark = pytest.mark.django_db


def events(case, verb):
    return list(AuditEvent.objects.for_object(case).filter(verb=verb).order_by("created_at", "id"))


# --- routing -------------------------------------------------------------------------------------------


def test_a_new_case_goes_to_the_current_account_manager(inquiry, am_user, mp_user):
    assert inquiry.assignee == am_user
    assert inquiry.queue is None
    assert inquiry.submitted_by == mp_user
    assert inquiry.channel == Channel.PORTAL
    submitted = events(inquiry, "case.submitted")
    assert len(submitted) == 1
    assert submitted[0].actor == mp_user
    assert submitted[0].changes["assignee"] == [None, str(am_user)]
    assert submitted[0].changes["status"] == [None, CaseStatus.NEW]


def test_the_case_follows_a_reassigned_book(submit, participant):
    new_manager = AccountManagerFactory()
    current = participant.am_assignments.current().get()
    current.ended_at = timezone.now()
    current.save()
    AssignmentFactory(participant=participant, account_manager=new_manager)
    assert submit().assignee == new_manager.user


def test_an_mp_without_an_account_manager_goes_to_the_service_desk(registration, service_desk):
    orphan = ParticipantFactory()
    user = MembershipFactory(participant=orphan).user
    case = submit_case(
        actor=user,
        kind=CaseKind.INQUIRY,
        category=registration,
        participant=orphan,
        subject="Hello",
        description="Anyone there?",
    )
    assert case.assignee is None
    assert case.queue == service_desk
    assert events(case, "case.submitted")[0].changes["assignee"] == [None, StaffGroup.SERVICE_DESK]


def test_an_inactive_account_manager_sends_the_case_to_the_service_desk(submit, account_manager, service_desk):
    account_manager.is_active = False
    account_manager.save()
    case = submit()
    assert case.assignee is None
    assert case.queue == service_desk


@pytest.mark.parametrize("with_participant", [False, True])
def test_a_potential_mp_contact_goes_to_the_service_desk(with_participant, participant, registration, service_desk):
    case = submit_case(
        actor=None,
        kind=CaseKind.POTENTIAL_MP,
        category=registration,
        participant=participant if with_participant else None,
        subject="We want to become a REP",
        description="What do we file first?",
        channel=Channel.WEB_FORM,
        contact={"name": "Pat Newco", "email": "pat@newco.example", "company": "Newco Power"},
    )
    assert case.reference.startswith("PMP-")
    assert case.assignee is None
    assert case.queue == service_desk
    assert case.submitted_by is None
    assert case.requester_email == "pat@newco.example"
    assert events(case, "case.submitted")[0].actor is None


def test_a_potential_mp_contact_needs_an_email(registration):
    with pytest.raises(DomainError):
        submit_case(
            actor=None,
            kind=CaseKind.POTENTIAL_MP,
            category=registration,
            subject="Hi",
            description="Call me",
            contact={"name": "Pat"},
        )
    assert not Case.objects.exists()


def test_other_kinds_need_a_participant(registration, mp_user):
    with pytest.raises(DomainError, match="Market Participant"):
        submit_case(actor=mp_user, kind=CaseKind.INQUIRY, category=registration, subject="Hi", description="x")
    assert not Case.objects.exists()


def test_staff_log_a_phone_call_for_a_contact(participant, mp_user, am_user, registration):
    case = submit_case(
        actor=am_user,
        kind=CaseKind.INQUIRY,
        category=registration,
        participant=participant,
        requester=mp_user,
        channel=Channel.PHONE,
        subject="Called about Form B",
        description="Wants to know the review status.",
    )
    assert case.channel == Channel.PHONE
    assert case.submitted_by == mp_user  # the contact, not the AM who typed it
    assert case.assignee == am_user
    assert events(case, "case.submitted")[0].actor == am_user


@pytest.mark.parametrize("channel", [Channel.PHONE, Channel.EMAIL, Channel.MEETING])
def test_participants_cannot_claim_a_staff_channel(submit, channel):
    with pytest.raises(DomainError, match="Only Client Services staff"):
        submit(channel=channel)
    assert not Case.objects.exists()


def test_priority_defaults_to_the_category(submit, categories):
    assert submit(category=categories["credit-financial"]).priority == "high"
    assert submit(category=categories["training"]).priority == "low"
    assert submit(category=categories["training"], priority="urgent").priority == "urgent"


# --- reassign and escalate ------------------------------------------------------------------------------


def test_reassign_records_who_from_whom_and_why(inquiry, am_user, lead):
    colleague = StaffFactory(full_name="Casey Colleague", groups=[StaffGroup.ACCOUNT_MANAGER])
    case_assign(actor=lead, case=inquiry, assignee=colleague, reason="Covering vacation")
    inquiry.refresh_from_db()
    assert inquiry.assignee == colleague
    [event] = events(inquiry, "case.assigned")
    assert event.actor == lead
    assert event.changes["assignee"] == [str(am_user), "Casey Colleague"]
    assert event.reason == "Covering vacation"

    case_assign(actor=lead, case=inquiry, assignee=None, reason="Back to the queue")
    inquiry.refresh_from_db()
    assert inquiry.assignee is None
    assert events(inquiry, "case.assigned")[-1].changes["assignee"] == ["Casey Colleague", ""]


def test_reassigning_to_the_same_person_records_nothing(inquiry, am_user, lead):
    case_assign(actor=lead, case=inquiry, assignee=am_user)
    assert events(inquiry, "case.assigned") == []


def test_cases_are_only_assigned_to_staff(inquiry, lead, other_mp_user, am_user):
    with pytest.raises(DomainError, match="staff"):
        case_assign(actor=lead, case=inquiry, assignee=other_mp_user)
    inquiry.refresh_from_db()
    assert inquiry.assignee == am_user


def test_escalate_to_an_expert_keeps_the_assignee(inquiry, am_user, sme):
    case_escalate(actor=am_user, case=inquiry, reason="Needs a settlements analyst", to_user=sme)
    inquiry.refresh_from_db()
    assert inquiry.escalated_to == sme
    assert inquiry.escalation_reason == "Needs a settlements analyst"
    assert inquiry.assignee == am_user
    [event] = events(inquiry, "case.escalated")
    assert event.actor == am_user
    assert event.reason == "Needs a settlements analyst"
    assert event.changes["escalated_to"] == ["", str(sme)]


def test_escalate_to_a_group(inquiry, am_user):
    group = Group.objects.get(name=StaffGroup.RETAIL_OPERATIONS)
    case_escalate(actor=am_user, case=inquiry, reason="Retail question", to_group=group)
    inquiry.refresh_from_db()
    assert inquiry.escalated_to_group == group
    assert events(inquiry, "case.escalated")[0].changes["escalated_to_group"] == ["", StaffGroup.RETAIL_OPERATIONS]


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"reason": "   ", "to_user": "sme"}, "reason"),
        ({"reason": "Needs help"}, "person or a group"),
    ],
)
def test_escalation_needs_a_reason_and_a_target(inquiry, am_user, sme, kwargs, error):
    if kwargs.get("to_user") == "sme":
        kwargs = {**kwargs, "to_user": sme}
    with pytest.raises(DomainError, match=error):
        case_escalate(actor=am_user, case=inquiry, **kwargs)
    inquiry.refresh_from_db()
    assert inquiry.escalated_to is None and inquiry.escalated_to_group is None
    assert events(inquiry, "case.escalated") == []


def test_participants_cannot_escalate(inquiry, mp_user, sme):
    with pytest.raises(DomainError, match="Only staff"):
        case_escalate(actor=mp_user, case=inquiry, reason="Please hurry", to_user=sme)


def test_a_finished_case_cannot_be_escalated(inquiry, am_user, sme):
    case_withdraw(actor=am_user, case=inquiry, reason="Dup")
    with pytest.raises(DomainError, match="reopen"):
        case_escalate(actor=am_user, case=inquiry, reason="x", to_user=sme)


# --- merge, link, clone ------------------------------------------------------------------------------------


def test_merge_closes_the_duplicate_and_notes_it_on_the_target(submit, am_user):
    target = submit(subject="Form B status")
    duplicate = submit(subject="Form B status again")
    result = case_merge(actor=am_user, source=duplicate, target=target, reason="Same question.")
    assert result == target
    duplicate.refresh_from_db()
    target.refresh_from_db()
    assert duplicate.status == CaseStatus.CLOSED
    assert duplicate.merged_into == target
    assert duplicate.closed_at is not None
    assert duplicate.next_action_by == NextAction.NOBODY
    assert target.status == CaseStatus.NEW
    assert target in duplicate.related.all()

    [note] = CaseMessage.objects.filter(case=target)
    assert note.is_internal
    assert duplicate.reference in note.body
    assert "Same question." in note.body
    assert note.author == am_user

    [merged] = events(duplicate, "case.merged")
    assert merged.changes["status"] == [CaseStatus.NEW, CaseStatus.CLOSED]
    assert merged.changes["merged_into"] == [None, target.reference]
    assert events(target, "case.merge_received")[0].changes["merged"] == [None, duplicate.reference]


def test_merge_only_within_one_market_participant(submit, am_user, other_participant, other_mp_user, registration):
    mine = submit()
    theirs = submit_case(
        actor=other_mp_user,
        kind=CaseKind.INQUIRY,
        category=registration,
        participant=other_participant,
        subject="Ours",
        description="x",
    )
    with pytest.raises(DomainError, match="same Market Participant"):
        case_merge(actor=am_user, source=theirs, target=mine)
    theirs.refresh_from_db()
    assert theirs.status == CaseStatus.NEW
    assert theirs.merged_into is None
    assert not CaseMessage.objects.exists()


def test_merge_refusals(submit, am_user):
    a, b = submit(), submit()
    with pytest.raises(DomainError, match="itself"):
        case_merge(actor=am_user, source=a, target=a)
    case_withdraw(actor=am_user, case=b, reason="dup")
    b.refresh_from_db()
    with pytest.raises(DomainError, match="merge into an open case"):
        case_merge(actor=am_user, source=a, target=b)
    with pytest.raises(DomainError, match="already withdrawn"):
        case_merge(actor=am_user, source=b, target=a)


def test_link_is_symmetrical_and_audited(submit, am_user):
    a, b = submit(), submit()
    case_link(actor=am_user, case=a, other=b)
    assert list(a.related.all()) == [b]
    assert list(b.related.all()) == [a]
    assert events(a, "case.linked")[0].changes["related"] == [None, b.reference]
    assert events(b, "case.linked")[0].changes["related"] == [None, a.reference]
    with pytest.raises(DomainError):
        case_link(actor=am_user, case=a, other=a)


def test_clone_opens_a_related_follow_up(inquiry, am_user, mp_user):
    clone = case_clone(actor=am_user, case=inquiry)
    assert clone.pk != inquiry.pk
    assert clone.reference != inquiry.reference
    assert clone.reference.startswith("INQ-")
    clone.refresh_from_db()
    assert clone.cloned_from == inquiry
    assert list(clone.related.all()) == [inquiry]
    assert list(inquiry.related.all()) == [clone]
    assert clone.participant == inquiry.participant
    assert clone.submitted_by == mp_user
    assert clone.category == inquiry.category
    assert clone.description == inquiry.description
    assert inquiry.reference in clone.subject
    assert clone.status == CaseStatus.NEW
    assert events(inquiry, "case.cloned")[0].changes["clone"] == [None, clone.reference]


def test_cloning_a_dispute_opens_an_inquiry(dispute, am_user):
    clone = case_clone(actor=am_user, case=dispute)
    assert clone.kind == CaseKind.INQUIRY
    assert clone.reference.startswith("INQ-")
    assert not DisputeDetail.objects.filter(case=clone).exists()
    clone.refresh_from_db()
    assert clone.cloned_from == dispute


def test_dispute_fields_are_kept(dispute):
    detail = dispute.dispute
    assert detail.statement_type == dispute_fields()["statement_type"]
    assert detail.disputed_amount == dispute_fields()["disputed_amount"]
    assert not detail.filed_late
