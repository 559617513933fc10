"""The cases section of ``seed_demo``: a few hundred cases across kinds, states and SLA states.

Cases are opened and moved through the real services with explicit times in
the past, so SLA clocks, audit timelines and patterns are what they would be.
Emails of the demo history are not sent (the outbox is suppressed while
this section runs). Idempotent: skipped when the demo MPs already have cases.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from accounts.models import MarketParticipant, Membership, ParticipantStatus
from ercot_services.core.calendar import business_calendar
from ercot_services.core.outbox import outbox_suppressed

from ..models import (
    Case,
    CaseCategory,
    CaseKind,
    CaseSettings,
    Channel,
    DisputeOutcome,
    StatementType,
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
    inquiry_submit,
    service_request_submit,
)

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


def seed_cases(ctx, *, act_on_old_patterns=None) -> None:
    participants = list(MarketParticipant.objects.exclude(status=ParticipantStatus.PROSPECTIVE).order_by("short_name"))
    if not participants or Case.objects.filter(participant__in=participants).exists():
        return
    rng = ctx.section_rng("cases")
    calendar = business_calendar()
    categories = {c.code: c for c in CaseCategory.objects.all()}
    contacts = {}
    for membership in Membership.objects.active().select_related("user").order_by("pk"):
        contacts.setdefault(membership.participant_id, []).append(membership.user)
    today = timezone.localdate()
    now = timezone.now()
    reopen_days = CaseSettings.load().reopen_window_days
    made = 0

    with outbox_suppressed():
        for participant in participants:
            requesters = contacts.get(participant.pk)
            if not requesters:
                continue
            for _ in range(rng.randint(7, 12)):
                age_days = int(rng.triangular(1, 180, 25))
                opened = _business_moment(rng, calendar, today - datetime.timedelta(days=age_days))
                if opened >= now:
                    opened = now - datetime.timedelta(hours=2)
                kind = rng.choices(
                    [CaseKind.INQUIRY, CaseKind.DISPUTE, CaseKind.SERVICE_REQUEST], weights=[70, 20, 10]
                )[0]
                code = "settlements" if kind == CaseKind.DISPUTE else rng.choice(list(INQUIRY_SUBJECTS))
                category = categories[code]
                requester = rng.choice(requesters)
                dispute = None
                subject = rng.choice(INQUIRY_SUBJECTS[code])
                if kind == CaseKind.DISPUTE:
                    statement_type = rng.choice([StatementType.DAM, StatementType.INVOICE, StatementType.INITIAL])
                    operating_day = opened.date() - datetime.timedelta(days=rng.randint(5, 25))
                    dispute = {
                        "operating_day": operating_day,
                        "statement_type": statement_type,
                        "statement_date": opened.date() - datetime.timedelta(days=rng.randint(1, 4)),
                        "charge_type": rng.choice(CHARGE_TYPES),
                        "disputed_amount": Decimal(rng.randint(500, 250000)) + Decimal("0.25"),
                        "statement_reference": f"{statement_type.upper()}-{operating_day:%Y%m%d}-{rng.randint(100, 999)}",
                    }
                    subject = f"{StatementType(statement_type).label} dispute, Operating Day {operating_day:%b %d, %Y}"
                common = {
                    "category": category,
                    "subject": subject,
                    "description": f"{subject}. Details provided by {requester.full_name} of {participant.legal_name}.",
                    "participant": participant,
                    "requester": requester,
                    "channel": Channel.PORTAL,
                }
                if kind == CaseKind.DISPUTE:
                    case = dispute_submit(actor=requester, dispute=DisputeInput(**common, **dispute), now=opened)
                elif kind == CaseKind.SERVICE_REQUEST:
                    case = service_request_submit(
                        actor=requester, service_request=ServiceRequestInput(**common), now=opened
                    )
                else:
                    case = inquiry_submit(actor=requester, inquiry=InquiryInput(**common), now=opened)
                made += 1
                _progress(rng, case, opened, now, age_days, reopen_days)

        # A clear pattern: one REP files four settlement inquiries in two weeks.
        rep = next((p for p in participants if p.has_role("REP") and contacts.get(p.pk)), None)
        if rep is not None:
            for offset in (12, 9, 5, 2):
                opened = _business_moment(rng, calendar, today - datetime.timedelta(days=offset))
                inquiry_submit(
                    actor=contacts[rep.pk][0],
                    inquiry=InquiryInput(
                        category=categories["settlements"],
                        subject=f"Missing usage on True-Up statement (ESI IDs batch {offset})",
                        description="The True-Up statement is missing usage for several ESI IDs again.",
                        participant=rep,
                    ),
                    now=min(opened, now - datetime.timedelta(hours=1)),
                )
                made += 1

        for name, company, email, subject in [
            (
                "Hannah Ortiz",
                "Sundance Solar Retail",
                "hannah.ortiz@sundancesolar.example",
                "How do we register as a REP?",
            ),
            (
                "Victor Chen",
                "Gulf Breeze Storage",
                "victor.chen@gulfbreeze.example",
                "Registering a battery Resource Entity",
            ),
            ("Amelia Ross", "Frontier Power Marketing", "amelia.ross@frontierpm.example", "QSE qualification timeline"),
        ]:
            contact = ContactRequestInput(
                category=categories["registration"],
                subject=subject,
                description=f"{name} of {company} would like to enter the ERCOT market. {subject}",
                channel=Channel.WEB_FORM,
                name=name,
                email=email,
                company=company,
            )
            contact_request_submit(actor=None, contact=contact, now=now - datetime.timedelta(days=rng.randint(1, 6)))
            made += 1
        case_sla_scan(now=now)
        if act_on_old_patterns is not None:
            act_on_old_patterns(rng, now)
        _date_last_updates()
    ctx.created["cases"] += made


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


def _progress(rng, case, opened, now, age_days, reopen_days) -> None:
    """Move a case along a believable path; older cases are further along."""
    staff = case.assignee
    if staff is None:
        return

    def at(hours: float) -> datetime.datetime:
        return min(opened + datetime.timedelta(hours=hours), now - datetime.timedelta(minutes=5))

    roll = rng.random()
    if age_days <= 5 and roll < 0.45:
        return  # still New
    first_touch = rng.uniform(0.3, 2.5) if rng.random() < 0.85 else rng.uniform(4, 30)
    case_acknowledge(actor=staff, case=case, now=at(first_touch))
    if age_days <= 12 and roll < 0.6:
        return
    case_reply(
        actor=staff,
        case=case,
        body="Thanks, we are looking into this with the subject-matter experts.",
        now=at(first_touch + 0.2),
    )
    case_start_work(actor=staff, case=case, now=at(first_touch + 0.5))
    if roll < 0.15:
        case_reply(
            actor=staff,
            case=case,
            body="Could you send the ESI IDs and Operating Days affected?",
            wait_on_participant=True,
            now=at(20),
        )
        return
    if roll < 0.3 and age_days < 30:
        return  # in progress; old ones breach
    if roll < 0.35:
        return  # in progress long enough to breach
    resolved_at = at(rng.uniform(4, 50))
    if case.kind == CaseKind.DISPUTE:
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
    else:
        case_resolve(
            actor=staff,
            case=case,
            now=resolved_at,
            resolution_summary="Answered with the relevant Protocol section and a corrected extract.",
        )
    if (now - resolved_at).days > reopen_days and rng.random() < 0.8:
        case_close(actor=staff, case=case, now=at(rng.uniform(80, 200)))
