"""The participant summary equals a fresh computation after any sequence of service calls.

A seeded ``random.Random`` drives the services that move a summary column (cases, SLA scans under a moving clock,
registration, enrollments, notices, action items, meetings, feedback) over several MPs; after every step each
summary row must equal what ``compute_summaries`` finds from the source rows. A refused step (a ``DomainError``: a
move the workflow does not allow from where the random walk stands) is part of the walk: it must change nothing.
"""

from __future__ import annotations

import datetime
import random
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from accounts.models import ParticipantSummary
from accounts.roles import StaffGroup
from accounts.services import participant_summaries_roll
from accounts.summary import compute_summaries, summary_parts
from cases.models import Case, CaseStatus
from cases.services import (
    case_acknowledge,
    case_close,
    case_reopen,
    case_reply,
    case_resolve,
    case_sla_scan,
    case_start_work,
    case_wait_on_participant,
    case_withdraw,
)
from ercot_services.core.models import DomainError
from notices.models import Notice, NoticeType
from notices.services import (
    NoticeInput,
    notice_acknowledge,
    notice_approve,
    notice_create,
    notice_follow_up,
    notice_publish,
    notice_submit_for_review,
)
from plans.models import ActionItem, ActionItemStatus, FeedbackChannel, Meeting, MeetingStatus
from plans.services import (
    ActionItemInput,
    MeetingInput,
    action_item_create,
    action_item_transition,
    feedback_record,
    meeting_record_minutes,
    meeting_schedule,
)
from qualification.models import ChangeKind, Enrollment, ParticipantKind
from qualification.services import enrollment_create, enrollment_start_testing, enrollment_withdraw
from registration.models import ApplicationKind, ApplicationStatus
from tests.accounts.factories import AccountManagerFactory, MembershipFactory, ParticipantFactory, StaffFactory
from tests.cases.factories import SubmittedCaseFactory
from tests.qualification.factories import FlightFactory, first_of_month
from tests.registration.conftest import Kit

CT = ZoneInfo("America/Chicago")
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=CT)  # a Monday morning
STEPS = 120
MPS = 4


def assert_summaries_fresh():
    """Every MP's stored row equals a fresh computation of every part (and every MP has a row)."""
    stored = {row.pk: row for row in ParticipantSummary.objects.all()}
    fresh = compute_summaries(sorted(stored), parts=summary_parts(), today=timezone.localdate())
    differences = {
        pk: {
            field: (getattr(stored[pk], field), value)
            for field, value in values.items()
            if getattr(stored[pk], field) != value
        }
        for pk, values in fresh.items()
    }
    assert not {pk: diff for pk, diff in differences.items() if diff}


class World:
    """The MPs, their people and the staff who act on them, and one step per kind of service call."""

    def __init__(self, rng: random.Random, traveller):
        self.rng = rng
        self.traveller = traveller
        self.manager = AccountManagerFactory(user__groups=[StaffGroup.ACCOUNT_MANAGER])
        self.staff = self.manager.user
        self.reviewer = StaffFactory(groups=[StaffGroup.RETAIL_OPERATIONS])
        self.flight_admin = StaffFactory(groups=[StaffGroup.FLIGHT_ADMINISTRATOR])
        self.publishers = [StaffFactory(groups=["Notice Publisher"]) for _ in range(2)]
        self.kit = Kit(reviewer=self.reviewer)
        self.participants = [
            ParticipantFactory(role_codes=["REP", "LSE"] if n % 2 else ["QSE"], account_manager=self.manager)
            for n in range(MPS)
        ]
        self.ars = {mp.pk: MembershipFactory(participant=mp, ar=True).user for mp in self.participants}
        today = timezone.localdate()
        self.flights = [FlightFactory(actor=self.flight_admin, start_date=first_of_month(today, n)) for n in (2, 3)]
        self.notice_type = NoticeType.objects.order_by("pk").first()

    def mp(self):
        return self.rng.choice(self.participants)

    def pick(self, queryset):
        rows = list(queryset.order_by("pk"))
        return self.rng.choice(rows) if rows else None

    # --- cases ------------------------------------------------------------------------------------------------

    def submit_case(self):
        mp = self.mp()
        SubmittedCaseFactory(actor=self.ars[mp.pk], participant=mp)

    def move_case(self):
        case = self.pick(Case.objects.all())
        if case is None:
            return
        move = self.rng.choice(
            [
                lambda: case_acknowledge(actor=self.staff, case=case),
                lambda: case_start_work(actor=self.staff, case=case),
                lambda: case_wait_on_participant(actor=self.staff, case=case),
                lambda: case_resolve(actor=self.staff, case=case, resolution_summary="Answered."),
                lambda: case_close(actor=self.staff, case=case),
                lambda: case_reopen(actor=self.ars[case.participant_id], case=case, reason="Not fixed."),
                lambda: case_withdraw(actor=self.ars[case.participant_id], case=case),
            ]
        )
        move()

    def reply(self):
        case = self.pick(Case.objects.filter(status__in=[CaseStatus.NEW, CaseStatus.IN_PROGRESS]))
        if case is not None:
            internal = self.rng.random() < 0.3
            case_reply(actor=self.staff, case=case, body="We are on it.", internal=internal)

    def time_passes(self):
        """Hours or days go by; the beat scans the SLAs and, after midnight, rolls the time-driven parts."""
        before = timezone.localdate()
        self.traveller.shift(datetime.timedelta(hours=self.rng.choice([3, 9, 26, 80])))
        case_sla_scan()
        if timezone.localdate() != before:
            participant_summaries_roll()

    # --- registration and qualification -------------------------------------------------------------------------

    def registration(self):
        mp = self.mp()
        status = self.rng.choice(
            [
                ApplicationStatus.SUBMITTED,
                ApplicationStatus.APPROVED,
                ApplicationStatus.REJECTED,
                ApplicationStatus.WITHDRAWN,
            ]
        )
        self.kit.build(mp, self.ars[mp.pk], status, kind=ApplicationKind.REVISION)

    def enrollment(self):
        enrollment = self.pick(Enrollment.objects.all())
        if enrollment is None or self.rng.random() < 0.5:
            enrollment_create(
                actor=self.flight_admin,
                flight=self.rng.choice(self.flights),
                participant=self.mp(),
                participant_kind=ParticipantKind.CURRENT,
                change_kind=self.rng.choice([ChangeKind.NEW_TERRITORY, ChangeKind.BANKING]),
            )
        elif self.rng.random() < 0.5:
            enrollment_start_testing(actor=self.flight_admin, enrollment=enrollment)
        else:
            enrollment_withdraw(actor=self.flight_admin, enrollment=enrollment, reason="Not ready.")

    # --- notices --------------------------------------------------------------------------------------------

    def _publish(self, notice):
        other = self.publishers[1] if notice.author_id == self.publishers[0].pk else self.publishers[0]
        notice_submit_for_review(actor=notice.author, notice=notice)
        notice_approve(actor=other, notice=notice)
        return notice_publish(actor=other, notice=notice)

    def publish_notice(self):
        previous = self.pick(Notice.objects.filter(kind=Notice.Kind.ORIGINAL, notice_id__isnull=False))
        if previous is not None and self.rng.random() < 0.25:
            self._publish(notice_follow_up(actor=self.publishers[0], previous=previous, kind=Notice.Kind.CANCELLATION))
            return
        data = NoticeInput(
            notice_type=self.notice_type,
            short_description="Credit exposure recalculated",
            long_description="The operator recalculated the exposure.",
            action_required="Confirm your collateral." if self.rng.random() < 0.7 else "",
            audience_codes=self.rng.choice([(), ("QSE",), ("REP",)]),
        )
        self._publish(notice_create(actor=self.publishers[0], data=data))

    def acknowledge(self):
        notice = self.pick(Notice.objects.exclude(notice_id=None).exclude(action_required=""))
        if notice is not None:
            mp = self.mp()
            notice_acknowledge(actor=self.ars[mp.pk], notice=notice, participant=mp)

    # --- plans ----------------------------------------------------------------------------------------------

    def action_item(self):
        item = self.pick(ActionItem.objects.all())
        if item is None or self.rng.random() < 0.5:
            today = timezone.localdate()
            action_item_create(
                actor=self.staff,
                participant=self.mp(),
                data=ActionItemInput(
                    title="Send the credit letter",
                    owner=self.staff,
                    due_date=today + datetime.timedelta(days=self.rng.randint(-3, 5)),
                ),
            )
        else:
            to = self.rng.choice(
                [ActionItemStatus.IN_PROGRESS, ActionItemStatus.DONE, ActionItemStatus.CANCELLED, ActionItemStatus.OPEN]
            )
            action_item_transition(actor=self.staff, item=item, to=to)

    def meeting(self):
        meeting = self.pick(Meeting.objects.filter(status=MeetingStatus.SCHEDULED))
        if meeting is None or self.rng.random() < 0.5:
            starts = timezone.now() - datetime.timedelta(hours=self.rng.randint(-48, 48))
            meeting_schedule(
                actor=self.staff,
                participant=self.mp(),
                data=MeetingInput(
                    title="Quarterly review", starts_at=starts, ends_at=starts + datetime.timedelta(hours=1)
                ),
            )
        else:
            meeting_record_minutes(actor=self.staff, meeting=meeting, minutes="We reviewed the quarter.")

    def feedback(self):
        feedback_record(
            actor=self.staff,
            participant=self.mp(),
            channel=FeedbackChannel.PHONE,
            rating=self.rng.randint(1, 5),
            comments="Fine.",
        )

    def steps(self):
        return [
            (self.submit_case, 4),
            (self.move_case, 6),
            (self.reply, 2),
            (self.time_passes, 2),
            (self.registration, 1),
            (self.enrollment, 2),
            (self.publish_notice, 1),
            (self.acknowledge, 2),
            (self.action_item, 3),
            (self.meeting, 2),
            (self.feedback, 1),
        ]


@pytest.mark.parametrize("seed", [14, 2026])
def test_random_service_calls_keep_every_summary_equal_to_a_fresh_computation(db, seed):
    rng = random.Random(seed)
    with time_machine.travel(START, tick=False) as traveller:
        world = World(rng, traveller)
        assert_summaries_fresh()
        steps, weights = zip(*world.steps(), strict=True)
        done = refused = 0
        for _ in range(STEPS):
            step = rng.choices(steps, weights=weights)[0]
            try:
                step()
                done += 1
            except DomainError:
                refused += 1
            assert_summaries_fresh()
    # The walk did move things: most steps went through, and the summaries count something.
    assert done > STEPS // 2
    totals = ParticipantSummary.objects.values_list("open_cases", "open_items", "unacknowledged_notices")
    assert any(any(row) for row in totals)
