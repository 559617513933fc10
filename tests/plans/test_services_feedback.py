"""Performance feedback, its follow-up, improvement opportunities, the plan and its objectives."""

import datetime

import pytest

from ercot_services.core.models import AuditEvent, DomainError
from plans.models import FeedbackChannel, ImprovementAction, PerformanceFeedback, PlanObjective
from plans.services import (
    ImprovementActionInput,
    feedback_follow_up,
    feedback_record,
    improvement_action_create,
    improvement_action_set_status,
    objective_create,
    objective_set_status,
    objective_update,
    plan_update,
)

pytestmark = pytest.mark.django_db

FollowUp = PerformanceFeedback.FollowUp


@pytest.mark.parametrize(
    ("rating", "comments", "expected"),
    [
        (5, "", FollowUp.NOT_NEEDED),
        (4, "  ", FollowUp.NOT_NEEDED),
        (4, "Registration took long.", FollowUp.OPEN),
        (3, "", FollowUp.OPEN),
        (1, "", FollowUp.OPEN),
    ],
)
def test_follow_up_is_open_for_ratings_of_three_or_less_or_any_comment(am, participant, rating, comments, expected):
    feedback = feedback_record(
        actor=am, participant=participant, channel=FeedbackChannel.PHONE, rating=rating, comments=comments
    )
    assert feedback.follow_up_status == expected
    assert feedback.recorded_by == am and feedback.submitted_by is None


def test_portal_feedback_is_given_by_the_mp_user_and_tells_the_am(
    participant, contact, am, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        feedback = feedback_record(
            actor=contact, participant=participant, channel=FeedbackChannel.EMAIL, rating=2, comments="Slow answers."
        )
    assert feedback.channel == FeedbackChannel.PORTAL
    assert (feedback.submitted_by, feedback.recorded_by) == (contact, None)
    assert [m.to for m in mailoutbox] == [[am.email]]
    assert "2/5" in mailoutbox[0].subject and "Slow answers." in mailoutbox[0].body
    event = AuditEvent.objects.get(verb="feedback.recorded")
    assert event.participant == participant and event.actor == contact


def test_feedback_is_refused_for_a_company_the_user_does_not_represent(participant, other_mp_user):
    with pytest.raises(DomainError, match="company you represent"):
        feedback_record(actor=other_mp_user, participant=participant, channel="portal", rating=5)


def test_staff_record_feedback_for_a_contact_of_that_mp_only(am, participant, contact, other_mp_user, mailoutbox):
    with pytest.raises(DomainError, match="not an active contact"):
        feedback_record(actor=am, participant=participant, channel="meeting", rating=4, submitted_by=other_mp_user)
    with pytest.raises(DomainError, match="choose how you received it"):
        feedback_record(actor=am, participant=participant, channel="portal", rating=4)
    with pytest.raises(DomainError):
        feedback_record(actor=am, participant=participant, channel="phone", rating=6)
    feedback = feedback_record(actor=am, participant=participant, channel="meeting", rating=4, submitted_by=contact)
    assert feedback.submitted_by == contact
    assert mailoutbox == []  # the AM recorded it: nobody else to tell


def test_following_up_needs_a_description_and_records_who_and_when(am, participant):
    feedback = feedback_record(actor=am, participant=participant, channel="survey", rating=2)
    with pytest.raises(DomainError, match="Describe the follow-up"):
        feedback_follow_up(actor=am, feedback=feedback, follow_up=" ", status=FollowUp.DONE)
    feedback = feedback_follow_up(
        actor=am, feedback=feedback, follow_up="Called the AR; training booked.", status=FollowUp.DONE
    )
    assert feedback.followed_up_by == am and feedback.followed_up_at is not None
    assert AuditEvent.objects.filter(verb="feedback.followed_up").count() == 1


def test_an_improvement_from_low_feedback_moves_through_its_statuses(am, participant, other_participant):
    feedback = feedback_record(
        actor=am, participant=participant, channel="survey", rating=1, comments="Confusing letters."
    )
    foreign = feedback_record(actor=am, participant=other_participant, channel="survey", rating=1)
    with pytest.raises(DomainError, match="feedback belongs to another"):
        improvement_action_create(
            actor=am,
            participant=participant,
            data=ImprovementActionInput(kind="training", title="x", owner=am, due_date=datetime.date(2027, 1, 15)),
            feedback=foreign,
        )
    action = improvement_action_create(
        actor=am,
        participant=participant,
        data=ImprovementActionInput(
            kind=ImprovementAction.Kind.MARKET_COMMUNICATION,
            title="Plain-language qualification letters",
            owner=am,
            due_date=datetime.date(2027, 1, 15),
        ),
        feedback=feedback,
    )
    assert action.feedback == feedback
    action = improvement_action_set_status(actor=am, action=action, status=ImprovementAction.Status.IN_PROGRESS)
    action = improvement_action_set_status(actor=am, action=action, status=ImprovementAction.Status.DONE)
    with pytest.raises(DomainError, match="cannot become Cancelled"):
        improvement_action_set_status(actor=am, action=action, status=ImprovementAction.Status.CANCELLED)
    assert AuditEvent.objects.filter(verb="improvement_action.status_changed").count() == 2


def test_the_plan_and_its_objectives(am, participant, contact):
    plan = plan_update(actor=am, participant=participant, summary="Growing retail book.", next_review_date=None)
    assert plan.updated_by == am
    assert (
        plan_update(actor=am, participant=participant, summary="Growing retail book.", next_review_date=None).pk
        == plan.pk
    )
    assert AuditEvent.objects.filter(verb="plan.updated").count() == 1
    with pytest.raises(DomainError, match="Only Client Services staff"):
        plan_update(actor=contact, participant=participant, summary="Ours now", next_review_date=None)

    objective = objective_create(actor=am, participant=participant, kind="issue", title="Repeated usage disputes")
    assert objective.plan == plan
    objective = objective_update(
        actor=am,
        objective=objective,
        title="Repeated usage disputes with TDSP",
        description="",
        target_date=datetime.date(2027, 3, 31),
        kind="issue",
    )
    objective = objective_set_status(actor=am, objective=objective, status=PlanObjective.Status.ACHIEVED)
    with pytest.raises(DomainError, match="cannot become Dropped"):
        objective_set_status(actor=am, objective=objective, status=PlanObjective.Status.DROPPED)
    verbs = set(AuditEvent.objects.filter(participant=participant).values_list("verb", flat=True))
    assert {"plan.updated", "objective.created", "objective.updated", "objective.status_changed"} <= verbs
