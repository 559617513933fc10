"""``manage.py seed_demo``: a believable demo market, built through the services.

Idempotent: every row is looked up first (users by email, MPs by short name,
AM profiles by user, memberships by user + MP + role, assignments by MP) and
skipped when it exists, so a second run creates nothing. The whole market is
planned up front from ``random.Random(2026)`` and only then applied, so the
data is the same on every machine and on every run.

Participants, AM profiles, AM assignments and memberships are created only
through the apps' services, so each has its audit events. Users have no
service of their own and are created directly.

Later issues add sections: write ``seed_<thing>(ctx)`` taking the
:class:`DemoContext` (which holds the users, participants and AMs by key) and
call it from :meth:`Command.handle` after the existing sections. Use
``ctx.section_rng("<thing>")`` so a new section never shifts the data of the
sections before it.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.email_address import canonical_email
from accounts.models import (
    AccountManager,
    AccountManagerAssignment,
    ContactRank,
    ContactRole,
    MarketParticipant,
    Membership,
    ParticipantStatus,
    User,
)
from accounts.roles import StaffGroup
from accounts.services import (
    ParticipantInput,
    account_manager_assign,
    account_manager_create,
    membership_add,
    participant_create,
    participant_set_status,
    participant_update,
)
from cases.management.seed_cases import seed_cases
from cases.models import Case
from ercot_services.core.models import AuditEvent
from notices.management.seed_notices import seed_notices
from notices.models import Notice
from plans.management.seed_plans import action_old_patterns, seed_plans
from plans.models import ActionItem, Meeting
from qualification.management.seed_qualification import seed_qualification
from qualification.models import QualificationLetter
from registration.management.seed_registration import seed_registration
from registration.models import Application

SEED = 2026
DEFAULT_PASSWORD = "demo-pass-2026"
SITE_URL = "http://127.0.0.1:8000/"
STAFF_DOMAIN = "ercot.example"
AM_PHONE = "(512) 248-3900"
DEMO_REASON = "Demo data (seed_demo)"

# --------------------------------------------------------------------------
# The plan: who exists in the demo market
# --------------------------------------------------------------------------

SUPERUSER = ("admin@ercot.example", "Site Administrator", "System Administrator")

ACCOUNT_MANAGERS = [
    ("am.garcia@ercot.example", "Maria Garcia"),
    ("am.whitfield@ercot.example", "James Whitfield"),
    ("am.raman@ercot.example", "Priya Raman"),
    ("am.okafor@ercot.example", "Daniel Okafor"),
    ("am.castillo@ercot.example", "Laura Castillo"),
    ("am.nguyen@ercot.example", "Kevin Nguyen"),
]

# (email, full name, job title, group)
OTHER_STAFF = [
    ("lead@ercot.example", "Rebecca Holloway", "Manager, Client Services", StaffGroup.CLIENT_SERVICES_LEAD),
    ("retailops@ercot.example", "Tomas Herrera", "Retail Market Operations Analyst", StaffGroup.RETAIL_OPERATIONS),
    (
        "flightadmin@ercot.example",
        "Angela Brooks",
        "Retail Market Testing Flight Administrator",
        StaffGroup.FLIGHT_ADMINISTRATOR,
    ),
    ("servicedesk@ercot.example", "Marcus Lee", "Service Desk Analyst", StaffGroup.SERVICE_DESK),
    (
        "mass.analyst@ercot.example",
        "Priya Shah",
        "Market Application Support Analyst",
        StaffGroup.MARKET_APPLICATION_SUPPORT,
    ),
    ("publisher1@ercot.example", "Sandra Whitaker", "Market Communications Specialist", StaffGroup.NOTICE_PUBLISHER),
    ("publisher2@ercot.example", "Victor Ramos", "Market Communications Specialist", StaffGroup.NOTICE_PUBLISHER),
]

COMPETITIVE_TERRITORIES = ["ONCOR", "CNP", "AEP-TCC", "AEP-TNC", "TNMP", "LPL"]

# (short name, legal name, mail domain, city)
TDSPS = [
    ("ONCOR", "Oncor Electric Delivery Company LLC", "oncor.example", "Dallas"),
    ("CNP", "CenterPoint Energy Houston Electric, LLC", "centerpoint.example", "Houston"),
    ("AEP-TCC", "AEP Texas Central Company", "aeptexas.example", "Corpus Christi"),
    ("AEP-TNC", "AEP Texas North Company", "aeptexas.example", "Abilene"),
    ("TNMP", "Texas-New Mexico Power Company", "tnmp.example", "Lewisville"),
    ("LPL", "Lubbock Power & Light", "lpl.example", "Lubbock"),
]

# (short name, legal name, mail domain, city, status)
REPS = [
    ("BLUEBONNET", "Bluebonnet Power LLC", "bluebonnetpower.example", "Austin", ParticipantStatus.ACTIVE),
    ("LSRE", "Lone Star Retail Energy LLC", "lonestarretail.example", "Houston", ParticipantStatus.ACTIVE),
    ("PECOS", "Pecos Valley Electric LLC", "pecosvalley.example", "Midland", ParticipantStatus.ACTIVE),
    ("GCPL", "Gulf Coast Power & Light Co.", "gulfcoastpl.example", "Galveston", ParticipantStatus.ACTIVE),
    ("HILLCOUNTRY", "Hill Country Energy LLC", "hillcountryenergy.example", "Kerrville", ParticipantStatus.ACTIVE),
    ("BRAZOS", "Brazos Home Power LLC", "brazoshome.example", "Waco", ParticipantStatus.ACTIVE),
    ("PRAIRIEWIND", "Prairie Wind Retail LLC", "prairiewind.example", "Amarillo", ParticipantStatus.REGISTERING),
    ("CAPROCK", "Caprock Electric Supply LLC", "caprockelectric.example", "Lubbock", ParticipantStatus.QUALIFYING),
    ("TRINITY", "Trinity River Energy LLC", "trinityriver.example", "Fort Worth", ParticipantStatus.ACTIVE),
    ("MESQUITE", "Mesquite Power Company", "mesquitepower.example", "Mesquite", ParticipantStatus.ACTIVE),
    ("BIGSKY", "Big Sky Texas Energy LLC", "bigskytexas.example", "San Angelo", ParticipantStatus.ACTIVE),
    ("ALAMO", "Alamo City Electric LLC", "alamocityelectric.example", "San Antonio", ParticipantStatus.ACTIVE),
    ("GULFSTREAM", "Gulfstream Retail Power LLC", "gulfstreampower.example", "Beaumont", ParticipantStatus.ACTIVE),
    ("PINEYWOODS", "Piney Woods Power LLC", "pineywoodspower.example", "Tyler", ParticipantStatus.ACTIVE),
    (
        "REDRIVER",
        "Red River Retail Electric LLC",
        "redriverelectric.example",
        "Wichita Falls",
        ParticipantStatus.ACTIVE,
    ),
    ("LONGHORN", "Longhorn Light & Power LLC", "longhornlp.example", "College Station", ParticipantStatus.ACTIVE),
    ("COASTALBEND", "Coastal Bend Energy LLC", "coastalbend.example", "Corpus Christi", ParticipantStatus.ACTIVE),
    ("PANHANDLE", "Panhandle Plains Power LLC", "panhandleplains.example", "Amarillo", ParticipantStatus.ACTIVE),
    ("LANTANA", "Lantana Energy LLC", "lantanaenergy.example", "Denton", ParticipantStatus.REGISTERING),
    ("SABINE", "Sabine Electric Retail LLC", "sabineelectric.example", "Orange", ParticipantStatus.QUALIFYING),
]

# (short name, legal name, mail domain, city, roles, status)
WHOLESALE = [
    # The Bluebonnet affiliate shares its Authorized Representative with the REP (portal MP switcher).
    ("BBES", "Bluebonnet Energy Services LLC", "bluebonnetpower.example", "Austin", ["QSE"], ParticipantStatus.ACTIVE),
    (
        "PERMIANGEN",
        "Permian Basin Generation LP",
        "permiangen.example",
        "Odessa",
        ["QSE", "RE"],
        ParticipantStatus.ACTIVE,
    ),
    (
        "WTXWIND",
        "West Texas Wind Partners LLC",
        "westtexaswind.example",
        "Sweetwater",
        ["QSE", "RE"],
        ParticipantStatus.ACTIVE,
    ),
    (
        "GCSS",
        "Gulf Coast Scheduling Services LLC",
        "gcscheduling.example",
        "Houston",
        ["QSE"],
        ParticipantStatus.ACTIVE,
    ),
    ("REDOAK", "Red Oak Capital Trading LLC", "redoakcapital.example", "Dallas", ["CRRAH"], ParticipantStatus.ACTIVE),
    (
        "BLACKLAND",
        "Blackland Prairie Hedging LLC",
        "blacklandhedging.example",
        "Austin",
        ["CRRAH"],
        ParticipantStatus.ACTIVE,
    ),
]

# Potential MPs that contacted Client Relations through the Service Desk: no AM yet.
PROSPECTS = [
    ("SUNDANCE", "Sundance Solar Retail LLC", "sundancesolar.example", "El Paso", ["REP", "LSE"]),
    ("CYPRESS", "Cypress Creek Energy Storage LLC", "cypresscreekstorage.example", "Houston", ["RE"]),
]

SHARED_AR = {"BBES": "BLUEBONNET"}  # MP -> MP whose Authorized Representative it shares

FIRST_NAMES = [
    "Alicia",
    "Ben",
    "Carla",
    "Derek",
    "Elena",
    "Frank",
    "Gabriela",
    "Hector",
    "Irene",
    "Jason",
    "Karen",
    "Luis",
    "Megan",
    "Nathan",
    "Olivia",
    "Paul",
    "Rosa",
    "Samuel",
    "Tanya",
    "Victor",
    "Wendy",
    "Adrian",
    "Brenda",
    "Carlos",
    "Diana",
    "Eric",
    "Fiona",
    "Grant",
    "Holly",
    "Ivan",
    "Julia",
    "Kyle",
    "Lena",
    "Marco",
    "Nora",
    "Oscar",
    "Rachel",
    "Scott",
    "Teresa",
    "Wade",
]
LAST_NAMES = [
    "Anderson",
    "Baker",
    "Chavez",
    "Dawson",
    "Estrada",
    "Fowler",
    "Gonzalez",
    "Harper",
    "Ingram",
    "Jensen",
    "Kowalski",
    "Lopez",
    "Morales",
    "Nichols",
    "Ortiz",
    "Patel",
    "Quintero",
    "Reyes",
    "Sullivan",
    "Thompson",
    "Underwood",
    "Vasquez",
    "Walker",
    "Young",
    "Zamora",
    "Bishop",
    "Carter",
    "Delgado",
    "Ellis",
    "Flores",
    "Guerrero",
    "Hoffman",
    "Iverson",
    "Kim",
    "Lambert",
    "Medina",
    "Nolan",
    "Pham",
    "Rios",
    "Sandoval",
]
STREETS = ["Congress Ave", "Main St", "Commerce St", "Louisiana St", "Broadway", "Texas Ave", "University Blvd"]
AREA_CODES = {
    "Austin": "512",
    "Houston": "713",
    "Dallas": "214",
    "Fort Worth": "817",
    "San Antonio": "210",
    "Corpus Christi": "361",
    "Lubbock": "806",
    "Amarillo": "806",
    "Midland": "432",
    "Odessa": "432",
}

CONTACT_TITLES = {
    ContactRole.AUTHORIZED_REPRESENTATIVE: [
        "Vice President, Regulatory Affairs",
        "Director of Market Operations",
        "Chief Operating Officer",
    ],
    ContactRole.BACKUP_AUTHORIZED_REPRESENTATIVE: ["Manager, Market Operations", "Regulatory Compliance Manager"],
    ContactRole.CREDIT: ["Credit Manager", "Treasury Analyst"],
    ContactRole.SETTLEMENT: ["Settlement Analyst", "Settlements Manager"],
    ContactRole.TECHNICAL: ["EDI Technical Lead", "Market Systems Engineer"],
    ContactRole.USER_SECURITY_ADMINISTRATOR: ["IT Security Administrator", "Systems Administrator"],
}
EXTRA_ROLES = [
    ContactRole.CREDIT,
    ContactRole.SETTLEMENT,
    ContactRole.TECHNICAL,
    ContactRole.USER_SECURITY_ADMINISTRATOR,
]

REASSIGN_REASONS = [
    "Book rebalanced across the Client Services team",
    "Previous AM moved to the wholesale portfolio",
    "Coverage realigned by market segment",
    "Previous AM on extended leave; permanent handover",
    "Participant entered a new service territory; moved to the AM covering it",
]


@dataclass
class ContactPlan:
    email: str
    full_name: str
    job_title: str
    phone: str
    contact_role: str
    rank: str = ContactRank.PRIMARY


@dataclass
class ParticipantPlan:
    short_name: str
    legal_name: str
    domain: str
    city: str
    roles: list[str]
    status: str
    territories: list[str]
    duns_number: str
    operator_id: str | None
    address: str
    contacts: list[ContactPlan] = field(default_factory=list)
    account_manager_email: str | None = None
    previous_account_manager_email: str | None = None
    reassign_reason: str = ""

    @property
    def website(self) -> str:
        return f"https://www.{self.domain}"


@dataclass
class DemoContext:
    """What the sections share: the plan, the rows by key, and what this run created."""

    stdout: object
    style: object
    password: str
    password_hash: str
    reset_passwords: bool
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))
    users: dict[str, User] = field(default_factory=dict)
    participants: dict[str, MarketParticipant] = field(default_factory=dict)
    account_managers: dict[str, AccountManager] = field(default_factory=dict)
    plan: list[ParticipantPlan] = field(default_factory=list)
    created: Counter = field(default_factory=Counter)
    signins: list[tuple[str, str, str]] = field(default_factory=list)  # (role, email, lands on)

    def section_rng(self, name: str) -> random.Random:
        return random.Random(f"{SEED}:{name}")

    @property
    def lead(self) -> User:
        return self.users["lead@ercot.example"]

    @property
    def service_desk(self) -> User:
        return self.users["servicedesk@ercot.example"]

    def get_or_create_user(self, email: str, full_name: str, **extra) -> User:
        email = canonical_email(email)
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, full_name=full_name, password=self.password_hash, **extra)
            user.save()
            self.created["users"] += 1
        elif self.reset_passwords:
            user.password = self.password_hash
            user.save(update_fields=["password"])
        self.users[email] = user
        return user


# --------------------------------------------------------------------------
# Planning (pure: only the random generator, no database)
# --------------------------------------------------------------------------


def _digits(rng: random.Random, n: int) -> str:
    return str(rng.randint(10 ** (n - 1), 10**n - 1))


def plan_market(rng: random.Random) -> list[ParticipantPlan]:
    """Every MP, its contacts and its AM, decided before anything is written."""
    used_duns: set[str] = set()
    used_operator_ids: set[str] = set()
    used_emails: set[str] = set()

    def duns() -> str:
        while True:
            value = _digits(rng, 9)
            if value not in used_duns:
                used_duns.add(value)
                return value

    def operator_id() -> str:
        while True:
            value = f"MP-{rng.randint(100, 9999):06d}"
            if value not in used_operator_ids:
                used_operator_ids.add(value)
                return value

    def address(city: str) -> str:
        return f"{rng.randint(100, 9899)} {rng.choice(STREETS)}\n{city}, TX {rng.randint(75001, 79999)}"

    def person(domain: str, city: str, role: str, rank: str = ContactRank.PRIMARY) -> ContactPlan:
        while True:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            email = f"{first}.{last}@{domain}".lower()
            if email not in used_emails:
                used_emails.add(email)
                break
        area = AREA_CODES.get(city, "512")
        return ContactPlan(
            email=email,
            full_name=f"{first} {last}",
            job_title=rng.choice(CONTACT_TITLES[role]),
            phone=f"({area}) 555-{rng.randint(100, 199):04d}",
            contact_role=role,
            rank=rank,
        )

    plans: list[ParticipantPlan] = []
    for short, legal, domain, city in TDSPS:
        plans.append(
            ParticipantPlan(
                short,
                legal,
                domain,
                city,
                ["TDSP"],
                ParticipantStatus.ACTIVE,
                [short],
                duns(),
                operator_id(),
                address(city),
            )
        )
    for short, legal, domain, city, status in REPS:
        territories = sorted(rng.sample(COMPETITIVE_TERRITORIES[:5], k=rng.choice([1, 2, 2, 3])))
        if rng.random() < 0.15:
            territories.append("LPL")
        plans.append(
            ParticipantPlan(
                short, legal, domain, city, ["REP", "LSE"], status, territories, duns(), operator_id(), address(city)
            )
        )
    for short, legal, domain, city, roles, status in WHOLESALE:
        plans.append(
            ParticipantPlan(short, legal, domain, city, roles, status, [], duns(), operator_id(), address(city))
        )
    for short, legal, domain, city, roles in PROSPECTS:
        plans.append(
            ParticipantPlan(
                short, legal, domain, city, roles, ParticipantStatus.PROSPECTIVE, [], duns(), None, address(city)
            )
        )

    # Contacts: an AR (primary) and a Backup AR (secondary) each, and for some MPs more.
    by_short = {p.short_name: p for p in plans}
    for plan in plans:
        shared = SHARED_AR.get(plan.short_name)
        if shared:
            ar = by_short[shared].contacts[0]
            plan.contacts.append(
                ContactPlan(ar.email, ar.full_name, ar.job_title, ar.phone, ContactRole.AUTHORIZED_REPRESENTATIVE)
            )
        else:
            plan.contacts.append(person(plan.domain, plan.city, ContactRole.AUTHORIZED_REPRESENTATIVE))
        plan.contacts.append(
            person(plan.domain, plan.city, ContactRole.BACKUP_AUTHORIZED_REPRESENTATIVE, ContactRank.SECONDARY)
        )
        if plan.status == ParticipantStatus.PROSPECTIVE:
            continue
        for role in rng.sample(EXTRA_ROLES, k=rng.choice([0, 1, 1, 2, 3])):
            plan.contacts.append(person(plan.domain, plan.city, role))

    # Account Managers: books of equal size (±1) over every MP that is not prospective.
    managed = [p for p in plans if p.status != ParticipantStatus.PROSPECTIVE]
    order = list(managed)
    rng.shuffle(order)
    am_emails = [email for email, _ in ACCOUNT_MANAGERS]
    for index, plan in enumerate(order):
        plan.account_manager_email = am_emails[index % len(am_emails)]
    # A few MPs had another AM first, so assignment history exists.
    for plan in rng.sample(managed, k=5):
        others = [e for e in am_emails if e != plan.account_manager_email]
        plan.previous_account_manager_email = rng.choice(others)
        plan.reassign_reason = rng.choice(REASSIGN_REASONS)
    return plans


# --------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------


def seed_staff(ctx: DemoContext) -> None:
    """The superuser, the staff groups' users and the Account Manager profiles."""
    email, name, title = SUPERUSER
    ctx.get_or_create_user(email, name, job_title=title, is_staff=True, is_superuser=True)
    ctx.signins.append(("Superuser (administrator; also /admin/)", email, "/workspace/"))

    for email, name, title, group_name in OTHER_STAFF:
        user = ctx.get_or_create_user(email, name, job_title=title, is_staff=True, phone=AM_PHONE)
        user.groups.add(Group.objects.get(name=group_name))
        ctx.signins.append((group_name, email, "/workspace/"))

    am_group = Group.objects.get(name=StaffGroup.ACCOUNT_MANAGER)
    rng = ctx.section_rng("staff")
    extensions = rng.sample(range(3000, 7000), k=len(ACCOUNT_MANAGERS))
    for (email, name), extension in zip(ACCOUNT_MANAGERS, extensions, strict=True):
        user = ctx.get_or_create_user(
            email,
            name,
            job_title="Client Services Account Manager",
            is_staff=True,
            phone=f"{AM_PHONE} ext. {extension}",
        )
        user.groups.add(am_group)
        manager = AccountManager.objects.filter(user=user).first()
        if manager is None:
            manager = account_manager_create(
                actor=ctx.lead, user=user, phone=AM_PHONE, extension=str(extension), email=email
            )
            ctx.created["account managers"] += 1
        ctx.account_managers[email] = manager
    ctx.signins.append((StaffGroup.ACCOUNT_MANAGER, ACCOUNT_MANAGERS[0][0], "/workspace/"))


def seed_participants(ctx: DemoContext) -> None:
    """The MPs, walked through the lifecycle services to their planned status."""
    for plan in ctx.plan:
        participant = MarketParticipant.objects.filter(short_name=plan.short_name).first()
        if participant is None:
            prospective = plan.status == ParticipantStatus.PROSPECTIVE
            actor = ctx.service_desk if prospective else ctx.lead
            # Active MPs already are in the market; the others start as prospects and move on.
            initial = (
                ParticipantStatus.ACTIVE if plan.status == ParticipantStatus.ACTIVE else ParticipantStatus.PROSPECTIVE
            )
            participant = participant_create(
                actor=actor,
                data=ParticipantInput(
                    legal_name=plan.legal_name,
                    short_name=plan.short_name,
                    duns_number=plan.duns_number,
                    operator_id=plan.operator_id,
                    role_codes=plan.roles,
                    territory_codes=plan.territories,
                    status=initial,
                ),
                reason=(
                    "Potential MP contacted Client Relations through the Service Desk" if prospective else DEMO_REASON
                ),
            )
            participant_update(
                actor=actor,
                participant=participant,
                website=plan.website,
                address=plan.address,
                reason="Company details from the Standard Form Agreement",
            )
            if plan.status in (ParticipantStatus.REGISTERING, ParticipantStatus.QUALIFYING):
                participant_set_status(
                    actor=ctx.lead,
                    participant=participant,
                    status=ParticipantStatus.REGISTERING,
                    reason="Registration application and SFA received",
                )
            if plan.status == ParticipantStatus.QUALIFYING:
                participant = participant_set_status(
                    actor=ctx.lead,
                    participant=participant,
                    status=ParticipantStatus.QUALIFYING,
                    reason="Registration approved; market testing (flight) to follow",
                )
            ctx.created["participants"] += 1
        ctx.participants[plan.short_name] = participant


def seed_assignments(ctx: DemoContext) -> None:
    """Every MP that is not prospective gets its AM; a few had another AM before."""
    assigned = set(
        AccountManagerAssignment.objects.filter(participant__in=ctx.participants.values()).values_list(
            "participant_id", flat=True
        )
    )
    for plan in ctx.plan:
        participant = ctx.participants[plan.short_name]
        if plan.account_manager_email is None or participant.pk in assigned:
            continue
        if plan.previous_account_manager_email:
            account_manager_assign(
                actor=ctx.lead,
                participant=participant,
                account_manager=ctx.account_managers[plan.previous_account_manager_email],
                reason="Initial assignment at registration",
            )
            ctx.created["assignments"] += 1
        account_manager_assign(
            actor=ctx.lead,
            participant=participant,
            account_manager=ctx.account_managers[plan.account_manager_email],
            reason=plan.reassign_reason or "Initial assignment at registration",
        )
        ctx.created["assignments"] += 1


def seed_contacts(ctx: DemoContext) -> None:
    """The MPs' people: AR, Backup AR and some credit, settlement, technical and USA contacts."""
    existing = set(
        Membership.objects.filter(participant__in=ctx.participants.values()).values_list(
            "user__email", "participant__short_name", "contact_role"
        )
    )
    for plan in ctx.plan:
        participant = ctx.participants[plan.short_name]
        actor = ctx.users.get(plan.account_manager_email) if plan.account_manager_email else ctx.service_desk
        for contact in plan.contacts:
            user = ctx.get_or_create_user(
                contact.email, contact.full_name, job_title=contact.job_title, phone=contact.phone
            )
            if (user.email, plan.short_name, contact.contact_role) in existing:
                continue
            membership_add(
                actor=actor,
                participant=participant,
                user=user,
                contact_role=contact.contact_role,
                rank=contact.rank,
                reason="Named on the registration forms",
            )
            ctx.created["memberships"] += 1


def collect_portal_signins(ctx: DemoContext) -> None:
    by_short = {p.short_name: p for p in ctx.plan}

    def add(label: str, short: str, role: str) -> None:
        contact = next(c for c in by_short[short].contacts if c.contact_role == role)
        ctx.signins.append((label, contact.email, "/portal/"))

    add("MP Authorized Rep (REP + its QSE: two MPs)", "BLUEBONNET", ContactRole.AUTHORIZED_REPRESENTATIVE)
    add("MP Backup Authorized Rep (REP)", "LSRE", ContactRole.BACKUP_AUTHORIZED_REPRESENTATIVE)
    add("MP Authorized Rep (TDSP)", "ONCOR", ContactRole.AUTHORIZED_REPRESENTATIVE)
    add("MP Authorized Rep (QSE + RE)", "PERMIANGEN", ContactRole.AUTHORIZED_REPRESENTATIVE)
    add("MP Authorized Rep (REP, registering)", "PRAIRIEWIND", ContactRole.AUTHORIZED_REPRESENTATIVE)
    add("MP Authorized Rep (REP, qualifying)", "CAPROCK", ContactRole.AUTHORIZED_REPRESENTATIVE)
    add("Potential MP (prospective, no AM)", "SUNDANCE", ContactRole.AUTHORIZED_REPRESENTATIVE)
    for plan in ctx.plan:
        other = next((c for c in plan.contacts if c.contact_role in EXTRA_ROLES), None)
        if other is not None:
            label = dict(ContactRole.choices)[other.contact_role]
            ctx.signins.append((f"MP {label} ({plan.short_name})", other.email, "/portal/"))
            break


# --------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------


def _counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "staff users": User.objects.filter(is_staff=True).count(),
        "MP users": User.objects.filter(is_staff=False).count(),
        "participants": MarketParticipant.objects.count(),
        "account managers": AccountManager.objects.count(),
        "assignments": AccountManagerAssignment.objects.count(),
        "memberships": Membership.objects.count(),
        "audit events": AuditEvent.objects.count(),
        "cases": Case.objects.count(),
        "applications": Application.objects.count(),
        "letters": QualificationLetter.objects.count(),
        "notices": Notice.objects.count(),
        "action items": ActionItem.objects.count(),
        "meetings": Meeting.objects.count(),
    }


class Command(BaseCommand):
    help = "Create a believable demo market (staff, MPs, AMs, contacts) through the services. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default=DEFAULT_PASSWORD, help=f"Password of every demo user (default {DEFAULT_PASSWORD!r})."
        )
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Also set the password of demo users that already exist.",
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        before = _counts()
        ctx = DemoContext(
            stdout=self.stdout,
            style=self.style,
            password=options["password"],
            password_hash=make_password(options["password"]),
            reset_passwords=options["reset_passwords"],
        )
        ctx.plan = plan_market(ctx.rng)
        with transaction.atomic():
            seed_staff(ctx)
            seed_participants(ctx)
            seed_assignments(ctx)
            seed_contacts(ctx)
            seed_cases(ctx, act_on_old_patterns=action_old_patterns)
            seed_registration(ctx)
            seed_qualification(ctx)
            seed_notices(ctx)
            seed_plans(ctx)
            # Later sections (registrations, flights, notices) go here.
        collect_portal_signins(ctx)
        self._report(ctx, before, _counts(), time.monotonic() - started)

    def _report(self, ctx: DemoContext, before: dict, after: dict, seconds: float) -> None:
        write = self.stdout.write
        write("")
        write(self.style.MIGRATE_HEADING("Demo data"))
        width = max(len(k) for k in after)
        for key, total in after.items():
            added = total - before[key]
            note = self.style.SUCCESS(f"+{added}") if added else "+0"
            write(f"  {key:<{width}}  {total:>5}  ({note})")
        if not any(after[k] - before[k] for k in after):
            write("  Nothing new: the demo data was already there.")
        write(f"  ({seconds:.1f}s)")
        write("")
        write(self.style.MIGRATE_HEADING("Sign in at " + SITE_URL))
        rows = [("Role", "Email", "Password", "Lands on")] + [
            (role, email, ctx.password, lands) for role, email, lands in ctx.signins
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        line = "  " + "  ".join("-" * w for w in widths)
        for index, row in enumerate(rows):
            write("  " + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
            if index == 0:
                write(line)
        if not ctx.reset_passwords and before["users"]:
            write("  Users that existed before this run keep their password; use --reset-passwords to set it again.")
        write("")
        write(f"Every demo user has the same password. Open {SITE_URL}")
