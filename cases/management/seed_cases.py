"""The cases section of ``seed_demo``: a few hundred cases across kinds, states and SLA states.

Cases are opened and moved through the real services with explicit times in
the past, so SLA clocks, audit timelines and patterns are what they would be.
Emails of the demo history are not sent (the outbox is suppressed while
this section runs). Idempotent: skipped when the demo MPs already have cases.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from accounts.models import MarketParticipant, Membership, ParticipantStatus
from ercot_services.core.calendar import BusinessCalendar, business_calendar
from ercot_services.core.outbox import outbox_suppressed

from ..models import (
    Case,
    CaseCategory,
    CaseKind,
    CaseSettings,
    Channel,
    DisputeOutcome,
    StatementType,
    decision_close_refusal,
)
from ..services import (
    ContactRequestInput,
    DisputeInput,
    InquiryInput,
    ServiceRequestInput,
    case_acknowledge,
    case_close,
    case_reply,
    case_resolve,
    case_sla_scan,
    case_start_work,
    contact_request_submit,
    dispute_resolve,
    dispute_submit,
    incident_scan,
    inquiry_submit,
    service_request_submit,
)
from ..services.decisions import decision_accept_lapsed
from .seed_decisions import seed_decisions
from .seed_dispute_days import seed_dispute_days
from .seed_inbound import seed_inbound
from .seed_surveys import seed_survey_answers

INQUIRY_SUBJECTS = {
    "registration": [
        "Adding a Backup AR to our registration",
        "Status of our Notice of Change of Information",
        "Which forms for a new DBA?",
    ],
    "qualification": [
        "Flight 0226 test scripts",
        "When will our qualification letter be issued?",
        "Retesting after a service provider change",
    ],
    "market-rules": [
        "Interpretation of Protocol Section 9 timing",
        "Switch hold rules for move-ins",
        "Clarification on mass transition rules",
    ],
    "settlements": [
        "RTM Initial statement variance for Operating Day",
        "Missing usage on True-Up statement",
        "Settlement extract fields changed",
    ],
    "credit-financial": [
        "TPE jumped after ERS resettlement",
        "Collateral call timing question",
        "ACL summary report shows unexpected EAL",
    ],
    "retail-market": [
        "Inadvertent gain with a TDSP partner",
        "Missing enrollment transactions (814_16)",
        "Usage/billing dispute with Oncor",
    ],
    "connectivity-certificates": [
        "Digital certificate renewal for our USA",
        "NAESB EDM endpoint change",
        "Certificate expired on MIS",
    ],
    "training": ["Training on the new settlement extracts", "Onboarding session for new settlement analyst"],
    "market-information": ["Where is the DAM price report archived?", "Report posting delayed on MIS"],
    "other": ["Update our company mailing address", "Question about a market notice"],
}
CHARGE_TYPES = [
    "Real-Time Energy Imbalance",
    "Day-Ahead Energy Purchase",
    "Ancillary Service Obligation",
    "Congestion Revenue Rights",
    "Invoice late fee",
]


def _business_moment(rng: random.Random, calendar, day: datetime.date) -> datetime.datetime:
    day = calendar.next_business_day(day)
    tz = timezone.get_default_timezone()
    return datetime.datetime.combine(day, datetime.time(rng.randint(8, 15), rng.choice([0, 15, 30, 45])), tzinfo=tz)


@dataclass
class _Run:
    """What every step of the cases section reads: the seeded random source, the calendar and the moment."""

    rng: random.Random
    calendar: BusinessCalendar
    categories: dict[str, CaseCategory]
    contacts: dict[int, list]
    today: datetime.date
    now: datetime.datetime
    reopen_days: int


def seed_cases(ctx, *, act_on_old_patterns=None) -> None:
    participants = list(MarketParticipant.objects.exclude(status=ParticipantStatus.PROSPECTIVE).order_by("short_name"))
    if not participants or Case.objects.filter(participant__in=participants).exists():
        return
    contacts = {}
    for membership in Membership.objects.active().select_related("user").order_by("pk"):
        contacts.setdefault(membership.participant_id, []).append(membership.user)
    run = _Run(
        rng=ctx.section_rng("cases"),
        calendar=business_calendar(),
        categories={c.code: c for c in CaseCategory.objects.all()},
        contacts=contacts,
        today=timezone.localdate(),
        now=timezone.now(),
        reopen_days=CaseSettings.load().reopen_window_days,
    )
    with outbox_suppressed():
        made = sum(_seed_participant_history(run, participant) for participant in participants)
        made += _seed_pattern(run, participants)
        made += seed_dispute_days(participants=participants, contacts=contacts, today=run.today, now=run.now)
        made += _seed_contact_requests(run)
        registered = [run.contacts[p.pk][0] for p in participants if p.is_registered and run.contacts.get(p.pk)]
        made += seed_inbound(now=run.now, contact=registered[0] if registered else None)
        made += _seed_incident(run, participants)
        decision_accept_lapsed(now=run.now)  # old unanswered decisions stand (cases.services.decisions)
        made += seed_decisions(calendar=run.calendar, now=run.now)
        case_sla_scan(now=run.now)
        incident_scan(now=run.now)
        seed_survey_answers(ctx.section_rng("surveys"), run.now)
        if act_on_old_patterns is not None:
            act_on_old_patterns(run.rng, run.now)
        _date_last_updates()
    ctx.created["cases"] += made


def _seed_participant_history(run: _Run, participant) -> int:
    """7 to 12 cases of one MP opened over the last months, each moved along as far as its age makes believable. An MP
    that is not registered yet files none (the portal offers it registration, not cases)."""
    requesters = run.contacts.get(participant.pk)
    if not requesters or not participant.is_registered:
        return 0
    count = run.rng.randint(7, 12)
    for _ in range(count):
        age_days = int(run.rng.triangular(1, 180, 25))
        opened = _business_moment(run.rng, run.calendar, run.today - datetime.timedelta(days=age_days))
        if opened >= run.now:
            opened = run.now - datetime.timedelta(hours=2)
        case = _open_case(run, participant, requesters, opened)
        _progress(run, case, opened, age_days)
    return count


def _open_case(run: _Run, participant, requesters, opened: datetime.datetime) -> Case:
    """An inquiry, dispute or service request of a random contact, in a random category."""
    rng = run.rng
    kind = rng.choices([CaseKind.INQUIRY, CaseKind.DISPUTE, CaseKind.SERVICE_REQUEST], weights=[70, 20, 10])[0]
    code = "settlements" if kind == CaseKind.DISPUTE else rng.choice(list(INQUIRY_SUBJECTS))
    requester = rng.choice(requesters)
    subject = rng.choice(INQUIRY_SUBJECTS[code])
    dispute = _dispute_fields(rng, opened) if kind == CaseKind.DISPUTE else {}
    if dispute:
        subject = f"{StatementType(dispute['statement_type']).label} dispute, Operating Day {dispute['operating_day']:%b %d, %Y}"
    common = {
        "category": run.categories[code],
        "subject": subject,
        "description": f"{subject}. Details provided by {requester.full_name} of {participant.legal_name}.",
        "participant": participant,
        "requester": requester,
        "channel": Channel.PORTAL,
    }
    if kind == CaseKind.DISPUTE:
        return dispute_submit(actor=requester, dispute=DisputeInput(**common, **dispute), now=opened)
    if kind == CaseKind.SERVICE_REQUEST:
        return service_request_submit(actor=requester, service_request=ServiceRequestInput(**common), now=opened)
    return inquiry_submit(actor=requester, inquiry=InquiryInput(**common), now=opened)


def _dispute_fields(rng: random.Random, opened: datetime.datetime) -> dict:
    statement_type = rng.choice([StatementType.DAM, StatementType.INVOICE, StatementType.INITIAL])
    operating_day = opened.date() - datetime.timedelta(days=rng.randint(5, 25))
    return {
        "operating_day": operating_day,
        "statement_type": statement_type,
        "statement_date": opened.date() - datetime.timedelta(days=rng.randint(1, 4)),
        "charge_type": rng.choice(CHARGE_TYPES),
        "disputed_amount": Decimal(rng.randint(500, 250000)) + Decimal("0.25"),
        "statement_reference": f"{statement_type.upper()}-{operating_day:%Y%m%d}-{rng.randint(100, 999)}",
    }


def _seed_pattern(run: _Run, participants) -> int:
    """A clear pattern: one REP files four settlement inquiries in two weeks."""
    rep = next((p for p in participants if p.has_role("REP") and run.contacts.get(p.pk)), None)
    if rep is None:
        return 0
    for offset in (12, 9, 5, 2):
        opened = _business_moment(run.rng, run.calendar, run.today - datetime.timedelta(days=offset))
        inquiry_submit(
            actor=run.contacts[rep.pk][0],
            inquiry=InquiryInput(
                category=run.categories["settlements"],
                subject=f"Missing usage on True-Up statement (ESI IDs batch {offset})",
                description="The True-Up statement is missing usage for several ESI IDs again.",
                participant=rep,
            ),
            now=min(opened, run.now - datetime.timedelta(hours=1)),
        )
    return 4


INCIDENT_CHARGE_TYPE = "Real-Time Reliability Deployment Price Adder"


def _seed_incident(run: _Run, participants) -> int:
    """A market incident to look at: three MPs dispute the same charge type within three days (the detection at the
    end of the section proposes it; cases/services/incidents.py)."""
    filers = [p for p in participants if p.is_registered and run.contacts.get(p.pk)][:3]
    if len(filers) < 3:
        return 0
    for offset, participant in zip((3, 2, 1), filers, strict=True):
        opened = min(
            _business_moment(run.rng, run.calendar, run.today - datetime.timedelta(days=offset)),
            run.now - datetime.timedelta(hours=1),
        )
        operating_day = opened.date() - datetime.timedelta(days=offset + 2)
        dispute_submit(
            actor=run.contacts[participant.pk][0],
            dispute=DisputeInput(
                category=run.categories["settlements"],
                subject=f"{INCIDENT_CHARGE_TYPE} charged twice, Operating Day {operating_day:%b %d, %Y}",
                description="The adder appears twice on our Day-Ahead statement for the same intervals.",
                participant=participant,
                requester=run.contacts[participant.pk][0],
                operating_day=operating_day,
                statement_type=StatementType.DAM,
                statement_date=opened.date() - datetime.timedelta(days=1),
                charge_type=INCIDENT_CHARGE_TYPE,
                disputed_amount=Decimal("18250.00"),
                statement_reference=f"DAM-{operating_day:%Y%m%d}-777",
            ),
            now=opened,
        )
    return len(filers)


POTENTIAL_MPS = [
    ("Hannah Ortiz", "Sundance Solar Retail", "hannah.ortiz@sundancesolar.example", "How do we register as a REP?"),
    ("Victor Chen", "Gulf Breeze Storage", "victor.chen@gulfbreeze.example", "Registering a battery Resource Entity"),
    ("Amelia Ross", "Frontier Power Marketing", "amelia.ross@frontierpm.example", "QSE qualification timeline"),
]


def _seed_contact_requests(run: _Run) -> int:
    """Companies not yet in the market asking Client Relations to contact them (the public contact form)."""
    for name, company, email, subject in POTENTIAL_MPS:
        contact = ContactRequestInput(
            category=run.categories["registration"],
            subject=subject,
            description=f"{name} of {company} would like to enter the ERCOT market. {subject}",
            channel=Channel.WEB_FORM,
            name=name,
            email=email,
            company=company,
        )
        contact_request_submit(
            actor=None, contact=contact, now=run.now - datetime.timedelta(days=run.rng.randint(1, 6))
        )
    return len(POTENTIAL_MPS)


def _date_last_updates() -> None:
    """``updated_at`` is the seed run's time; make it the time of each case's last recorded event."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Max

    from ercot_services.core.models import AuditEvent

    last = dict(
        AuditEvent.objects.filter(target_content_type=ContentType.objects.get_for_model(Case))
        .values_list("target_object_id")
        .annotate(last=Max("created_at"))
        .values_list("target_object_id", "last")
    )
    for case in Case.objects.only("pk"):
        if str(case.pk) in last:
            Case.objects.filter(pk=case.pk).update(updated_at=last[str(case.pk)])


def _progress(run: _Run, case: Case, opened: datetime.datetime, age_days: int) -> None:
    """Move a case along a believable path; older cases are further along."""
    staff, rng = case.assignee, run.rng
    if staff is None:
        return

    def at(hours: float) -> datetime.datetime:
        return min(opened + datetime.timedelta(hours=hours), run.now - datetime.timedelta(minutes=5))

    roll = rng.random()
    if age_days <= 5 and roll < 0.45:
        return  # still New
    first_touch = rng.uniform(0.3, 2.5) if rng.random() < 0.85 else rng.uniform(4, 30)
    case_acknowledge(actor=staff, case=case, now=at(first_touch))
    if age_days <= 12 and roll < 0.6:
        return
    body = "Thanks, we are looking into this with the subject-matter experts."
    case_reply(actor=staff, case=case, body=body, now=at(first_touch + 0.2))
    case_start_work(actor=staff, case=case, now=at(first_touch + 0.5))
    if roll < 0.15:
        body = "Could you send the ESI IDs and Operating Days affected?"
        case_reply(actor=staff, case=case, body=body, wait_on_participant=True, now=at(20))
        return
    if roll < 0.3 and age_days < 30:
        return  # in progress; old ones breach
    if roll < 0.35:
        return  # in progress long enough to breach
    resolved_at = at(rng.uniform(4, 50))
    _resolve(rng, staff, case, resolved_at)
    if (run.now - resolved_at).days > run.reopen_days and rng.random() < 0.8 and not decision_close_refusal(case):
        case_close(actor=staff, case=case, now=at(rng.uniform(80, 200)))


def _resolve(rng: random.Random, staff, case: Case, resolved_at: datetime.datetime) -> None:
    """A dispute with a random outcome (and the granted amount it implies), anything else with a summary."""
    if case.kind != CaseKind.DISPUTE:
        summary = "Answered with the relevant Protocol section and a corrected extract."
        case_resolve(actor=staff, case=case, now=resolved_at, resolution_summary=summary)
        return
    outcome = rng.choice([DisputeOutcome.GRANTED, DisputeOutcome.GRANTED_WITH_EXCEPTIONS, DisputeOutcome.DENIED])
    disputed = case.dispute.disputed_amount
    granted = {
        DisputeOutcome.GRANTED: disputed,
        DisputeOutcome.GRANTED_WITH_EXCEPTIONS: (disputed * Decimal("0.6")).quantize(Decimal("0.01")),
    }.get(outcome)
    dispute_resolve(
        actor=staff,
        case=case,
        outcome=outcome,
        granted_amount=granted,
        now=resolved_at,
        outcome_explanation="Reviewed against settlement data and the Protocols; see the resettlement notice.",
    )
