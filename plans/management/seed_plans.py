"""The plan management section of ``seed_demo``: an account plan for every MP with an AM.

Each plan gets a summary, objectives and issues, action items owned by staff and by MP contacts (some done,
some overdue, some about a case, a registration application or a qualification enrollment of that MP),
meetings (held ones with shared minutes and follow-up items, upcoming ones scheduled), performance
feedback with varied ratings, and an improvement opportunity where the feedback was low.

Everything goes through :mod:`plans.services` with the outbox suppressed (no invitations or
reminders leave for demo history); afterwards creation times are moved into the past so lists and
timelines read naturally. Idempotent: skipped when the demo MPs already have account plans.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from accounts.models import MarketParticipant, Membership, ParticipantStatus, User
from accounts.selectors import current_manager, with_current_manager
from cases.models import Case, IssuePattern
from ercot_services.core.calendar import BusinessCalendar, business_calendar
from ercot_services.core.outbox import outbox_suppressed
from qualification.models import Enrollment
from registration.models import Application

from ..models import (
    AccountPlan,
    ActionItemStatus,
    FeedbackChannel,
    ImprovementAction,
    Meeting,
    PerformanceFeedback,
    PlanObjective,
)
from ..services import (
    ActionItemInput,
    ImprovementActionInput,
    MeetingInput,
    action_item_create,
    action_item_transition,
    feedback_follow_up,
    feedback_record,
    improvement_action_create,
    meeting_record_minutes,
    meeting_schedule,
    objective_create,
    objective_set_status,
    plan_update,
)

SUMMARIES = [
    "{name} is a {roles} growing its residential book in the {territory} territory. Focus this year: clean "
    "settlement disputes and a smooth next market-testing flight.",
    "{name} ({roles}) is stable in day-to-day operations. The relationship priorities are faster answers on "
    "settlement questions and keeping registration data current after its recent organisation changes.",
    "{name} operates as {roles}. It plans to expand into new service territories within the year; the AM "
    "coordinates registration revisions, flight testing and credit questions ahead of that.",
    "{name} ({roles}) had a difficult quarter with repeated data discrepancies. The plan targets the root causes "
    "with its trading partners and regular check-ins until they stop.",
]
OBJECTIVES = [
    (
        "objective",
        "Qualify in the next retail market testing flight",
        "Form B revision, test scripts and trading partner contacts ready before the application deadline.",
    ),
    (
        "objective",
        "Register as QSE for its own load",
        "Form G and Form H, credit requirements and connectivity testing.",
    ),
    (
        "objective",
        "Expand into the {territory} service territory",
        "Notice of Change of Information, trading partner testing and certificates.",
    ),
    (
        "issue",
        "Repeated usage and billing disputes",
        "Several disputes in a few weeks point at a process gap with the TDSP; needs a joint review.",
    ),
    (
        "issue",
        "Late responses to collateral calls",
        "Two collateral calls answered on the last day; agree on contacts and escalation.",
    ),
    ("issue", "Registration data out of date", "Authorized Representative left the company; backup AR not confirmed."),
]
STAFF_ITEMS = [
    "Send the flight {flight} checklist and test scripts",
    "Review the open settlement disputes with Settlements",
    "Confirm the credit contact list with Credit",
    "Prepare the quarterly account review deck",
    "Follow up with Retail Operations on the pending application",
    "Arrange a training session on the settlement extracts",
    "Check the digital certificate renewal with the USA",
]
CONTACT_ITEMS = [
    "Return the signed Notice of Change of Information (Form E)",
    "Confirm the Backup Authorized Representative",
    "Send the updated QSE acknowledgement (Form H)",
    "Provide trading partner test contacts",
    "Renew the digital certificate on the MIS",
    "Review the disputed Operating Days with the TDSP",
]
MEETING_TITLES = [
    "Quarterly account review",
    "Flight readiness check-in",
    "Settlement disputes working session",
    "Registration revision walkthrough",
    "Credit and collateral review",
]
AGENDAS = [
    "1. Open cases and disputes\n2. Registration changes\n3. Upcoming market notices\n4. Feedback on our service",
    "1. Flight timeline and deadlines\n2. Test scripts and trading partners\n3. Questions",
    "1. Disputed Operating Days\n2. Root cause with the TDSP\n3. Next steps",
]
MINUTES = [
    "Reviewed the open cases: two resolved, one waiting on the MP. The MP will confirm its Backup AR; "
    "Client Services sends the flight checklist. Next review in three months.",
    "Walked through the flight timeline. The MP has its test contacts; it asked for the updated test scripts. "
    "Agreed action items below.",
    "Went through the disputed Operating Days. The root cause is a meter exchange not reflected in the "
    "TDSP's usage; the MP will follow up with the TDSP, Client Services with Settlements.",
]
FEEDBACK = [
    (5, ""),
    (5, "Always quick to answer and very knowledgeable."),
    (4, ""),
    (4, "Good support during the flight; the test scripts came a bit late."),
    (3, "Settlement answers take too long."),
    (2, "We had to chase the registration status several times."),
    (1, "The qualification letter process was confusing and nobody told us what was missing."),
]
FOLLOW_UPS = [
    "Called the AR, walked through the open items and agreed on weekly updates until they are closed.",
    "Explained the process and sent the checklist; the MP confirmed it is clear now.",
]


def _moment(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=timezone.get_default_timezone())


@dataclass
class _Section:
    """What every MP's plan is seeded with: the demo context, the section's generator, the calendar and today."""

    ctx: object
    rng: random.Random
    calendar: BusinessCalendar
    today: datetime.date


@dataclass
class _Mp:
    """One MP being given a plan, its AM (who plans it) and what its items may name or link to."""

    participant: MarketParticipant
    am: User
    contacts: list[User]
    applications: list[Application]
    enrollments: list[Enrollment]
    cases: list[Case]


def seed_plans(ctx) -> None:
    participants = [
        mp
        for mp in with_current_manager(
            MarketParticipant.objects.exclude(status=ParticipantStatus.PROSPECTIVE).order_by("short_name")
        )
        if current_manager(mp) is not None
    ]
    if not participants or AccountPlan.objects.filter(participant__in=participants).exists():
        return
    section = _Section(ctx, ctx.section_rng("plans"), business_calendar(), timezone.localdate())
    mps = _mps(participants)
    with outbox_suppressed():
        for mp in mps:
            _seed_one(section, mp)
            ctx.created["account plans"] += 1


def _mps(participants: list[MarketParticipant]) -> list[_Mp]:
    """The MPs with their contacts (active, each person once), applications, enrollments and latest cases."""
    contacts: dict[int, list] = {}
    for membership in Membership.objects.active().select_related("user").order_by("pk"):
        if membership.user not in contacts.setdefault(membership.participant_id, []):
            contacts[membership.participant_id].append(membership.user)
    applications: dict[int, list] = {}
    for application in Application.objects.filter(participant__in=participants).order_by("pk"):
        applications.setdefault(application.participant_id, []).append(application)
    enrollments: dict[int, list] = {}
    for enrollment in Enrollment.objects.filter(participant__in=participants).order_by("pk"):
        enrollments.setdefault(enrollment.participant_id, []).append(enrollment)
    cases = {participant.pk: list(participant.cases.order_by("-created_at")[:5]) for participant in participants}
    return [
        _Mp(
            participant=participant,
            am=current_manager(participant).user,
            contacts=contacts.get(participant.pk, []),
            applications=applications.get(participant.pk, []),
            enrollments=enrollments.get(participant.pk, []),
            cases=cases[participant.pk],
        )
        for participant in participants
    ]


def _seed_one(section: _Section, mp: _Mp) -> None:
    """The plan, its objectives, meetings (held ones first), action items and feedback, then the history backdated."""
    objectives = _plan_and_objectives(section, mp)
    meetings = _meetings(section, mp, objectives)
    held = [meeting for meeting in meetings if meeting.minutes]
    _action_items(section, mp, objectives, held)
    _feedback(section, mp, held)
    _backdate(section.rng, mp.participant, section.today)


def _plan_and_objectives(section: _Section, mp: _Mp) -> list[PlanObjective]:
    rng, today, participant = section.rng, section.today, mp.participant
    territory = participant.service_territories.order_by("code").values_list("name", flat=True).first() or "Oncor"
    roles = "/".join(participant.role_codes()) or "market participant"
    plan_update(
        actor=mp.am,
        participant=participant,
        summary=rng.choice(SUMMARIES).format(name=participant.legal_name, roles=roles, territory=territory),
        next_review_date=today + datetime.timedelta(days=rng.randint(20, 100)),
    )
    objectives = []
    for kind, title, description in rng.sample(OBJECTIVES, rng.randint(1, 3)):
        objective = objective_create(
            actor=mp.am,
            participant=participant,
            kind=kind,
            title=title.format(territory=territory),
            description=description,
            target_date=today + datetime.timedelta(days=rng.randint(30, 200)),
        )
        objectives.append(objective)
    if len(objectives) > 1 and rng.random() < 0.4:
        objective_set_status(actor=mp.am, objective=objectives[-1], status=PlanObjective.Status.ACHIEVED)
    return objectives


def _meetings(section: _Section, mp: _Mp, objectives: list[PlanObjective]) -> list[Meeting]:
    """Held meetings (minutes recorded, most of them shared) and upcoming ones; the first one is always held."""
    rng, today = section.rng, section.today
    meetings = []
    for index in range(rng.randint(1, 3)):
        past = index == 0 or rng.random() < 0.5
        day = section.calendar.next_business_day(
            today + datetime.timedelta(days=(-rng.randint(10, 80) if past else rng.randint(3, 40)))
        )
        hour = rng.choice([9, 10, 13, 14, 15])
        invited = mp.contacts[: rng.randint(1, 2)] + ([section.ctx.lead] if rng.random() < 0.3 else [])
        meeting = meeting_schedule(
            actor=mp.am,
            participant=mp.participant,
            data=MeetingInput(
                title=rng.choice(MEETING_TITLES),
                starts_at=_moment(day, hour),
                ends_at=_moment(day, hour + 1),
                agenda=rng.choice(AGENDAS),
                location=rng.choice(["ERCOT Taylor, Met Center room 206", "ERCOT Austin office", ""]),
                dial_in="https://meet.ercot.example/j/" + "".join(rng.choice("0123456789") for _ in range(9)),
                attendees=invited,
                objective=rng.choice(objectives) if rng.random() < 0.5 else None,
            ),
        )
        if past:
            meeting = meeting_record_minutes(
                actor=mp.am, meeting=meeting, minutes=rng.choice(MINUTES), share=rng.random() < 0.8
            )
        meetings.append(meeting)
    return meetings


def _action_items(section: _Section, mp: _Mp, objectives: list[PlanObjective], held: list[Meeting]) -> None:
    """A mix of staff- and MP-owned items, some overdue, some done, some linked to a case, application or
    enrollment of the MP, some agreed at a held meeting."""
    rng, today, am, contacts = section.rng, section.today, mp.am, mp.contacts
    flight = f"{(today.month % 12) + 1:02d}{today.year % 100:02d}"
    for index in range(rng.randint(2, 6)):
        participant_side = contacts and rng.random() < 0.45
        owner = rng.choice(contacts) if participant_side else (section.ctx.lead if rng.random() < 0.15 else am)
        title = rng.choice(CONTACT_ITEMS if participant_side else STAFF_ITEMS).format(flight=flight)
        links = {}
        roll = rng.random()
        if roll < 0.2 and mp.cases:
            links["case"] = rng.choice(mp.cases)
        elif roll < 0.35 and mp.applications:
            links["application"] = rng.choice(mp.applications)
        elif roll < 0.45 and mp.enrollments:
            links["enrollment"] = rng.choice(mp.enrollments)
        due = today + datetime.timedelta(days=rng.randint(-20, 30))
        item = action_item_create(
            actor=am,
            participant=mp.participant,
            data=ActionItemInput(
                title=title,
                owner=owner,
                due_date=due,
                description="Agreed in the account review." if index % 2 else "",
                objective=rng.choice(objectives) if rng.random() < 0.5 else None,
                **links,
            ),
            meeting=rng.choice(held) if held and rng.random() < 0.5 else None,
        )
        fate = rng.random()
        if fate < 0.3:
            # MP contacts mark their own items done in the portal about half the time; otherwise the AM does.
            completer = owner if participant_side and rng.random() < 0.5 else am
            action_item_transition(
                actor=completer, item=item, to=ActionItemStatus.DONE, note="Done and confirmed with the MP."
            )
        elif fate < 0.45:
            action_item_transition(actor=am, item=item, to=ActionItemStatus.IN_PROGRESS)


def _feedback(section: _Section, mp: _Mp, held: list[Meeting]) -> None:
    """Performance feedback, followed up when needed; the first rating of 2 or less becomes an improvement."""
    rng, am, contacts = section.rng, mp.am, mp.contacts
    low = None
    for _ in range(rng.randint(0, 3)):
        rating, comments = rng.choice(FEEDBACK)
        by_portal = contacts and rng.random() < 0.4
        feedback = feedback_record(
            actor=rng.choice(contacts) if by_portal else am,
            participant=mp.participant,
            channel=FeedbackChannel.PORTAL
            if by_portal
            else rng.choice(
                [FeedbackChannel.MEETING, FeedbackChannel.PHONE, FeedbackChannel.EMAIL, FeedbackChannel.SURVEY]
            ),
            rating=rating,
            comments=comments,
            submitted_by=None if by_portal or not contacts else rng.choice(contacts),
            meeting=held[0] if held and not by_portal and rng.random() < 0.3 else None,
        )
        if feedback.follow_up_status == PerformanceFeedback.FollowUp.OPEN and rng.random() < 0.5:
            feedback_follow_up(
                actor=am, feedback=feedback, follow_up=rng.choice(FOLLOW_UPS), status=PerformanceFeedback.FollowUp.DONE
            )
        if rating <= 2 and low is None:
            low = feedback
    if low is not None:
        improvement_action_create(
            actor=am,
            participant=mp.participant,
            data=ImprovementActionInput(
                kind=rng.choice(list(ImprovementAction.Kind.values)),
                title=f"Act on {mp.participant.short_name}'s feedback: {low.comments[:80] or 'low rating'}",
                description="Opportunity to improve service shown by the MP's performance feedback.",
                owner=am,
                due_date=section.today + datetime.timedelta(days=rng.randint(10, 45)),
            ),
            feedback=low,
        )


def _backdate(rng, participant, today) -> None:
    """Move creation times of the demo history into the past (the services stamp them with the seed run)."""
    tz = timezone.get_default_timezone()
    for feedback in PerformanceFeedback.objects.filter(participant=participant).only("pk"):
        moment = datetime.datetime.combine(
            today - datetime.timedelta(days=rng.randint(5, 200)), datetime.time(11), tzinfo=tz
        )
        PerformanceFeedback.objects.filter(pk=feedback.pk).update(created_at=moment)
    for meeting in Meeting.objects.filter(participant=participant).only("pk", "starts_at"):
        created = min(meeting.starts_at, timezone.now()) - datetime.timedelta(days=rng.randint(7, 21))
        Meeting.objects.filter(pk=meeting.pk).update(created_at=created)
        if meeting.starts_at < timezone.now():
            Meeting.objects.filter(Q(pk=meeting.pk) & Q(minutes_shared_at__isnull=False)).update(
                minutes_shared_at=meeting.ends_at + datetime.timedelta(days=1)
            )


def action_old_patterns(rng, now) -> None:
    """Patterns older than a month have been dealt with: each gets an improvement action.

    ``seed_cases`` calls it (given by ``seed_demo``) right after detecting the patterns, with the cases' random
    generator, so the demo data stay what they were when cases and plans were one app.
    """
    kinds = [
        ImprovementAction.Kind.TRAINING,
        ImprovementAction.Kind.PROCESS_CHANGE,
        ImprovementAction.Kind.MARKET_COMMUNICATION,
    ]
    old = IssuePattern.objects.filter(
        status=IssuePattern.Status.OPEN, last_case_at__lt=now - datetime.timedelta(days=30)
    ).select_related("participant", "category")
    for pattern in old:
        owner = current_manager(pattern.participant)
        if owner is None:
            continue
        kind = rng.choice(kinds)
        improvement_action_create(
            actor=owner.user,
            participant=pattern.participant,
            data=ImprovementActionInput(
                kind=kind,
                title=f"{ImprovementAction.Kind(kind).label}: {pattern.category.name} for "
                f"{pattern.participant.short_name}",
                description=f"{pattern.case_count} {pattern.category.name} cases in {pattern.window_days} days.",
                owner=owner.user,
                due_date=(now + datetime.timedelta(days=rng.randint(-10, 30))).date(),
            ),
            pattern=pattern,
        )
