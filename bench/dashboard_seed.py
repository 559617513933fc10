"""Data for bench/dashboards.py: MPs with their Account Managers, contacts, cases, disputes, notices,
subscribers, registrations, flights and plan records, written straight into PostgreSQL with ``COPY``.

Rows are built as model instances (so field defaults, ``auto_now`` and fields added later by other
work are filled in the usual way), given primary keys up front (so dependent rows can point at them),
and streamed with ``COPY … FROM STDIN`` a table at a time. ``save()`` overrides and signals do not run:
where a model computes a column in ``save()`` (``Flight.name``) the seed sets it itself. The random
generator is seeded, so two runs at the same sizes produce the same data.
"""

from __future__ import annotations

import datetime
import random
import time
from collections import defaultdict, deque
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

SEED_VERSION = 2  # 2: each contact has their PortalAccess link (issue 15)
BIG_MP = "MP00000"  # the MP with the most cases: the MP 360 page and the portal user's company
BIG_MP_SHARE = 0.025  # of all cases
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class Sizes:
    mps: int
    cases: int
    notices: int
    subscribers: int
    account_managers: int

    def as_dict(self) -> dict:
        return {"version": SEED_VERSION, **asdict(self)}


# Who the benchmark signs in as (see dashboards.py).
LEAD_EMAIL = "lead@staff.bench.example"
PORTAL_EMAIL = f"ar.{BIG_MP.lower()}@mp.bench.example"


def am_email(index: int) -> str:
    return f"am{index:02d}@staff.bench.example"


class Copier:
    """Hands out primary keys and writes model instances with COPY, one table at a time."""

    def __init__(self):
        self.next_id: dict[type, int] = {}
        self.counts: dict[str, int] = defaultdict(int)

    def _start(self, model) -> int:
        if model not in self.next_id:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COALESCE(MAX({model._meta.pk.column}), 0) FROM {model._meta.db_table}")
                self.next_id[model] = cursor.fetchone()[0] + 1
        return self.next_id[model]

    def give_ids(self, objs) -> None:
        for obj in objs:
            if obj.pk is None:
                model = type(obj)
                obj.pk = self._start(model)
                self.next_id[model] += 1

    def write(self, objs: list) -> list:
        if not objs:
            return objs
        self.give_ids(objs)
        model = type(objs[0])
        fields = list(model._meta.concrete_fields)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
                for obj in objs:
                    copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])
        self.counts[model._meta.label] += len(objs)
        return objs

    def finish(self) -> None:
        """Move each identity sequence past the keys handed out."""
        with connection.cursor() as cursor:
            for model, next_id in self.next_id.items():
                table, column = model._meta.db_table, model._meta.pk.column
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
                sequence = cursor.fetchone()[0]
                if sequence:
                    cursor.execute("SELECT setval(%s, %s)", [sequence, max(next_id - 1, 1)])


ADJECTIVES = [
    "Lone Star",
    "Gulf Coast",
    "Panhandle",
    "Permian",
    "Brazos",
    "Hill Country",
    "Red River",
    "Pecos",
    "Trinity",
    "Rio Grande",
    "Big Bend",
    "Prairie",
    "Bluebonnet",
    "Coastal Bend",
    "Llano",
    "Sabine",
    "Caprock",
    "Guadalupe",
]
NOUNS = ["Power", "Energy", "Electric", "Retail", "Wind", "Solar", "Storage", "Grid", "Utilities", "Trading"]
SUFFIXES = ["LLC", "LP", "Inc.", "Co.", "Partners LLC", "Holdings LLC"]
FIRST = [
    "Ana",
    "Ben",
    "Carla",
    "Dev",
    "Elena",
    "Farid",
    "Grace",
    "Hugo",
    "Irene",
    "Jamal",
    "Kim",
    "Luis",
    "Maya",
    "Noah",
    "Olga",
    "Priya",
    "Quinn",
    "Raul",
    "Sara",
    "Tom",
]
LAST = [
    "Garcia",
    "Nguyen",
    "Smith",
    "Patel",
    "Johnson",
    "Lopez",
    "Kim",
    "Brown",
    "Davis",
    "Martinez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Hernandez",
    "Moore",
    "Clark",
]
CHARGE_TYPES = [
    "RTSPP imbalance",
    "DAM energy",
    "RUC make-whole",
    "Ancillary service",
    "CRR auction",
    "Load ratio share",
]
TOPICS = [
    "settlement statement",
    "ESI ID enrollment",
    "invoice",
    "QSE acknowledgement",
    "digital certificate",
    "market rule",
    "flight testing",
    "MarkeTrak issue",
    "collateral call",
    "extract variance",
]


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=False)
    return rng.choices(values, weights=weights)[0]


def seed(sizes: Sizes, *, log=print, rng_seed: int = 20261123) -> dict[str, int]:
    """Write the whole data set in one transaction, then VACUUM ANALYZE (plans as on a settled database)."""
    rng = random.Random(rng_seed)
    copier = Copier()
    started = time.monotonic()
    with transaction.atomic():
        people = _staff(copier, sizes)
        log(f"  staff users and groups ({time.monotonic() - started:.0f} s)")
        mps = _participants(copier, rng, sizes, people)
        log(f"  {len(mps['ids'])} MPs, contacts, assignments ({time.monotonic() - started:.0f} s)")
        recent = _cases(copier, rng, sizes, people, mps, log=log, started=started)
        log(f"  {sizes.cases} cases ({time.monotonic() - started:.0f} s)")
        _patterns(copier, rng, people, mps, recent)
        _notices(copier, rng, sizes, people, mps)
        log(f"  {sizes.notices} notices, {sizes.subscribers} subscriptions ({time.monotonic() - started:.0f} s)")
        _registrations_and_flights(copier, rng, people, mps)
        _plans(copier, rng, people, mps, recent)
        log(f"  registrations, enrollments, plans, meetings, feedback ({time.monotonic() - started:.0f} s)")
        copier.finish()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    log(f"  VACUUM ANALYZE done ({time.monotonic() - started:.0f} s)")
    return dict(copier.counts)


# --- people -------------------------------------------------------------------------------------------


def _staff(copier: Copier, sizes: Sizes) -> dict:
    from django.contrib.auth.models import Group

    from accounts.models import User
    from accounts.roles import StaffGroup

    groups = {g.name: g.pk for g in Group.objects.all()}
    memberships = []

    def staff(email, name, group, title=""):
        user = User(email=email, full_name=name, is_staff=True, password="!bench", job_title=title)
        memberships.append((user, groups[group]))
        return user

    lead = staff(LEAD_EMAIL, "Lena Lead", StaffGroup.CLIENT_SERVICES_LEAD, "Client Services Lead")
    ams = [
        staff(am_email(i), f"{FIRST[i % len(FIRST)]} Manager{i:02d}", StaffGroup.ACCOUNT_MANAGER)
        for i in range(sizes.account_managers)
    ]
    desk = [staff(f"desk{i}@staff.bench.example", f"Desk Agent {i}", StaffGroup.SERVICE_DESK) for i in range(2)]
    publishers = [
        staff(f"publisher{i}@staff.bench.example", f"Notice Publisher {i}", StaffGroup.NOTICE_PUBLISHER)
        for i in range(2)
    ]
    flight_admin = staff("flights@staff.bench.example", "Flight Admin", StaffGroup.FLIGHT_ADMINISTRATOR)
    copier.write([lead, *ams, *desk, *publishers, flight_admin])
    Through = User.groups.through
    copier.write([Through(user_id=user.pk, group_id=group_id) for user, group_id in memberships])
    return {
        "lead": lead,
        "ams": ams,
        "desk": desk,
        "publishers": publishers,
        "flight_admin": flight_admin,
        "groups": groups,
    }


def _participants(copier: Copier, rng: random.Random, sizes: Sizes, people: dict) -> dict:
    from accounts.models import (
        AccountManager,
        AccountManagerAssignment,
        ContactRank,
        ContactRole,
        MarketParticipant,
        MarketRole,
        Membership,
        ParticipantStatus,
        PortalAccess,
        ServiceTerritory,
        User,
    )
    from ercot_services.core.models import AuditEvent

    now = timezone.now()
    lead = people["lead"]
    am_users = people["ams"]
    managers = copier.write(
        [
            AccountManager(
                user_id=u.pk,
                phone="(512) 248-3900",
                extension=f"{6100 + i}",
                email=f"am{i:02d}@ercot.bench.example",
                title="Client Services Account Manager",
            )
            for i, u in enumerate(am_users)
        ]
    )
    roles = {r.code: r.pk for r in MarketRole.objects.all()}
    territories = list(ServiceTerritory.objects.values_list("pk", flat=True))
    statuses = [
        (ParticipantStatus.ACTIVE, 80),
        (ParticipantStatus.REGISTERING, 5),
        (ParticipantStatus.QUALIFYING, 4),
        (ParticipantStatus.PROSPECTIVE, 5),
        (ParticipantStatus.SUSPENDED, 3),
        (ParticipantStatus.TERMINATED, 3),
    ]
    role_sets = [("LSE", "REP"), ("QSE",), ("RE", "QSE"), ("TDSP",), ("CRRAH",), ("LSE", "REP", "QSE"), ("RE",)]
    participants, role_rows, territory_rows = [], [], []
    for i in range(sizes.mps):
        name = f"{ADJECTIVES[i % len(ADJECTIVES)]} {NOUNS[(i // len(ADJECTIVES)) % len(NOUNS)]} {i} {SUFFIXES[i % len(SUFFIXES)]}"
        status = ParticipantStatus.ACTIVE if i < 3 else _weighted(rng, statuses)
        participants.append(
            MarketParticipant(
                legal_name="Lone Star Bench Power LLC" if i == 0 else name,
                short_name=f"MP{i:05d}",
                operator_id=f"MP-{i:06d}",
                duns_number=f"{100000000 + i}",
                status=status,
                address=f"{100 + i} Congress Ave, Austin, TX",
                created_at=now - datetime.timedelta(days=rng.uniform(30, 3000)),
            )
        )
    copier.write(participants)
    for i, p in enumerate(participants):
        codes = ("LSE", "REP", "QSE") if i == 0 else role_sets[i % len(role_sets)]
        role_rows += [MarketParticipant.roles.through(marketparticipant_id=p.pk, marketrole_id=roles[c]) for c in codes]
        if "REP" in codes or "TDSP" in codes:
            for t in rng.sample(territories, k=min(2, len(territories))):
                territory_rows.append(
                    MarketParticipant.service_territories.through(marketparticipant_id=p.pk, serviceterritory_id=t)
                )
    copier.write(role_rows)
    copier.write(territory_rows)

    # Contacts: an AR (primary), and a second person holding the settlement and credit roles.
    users, memberships, ar_of = [], [], {}
    for p in participants:
        ar = User(
            email=f"ar.{p.short_name.lower()}@mp.bench.example",
            full_name=_person(rng),
            password="!bench",
            job_title="Authorized Representative",
        )
        second = User(email=f"ops.{p.short_name.lower()}@mp.bench.example", full_name=_person(rng), password="!bench")
        users += [ar, second]
        ar_of[p.pk] = ar
        memberships.append((ar, p, ContactRole.AUTHORIZED_REPRESENTATIVE))
        memberships.append((second, p, ContactRole.SETTLEMENT))
        memberships.append((second, p, ContactRole.CREDIT))
    copier.write(users)
    # The portal user (AR of the big MP) is also the technical contact of two more MPs: the switcher has choices.
    portal_user = ar_of[participants[0].pk]
    for p in participants[1:3]:
        memberships.append((portal_user, p, ContactRole.TECHNICAL))
    copier.write(
        [
            Membership(user_id=u.pk, participant_id=p.pk, contact_role=role, rank=ContactRank.PRIMARY)
            for u, p, role in memberships
        ]
    )
    # Each person's link to each of their MPs (portal scoping requires an active one).
    copier.write(
        [PortalAccess(user_id=u.pk, participant_id=p.pk) for u, p in dict.fromkeys((u, p) for u, p, _ in memberships)]
    )

    # Current AM for most MPs (the big one in the first AM's book), some unassigned, some with a history.
    assignments, manager_of = [], {}
    for i, p in enumerate(participants):
        if i and i % 33 == 7:
            continue
        manager = managers[0] if i == 0 else managers[i % len(managers)]
        start = now - datetime.timedelta(days=rng.uniform(30, 700))
        if i % 7 == 3 and len(managers) > 1:
            previous = managers[(i + 1) % len(managers)]
            assignments.append(
                AccountManagerAssignment(
                    participant_id=p.pk,
                    account_manager_id=previous.pk,
                    started_at=start - 400 * DAY,
                    ended_at=start,
                    reason="Book rebalanced",
                    assigned_by_id=lead.pk,
                )
            )
        assignments.append(
            AccountManagerAssignment(
                participant_id=p.pk,
                account_manager_id=manager.pk,
                started_at=start,
                reason="Initial assignment",
                assigned_by_id=lead.pk,
            )
        )
        manager_of[p.pk] = manager
    copier.write(assignments)

    from django.contrib.contenttypes.models import ContentType

    mp_type = ContentType.objects.get_for_model(MarketParticipant)
    copier.write(
        [
            AuditEvent(
                created_at=a.started_at,
                actor_id=lead.pk,
                verb="participant.assign_manager",
                target_content_type_id=mp_type.pk,
                target_object_id=str(a.participant_id),
                target_repr=f"MP{a.participant_id}",
                participant_id=a.participant_id,
                changes={"account_manager": [None, str(a.account_manager_id)]},
            )
            for a in assignments
        ]
    )
    return {
        "ids": [p.pk for p in participants],
        "objects": participants,
        "status": {p.pk: p.status for p in participants},
        "ar": ar_of,
        "manager": manager_of,
        "manager_user": {m.pk: u for m, u in zip(managers, am_users, strict=False)},
        "big": participants[0].pk,
        "roles": roles,
    }


# --- cases ---------------------------------------------------------------------------------------------


def _cases(copier: Copier, rng: random.Random, sizes: Sizes, people: dict, mps: dict, *, log, started) -> dict:
    from django.contrib.contenttypes.models import ContentType

    from cases.models import (
        KIND_PREFIX,
        Case,
        CaseCategory,
        CaseKind,
        CaseMessage,
        CaseSequence,
        CaseStatus,
        Channel,
        DisputeDetail,
        DisputeOutcome,
        NextAction,
        Priority,
        SlaState,
        StatementType,
    )
    from ercot_services.core.calendar import BusinessCalendar, business_seconds_between
    from ercot_services.core.models import AuditEvent, Holiday

    now = timezone.now()
    field_names = {f.name for f in Case._meta.concrete_fields}
    business_fields = {"first_response_business_seconds", "resolution_business_seconds"} <= field_names
    calendar = BusinessCalendar(holidays=set(Holiday.objects.values_list("date", flat=True)))
    categories = list(CaseCategory.objects.values_list("pk", "name"))
    case_type = ContentType.objects.get_for_model(Case)
    desk_group = people["groups"].get("Service Desk")
    lead = people["lead"]
    mp_ids = mps["ids"]

    # Skewed load: a Pareto weight per MP, the big MP fixed at BIG_MP_SHARE of all cases.
    weights = [min(rng.paretovariate(1.3), 60.0) for _ in mp_ids]
    weights[0] = 0.0
    others = sum(weights) or 1.0
    weights[0] = others * BIG_MP_SHARE / (1 - BIG_MP_SHARE)
    n = sizes.cases
    span = 730 * 86400
    offsets = sorted((rng.uniform(0, span) for _ in range(n)), reverse=True)  # oldest first
    owners = rng.choices(mp_ids, weights=weights, k=n)
    sequence: dict[tuple[str, int], int] = defaultdict(int)
    recent: dict[int, deque] = defaultdict(lambda: deque(maxlen=5))
    open_statuses = [CaseStatus.NEW, CaseStatus.ACKNOWLEDGED, CaseStatus.IN_PROGRESS, CaseStatus.WAITING]
    kinds = [(CaseKind.INQUIRY, 70), (CaseKind.DISPUTE, 20), (CaseKind.SERVICE_REQUEST, 8), (CaseKind.POTENTIAL_MP, 2)]
    priorities = [(Priority.NORMAL, 60), (Priority.HIGH, 20), (Priority.LOW, 15), (Priority.URGENT, 5)]
    channels = [(Channel.PORTAL, 60), (Channel.EMAIL, 20), (Channel.PHONE, 15), (Channel.MEETING, 5)]
    statements = list(StatementType.values)
    outcomes = [
        (DisputeOutcome.GRANTED, 40),
        (DisputeOutcome.DENIED, 35),
        (DisputeOutcome.GRANTED_WITH_EXCEPTIONS, 20),
        (DisputeOutcome.WITHDRAWN, 5),
    ]
    chunk = 10000
    for begin in range(0, n, chunk):
        cases, disputes, messages, events = [], [], [], []
        for i in range(begin, min(begin + chunk, n)):
            created = now - datetime.timedelta(seconds=offsets[i])
            age_days = offsets[i] / 86400
            kind = _weighted(rng, kinds)
            participant = None if kind == CaseKind.POTENTIAL_MP else owners[i]
            open_share = 0.55 if age_days < 30 else 0.10 if age_days < 90 else 0.01
            if rng.random() < open_share:
                status = rng.choice(open_statuses)
            else:
                status = _weighted(rng, [(CaseStatus.CLOSED, 80), (CaseStatus.RESOLVED, 12), (CaseStatus.WITHDRAWN, 8)])
            category_id, category_name = rng.choice(categories)
            priority = _weighted(rng, priorities)
            manager = mps["manager"].get(participant)
            assignee = None
            if status != CaseStatus.NEW or rng.random() < 0.7:
                if manager is not None and rng.random() < 0.85:
                    assignee = mps["manager_user"][manager.pk]
                elif rng.random() < 0.5:
                    assignee = lead
            contact = mps["ar"].get(participant)
            channel = Channel.WEB_FORM if kind == CaseKind.POTENTIAL_MP else _weighted(rng, channels)
            first_response = resolved = closed = None
            if status != CaseStatus.NEW:
                first_response = min(created + datetime.timedelta(hours=rng.uniform(0.2, 30)), now)
            if status in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
                resolved = min(created + datetime.timedelta(hours=rng.uniform(2, 480)), now)
                first_response = min(first_response, resolved)
                if status == CaseStatus.CLOSED:
                    closed = resolved + 10 * DAY
                    if closed > now:
                        status, closed = CaseStatus.RESOLVED, None
            if status == CaseStatus.WITHDRAWN:
                closed = min(created + datetime.timedelta(hours=rng.uniform(1, 200)), now)
            fr_due, res_due = created + DAY, created + 5 * DAY
            if status in open_statuses:
                sla = (
                    SlaState.BREACHED
                    if now > res_due
                    else SlaState.AT_RISK
                    if now > created + (res_due - created) * 0.75
                    else SlaState.ON_TRACK
                )
                next_action = NextAction.PARTICIPANT if status == CaseStatus.WAITING else NextAction.CLIENT_SERVICES
            else:
                sla = SlaState.BREACHED if resolved and resolved > res_due else SlaState.ON_TRACK
                next_action = NextAction.NOBODY
            prefix = KIND_PREFIX[kind]
            year = timezone.localtime(created).year
            sequence[(prefix, year)] += 1
            case = Case(
                reference=f"{prefix}-{year}-{sequence[(prefix, year)]:06d}",
                kind=kind,
                participant_id=participant,
                category_id=category_id,
                priority=priority,
                channel=channel,
                subject=f"{category_name}: question about the {rng.choice(TOPICS)}",
                description="Benchmark case. Our statement shows a difference we cannot explain; please advise.",
                status=status,
                next_action_by=next_action,
                submitted_by_id=contact.pk if contact is not None and channel == Channel.PORTAL else None,
                contact_name="" if contact is not None else _person(rng),
                contact_email=f"prospect{i}@example.com" if kind == CaseKind.POTENTIAL_MP else "",
                contact_company="Prospective Power LLC" if kind == CaseKind.POTENTIAL_MP else "",
                assignee_id=assignee.pk if assignee else None,
                queue_id=desk_group if (kind == CaseKind.POTENTIAL_MP or assignee is None) else None,
                acknowledged_at=first_response,
                first_response_at=first_response,
                resolved_at=resolved,
                closed_at=closed,
                resolution_summary="Explained the charge." if resolved else "",
                first_response_due_at=fr_due,
                resolution_due_at=res_due,
                sla_state=sla,
                created_at=created,
            )
            if business_fields:
                if resolved:
                    case.resolution_business_seconds = business_seconds_between(calendar, created, resolved)
                if first_response:
                    case.first_response_business_seconds = business_seconds_between(calendar, created, first_response)
            cases.append(case)
        copier.give_ids(cases)
        for case in cases:
            if case.participant_id:
                recent[case.participant_id].append((case.pk, case.category_id, case.created_at))
            if case.kind == CaseKind.DISPUTE:
                operating_day = timezone.localdate(case.created_at) - datetime.timedelta(days=rng.randint(3, 20))
                finished = case.status in (CaseStatus.RESOLVED, CaseStatus.CLOSED)
                amount = Decimal(rng.randint(100, 5_000_000)) / 100
                outcome = _weighted(rng, outcomes) if finished else ""
                disputes.append(
                    DisputeDetail(
                        case_id=case.pk,
                        operating_day=operating_day,
                        statement_type=rng.choice(statements),
                        statement_date=operating_day + 2 * DAY,
                        charge_type=rng.choice(CHARGE_TYPES),
                        disputed_amount=amount,
                        statement_reference=f"ST-{case.pk:08d}",
                        filing_deadline=operating_day + 20 * DAY,
                        outcome=outcome,
                        granted_amount=amount if outcome == DisputeOutcome.GRANTED else None,
                        outcome_explanation="Reviewed against the settlement data." if outcome else "",
                    )
                )
            if case.first_response_at and rng.random() < 0.25:
                messages.append(
                    CaseMessage(
                        case_id=case.pk,
                        author_id=case.assignee_id,
                        author_name="Client Services",
                        body="Thank you, we are looking into it and will reply with the details.",
                        created_at=case.first_response_at,
                    )
                )
            events.append(
                AuditEvent(
                    created_at=case.created_at,
                    actor_id=case.submitted_by_id,
                    verb="case.submit",
                    target_content_type_id=case_type.pk,
                    target_object_id=str(case.pk),
                    target_repr=case.reference,
                    participant_id=case.participant_id,
                    changes={"status": [None, "new"]},
                )
            )
        copier.write(cases)
        copier.write(disputes)
        copier.write(messages)
        copier.write(events)
        log(f"    cases {min(begin + chunk, n)}/{n} ({time.monotonic() - started:.0f} s)")
    copier.write([CaseSequence(prefix=p, year=y, last_value=v) for (p, y), v in sequence.items()])
    return recent


def _patterns(copier: Copier, rng: random.Random, people: dict, mps: dict, recent: dict) -> None:
    from cases.models import IssuePattern
    from plans.models import ImprovementAction

    now = timezone.now()
    patterns, links, actions = [], [], []
    candidates = [mp for mp in mps["ids"] if len(recent.get(mp, ())) >= 3]
    for mp in candidates[:: max(1, len(candidates) // max(1, len(mps["ids"]) // 25))]:
        cases = list(recent[mp])[-3:]
        patterns.append(
            IssuePattern(
                participant_id=mp, category_id=cases[-1][1], case_count=3, window_days=30, last_case_at=cases[-1][2]
            )
        )
    copier.write(patterns)
    for pattern in patterns:
        for case_id, _, _ in list(recent[pattern.participant_id])[-3:]:
            links.append(IssuePattern.cases.through(issuepattern_id=pattern.pk, case_id=case_id))
        manager = mps["manager"].get(pattern.participant_id)
        if manager is not None and rng.random() < 0.5:
            actions.append(
                ImprovementAction(
                    participant_id=pattern.participant_id,
                    pattern_id=pattern.pk,
                    kind=ImprovementAction.Kind.TRAINING,
                    title="Walk the MP through the settlement extracts",
                    owner_id=mps["manager_user"][manager.pk].pk,
                    due_date=timezone.localdate(now) + datetime.timedelta(days=rng.randint(-10, 40)),
                    created_by_id=people["lead"].pk,
                )
            )
    copier.write(links)
    copier.write(actions)


# --- notices -------------------------------------------------------------------------------------------


def _notices(copier: Copier, rng: random.Random, sizes: Sizes, people: dict, mps: dict) -> None:
    from notices.models import (
        Acknowledgement,
        DistributionList,
        Notice,
        NoticeStatus,
        NoticeThread,
        NoticeType,
        Scope,
        Subscription,
    )

    now = timezone.now()
    types = list(NoticeType.objects.all())
    lists = list(DistributionList.objects.prefetch_related("notice_types"))
    lists_for_type = {t.pk: [dl.pk for dl in lists if t in dl.notice_types.all()] or [lists[-1].pk] for t in types}
    role_ids = list(mps["roles"].values())
    author, approver = people["publishers"]
    span = 5 * 365 * 86400
    moments = sorted(now - datetime.timedelta(seconds=rng.uniform(0, span)) for _ in range(sizes.notices))
    letters: dict[tuple[str, datetime.date], int] = defaultdict(int)
    threads: list[NoticeThread] = []
    open_threads: deque = deque(maxlen=40)  # (thread, last notice) of recent threads, updated now and then
    notices = []
    for published in moments:
        day = timezone.localtime(published).date()
        previous = None
        while open_threads and (day - open_threads[0][0].opened_on).days > 30:
            open_threads.popleft()
        roll = rng.random()
        if open_threads and roll < 0.22:
            index = rng.randrange(len(open_threads))
            thread, previous = open_threads[index]
            kind = Notice.Kind.CANCELLATION if roll < 0.02 else Notice.Kind.UPDATE
        else:
            scope = _weighted(rng, [(Scope.MARKET, 30), (Scope.WHOLESALE, 35), (Scope.RETAIL, 35)])
            letters[(scope, day)] += 1
            count = letters[(scope, day)]
            letter = chr(ord("A") + (count - 1) % 26) * (1 + (count - 1) // 26)
            thread = NoticeThread(scope=scope, opened_on=day, letter=letter, last_number=0)
            copier.give_ids([thread])
            threads.append(thread)
            kind = Notice.Kind.ORIGINAL
        thread.last_number += 1
        notice_type = previous.notice_type if previous else rng.choice(types)
        action = "Counter-Parties should review their revised reports." if rng.random() < 0.1 else ""
        notice = Notice(
            notice_id=f"{thread.scope}-{thread.letter}{thread.opened_on:%m%d%y}-{thread.last_number:02d}",
            thread_id=thread.pk,
            number=thread.last_number,
            kind=kind,
            previous_id=previous.pk if previous else None,
            status=NoticeStatus.PUBLISHED,
            notice_date=day,
            notice_type=notice_type,
            scope=thread.scope,
            short_description=f"{notice_type.name}: {rng.choice(TOPICS)} for Operating Day {day:%B %d, %Y}",
            days_affected=f"{day:%B %d, %Y}",
            long_description=(
                f"On {day:%B %d, %Y}, ERCOT issued this **benchmark** notice about the "
                f"{rng.choice(TOPICS)}.\n\nMarket Participants should review the details below.\n\n"
                "* Statements affected: Initial and Final\n* Contact your Account Manager with questions."
            ),
            action_required=action,
            contact="ERCOT Client Services, ClientServices@ercot.example",
            author_id=author.pk,
            approver_id=approver.pk,
            approved_at=published - HOUR,
            published_at=published,
            created_at=published - 2 * HOUR,
        )
        copier.give_ids([notice])
        notices.append(notice)
        if kind != Notice.Kind.CANCELLATION:
            open_threads.append((thread, notice))
    copier.write(threads)
    copier.write(notices)
    copier.write(
        [
            Notice.lists.through(notice_id=n.pk, distributionlist_id=dl)
            for n in notices
            for dl in lists_for_type[n.notice_type_id]
        ]
    )
    copier.write(
        [
            Notice.audience.through(notice_id=n.pk, marketrole_id=r)
            for n in notices
            for r in rng.sample(role_ids, k=rng.randint(1, 3))
        ]
    )
    # Acknowledgements of recent ACTION REQUIRED notices by about 60 % of the active MPs.
    active = [mp for mp in mps["ids"] if mps["status"][mp] == "active"]
    acks = []
    for notice in notices:
        if notice.action_required and (now - notice.published_at).days <= 120:
            for mp in active:
                if rng.random() < 0.6:
                    acks.append(
                        Acknowledgement(
                            notice_id=notice.pk,
                            participant_id=mp,
                            user_id=mps["ar"][mp].pk,
                            acknowledged_at=notice.published_at + HOUR * rng.uniform(1, 72),
                        )
                    )
    copier.write(acks)
    # Subscribers: each address on two lists, mostly confirmed.
    subscriptions = []
    for i in range(sizes.subscribers):
        person, which = divmod(i, 2)
        dl = lists[((person % 3) * 2 + which) % len(lists)]
        status = _weighted(
            rng,
            [
                (Subscription.Status.CONFIRMED, 90),
                (Subscription.Status.PENDING, 5),
                (Subscription.Status.UNSUBSCRIBED, 5),
            ],
        )
        created = now - datetime.timedelta(days=rng.uniform(0, 1500))
        subscriptions.append(
            Subscription(
                distribution_list_id=dl.pk,
                email=f"reader{person:06d}@subscribers.bench.example",
                status=status,
                confirmed_at=created + HOUR if status != Subscription.Status.PENDING else None,
                unsubscribed_at=created + 30 * DAY if status == Subscription.Status.UNSUBSCRIBED else None,
                created_at=created,
            )
        )
    copier.write(subscriptions)


# --- registration, qualification, plans ----------------------------------------------------------------


def _registrations_and_flights(copier: Copier, rng: random.Random, people: dict, mps: dict) -> None:
    from qualification.models import ChangeKind, Enrollment, EnrollmentStatus, Flight, FlightStatus, ParticipantKind
    from registration.models import Application, ApplicationKind, ApplicationSequence, ApplicationStatus, ChangeType

    now = timezone.now()
    today = timezone.localdate(now)
    sequence: dict[int, int] = defaultdict(int)
    applications = []
    reviewer = people["lead"]
    for mp in mps["ids"]:
        status = mps["status"][mp]
        if status == "prospective":
            continue
        created = now - datetime.timedelta(days=rng.uniform(200, 1500))
        app_status = {
            "registering": rng.choice(
                [ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW, ApplicationStatus.INFO_REQUESTED]
            ),
        }.get(status, ApplicationStatus.APPROVED)
        items = [(ApplicationKind.INITIAL, app_status, created)]
        if status == "active" and rng.random() < 0.1:
            items.append(
                (
                    ApplicationKind.REVISION,
                    rng.choice([ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW]),
                    now - datetime.timedelta(days=rng.uniform(1, 20)),
                )
            )
        for kind, app_status, created_at in items:
            year = timezone.localtime(created_at).year
            sequence[year] += 1
            is_open = app_status != ApplicationStatus.APPROVED
            applications.append(
                Application(
                    reference=f"REG-{year}-{sequence[year]:05d}",
                    participant_id=mp,
                    kind=kind,
                    status=app_status,
                    change_types=[ChangeType.CONTACTS] if kind == ApplicationKind.REVISION else [],
                    created_by_id=mps["ar"][mp].pk,
                    submitted_at=created_at + DAY,
                    reviewer_id=reviewer.pk,
                    decided_at=None if is_open else created_at + 12 * DAY,
                    decided_by_id=None if is_open else reviewer.pk,
                    clock_started_on=timezone.localdate(created_at + DAY),
                    due_on=timezone.localdate(created_at + 15 * DAY) if is_open else None,
                    created_at=created_at,
                )
            )
    copier.write(applications)
    copier.write([ApplicationSequence(year=y, last_value=v) for y, v in sequence.items()])

    flights = []
    for k in range(8):
        start = (today.replace(day=1) - datetime.timedelta(days=90 * (6 - k))).replace(day=1)
        status = (
            FlightStatus.COMPLETED
            if start < today - 60 * DAY
            else FlightStatus.TESTING
            if start <= today
            else FlightStatus.OPEN
        )
        flights.append(
            Flight(
                name=f"{start:%m%y}",
                start_date=start,
                end_date=start + 45 * DAY,
                application_deadline=start - 45 * DAY,
                registration_deadline=start - 30 * DAY,
                status=status,
            )
        )
    copier.write(flights)
    enrollments = []
    kinds = [ChangeKind.NEW_ENTITY, ChangeKind.NEW_TERRITORY, ChangeKind.NEW_FUNCTIONALITY, ChangeKind.BANKING]
    for index, mp in enumerate(mps["ids"]):
        if index % 7 not in (0, 5):
            continue
        flight = rng.choice(flights)
        done = flight.status == FlightStatus.COMPLETED
        enrollments.append(
            Enrollment(
                flight_id=flight.pk,
                participant_id=mp,
                participant_kind=rng.choice(list(ParticipantKind.values)),
                change_kind=rng.choice(kinds),
                status=rng.choice([EnrollmentStatus.LETTER_SENT, EnrollmentStatus.RECORDED])
                if done
                else rng.choice([EnrollmentStatus.ENROLLED, EnrollmentStatus.TESTING, EnrollmentStatus.HANDED_OVER]),
                enrolled_by_id=people["flight_admin"].pk,
            )
        )
    copier.write(enrollments)


def _plans(copier: Copier, rng: random.Random, people: dict, mps: dict, recent: dict) -> None:
    from plans.models import (
        AccountPlan,
        ActionItem,
        ActionItemStatus,
        ActionSide,
        FeedbackChannel,
        Meeting,
        MeetingAttendee,
        MeetingStatus,
        PerformanceFeedback,
        PlanObjective,
    )

    now = timezone.now()
    today = timezone.localdate(now)
    plans, objectives, items, meetings, attendees, feedback = [], [], [], [], [], []
    for index, mp in enumerate(mps["ids"]):
        manager = mps["manager"].get(mp)
        if manager is None or (index and index % 5 in (1, 3)):
            continue
        am = mps["manager_user"][manager.pk]
        ar = mps["ar"][mp]
        big = mp == mps["big"]
        plan = AccountPlan(
            participant_id=mp,
            summary="Growing retail book in the Houston and DFW areas.",
            next_review_date=today + datetime.timedelta(days=rng.randint(-20, 120)),
            updated_by_id=am.pk,
        )
        plans.append(plan)
        copier.give_ids([plan])
        mp_objectives = [
            PlanObjective(
                plan_id=plan.pk,
                kind=rng.choice(list(PlanObjective.Kind.values)),
                title=f"Objective {k + 1}: fewer settlement disputes",
                target_date=today + 60 * DAY * (k + 1),
                status=PlanObjective.Status.OPEN if k else rng.choice(list(PlanObjective.Status.values)),
            )
            for k in range(8 if big else rng.randint(0, 3))
        ]
        copier.give_ids(mp_objectives)
        objectives += mp_objectives
        mp_meetings = []
        for k in range(25 if big else rng.randint(0, 4)):
            starts = now + datetime.timedelta(days=rng.uniform(-200, 60))
            past = starts < now
            status = (
                rng.choice([MeetingStatus.HELD, MeetingStatus.HELD, MeetingStatus.CANCELLED])
                if past
                else MeetingStatus.SCHEDULED
            )
            meeting = Meeting(
                participant_id=mp,
                title=f"Quarterly account review {k + 1}",
                agenda="Open items, disputes, notices.",
                starts_at=starts,
                ends_at=starts + HOUR,
                location="Teams",
                organizer_id=am.pk,
                status=status,
                minutes="Reviewed the open items." if status == MeetingStatus.HELD else "",
                minutes_shared_at=starts + 2 * HOUR if status == MeetingStatus.HELD and rng.random() < 0.6 else None,
                objective_id=rng.choice(mp_objectives).pk if mp_objectives and rng.random() < 0.3 else None,
                cancellation_reason="MP asked to move it." if status == MeetingStatus.CANCELLED else "",
                created_at=starts - 14 * DAY,
            )
            mp_meetings.append(meeting)
        copier.give_ids(mp_meetings)
        meetings += mp_meetings
        for meeting in mp_meetings:
            attendees.append(
                MeetingAttendee(meeting_id=meeting.pk, user_id=am.pk, email=am.email, name=am.full_name, is_staff=True)
            )
            attendees.append(MeetingAttendee(meeting_id=meeting.pk, user_id=ar.pk, email=ar.email, name=ar.full_name))
        cases = list(recent.get(mp, ()))
        for k in range(60 if big else rng.randint(0, 8)):
            mine = rng.random() < 0.6
            status = _weighted(
                rng,
                [
                    (ActionItemStatus.OPEN, 45),
                    (ActionItemStatus.IN_PROGRESS, 15),
                    (ActionItemStatus.DONE, 35),
                    (ActionItemStatus.CANCELLED, 5),
                ],
            )
            done = status == ActionItemStatus.DONE
            items.append(
                ActionItem(
                    participant_id=mp,
                    title=f"Follow up item {k + 1}",
                    owner_id=am.pk if mine else ar.pk,
                    side=ActionSide.OPERATOR if mine else ActionSide.PARTICIPANT,
                    due_date=today + datetime.timedelta(days=rng.randint(-45, 60)),
                    status=status,
                    completed_at=now - datetime.timedelta(days=rng.uniform(0, 40)) if done else None,
                    completed_by_id=(am.pk if mine else ar.pk) if done else None,
                    objective_id=rng.choice(mp_objectives).pk if mp_objectives and rng.random() < 0.4 else None,
                    meeting_id=rng.choice(mp_meetings).pk if mp_meetings and rng.random() < 0.3 else None,
                    case_id=rng.choice(cases)[0] if cases and rng.random() < 0.3 else None,
                    created_by_id=am.pk,
                )
            )
        for _k in range(20 if big else rng.randint(0, 3)):
            rating = rng.randint(1, 5)
            feedback.append(
                PerformanceFeedback(
                    participant_id=mp,
                    channel=rng.choice(list(FeedbackChannel.values)),
                    rating=rating,
                    comments="Settlement answers were quick." if rng.random() < 0.5 else "",
                    submitted_by_id=ar.pk,
                    recorded_by_id=am.pk,
                    follow_up_status=(
                        PerformanceFeedback.FollowUp.OPEN if rating <= 3 else PerformanceFeedback.FollowUp.NOT_NEEDED
                    ),
                    created_at=now - datetime.timedelta(days=rng.uniform(0, 365)),
                )
            )
    copier.write(plans)
    copier.write(objectives)
    copier.write(meetings)
    copier.write(attendees)
    copier.write(items)
    copier.write(feedback)
