"""The demo market's plan (``seed_demo``): every MP, its contacts and its AM, decided before anything is written.

Pure: only the random generator it is given, no database, so the same generator gives the same market on every
machine and every run. The order in which values are drawn is part of the data: a change here changes the demo.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from accounts.models import ContactRank, ContactRole, ParticipantStatus

from .demo_market import (
    ACCOUNT_MANAGERS,
    AREA_CODES,
    COMPETITIVE_TERRITORIES,
    CONTACT_TITLES,
    EXTRA_ROLES,
    FIRST_NAMES,
    LAST_NAMES,
    PROSPECTS,
    REASSIGN_REASONS,
    REPS,
    SHARED_AR,
    STREETS,
    TDSPS,
    WHOLESALE,
)


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


def _digits(rng: random.Random, n: int) -> str:
    return str(rng.randint(10 ** (n - 1), 10**n - 1))


class _Draw:
    """Identifiers, addresses and people drawn from the plan's generator; no identifier or email twice."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used_duns: set[str] = set()
        self.used_operator_ids: set[str] = set()
        self.used_emails: set[str] = set()

    def duns(self) -> str:
        while True:
            value = _digits(self.rng, 9)
            if value not in self.used_duns:
                self.used_duns.add(value)
                return value

    def operator_id(self) -> str:
        while True:
            value = f"MP-{self.rng.randint(100, 9999):06d}"
            if value not in self.used_operator_ids:
                self.used_operator_ids.add(value)
                return value

    def address(self, city: str) -> str:
        rng = self.rng
        return f"{rng.randint(100, 9899)} {rng.choice(STREETS)}\n{city}, TX {rng.randint(75001, 79999)}"

    def person(self, domain: str, city: str, role: str, rank: str = ContactRank.PRIMARY) -> ContactPlan:
        rng = self.rng
        while True:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            email = f"{first}.{last}@{domain}".lower()
            if email not in self.used_emails:
                self.used_emails.add(email)
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


def _participants(draw: _Draw) -> list[ParticipantPlan]:
    """The MPs of every segment, in order: TDSPs, REPs, wholesale MPs, prospects."""
    rng = draw.rng
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
                draw.duns(),
                draw.operator_id(),
                draw.address(city),
            )
        )
    for short, legal, domain, city, status in REPS:
        territories = sorted(rng.sample(COMPETITIVE_TERRITORIES[:5], k=rng.choice([1, 2, 2, 3])))
        if rng.random() < 0.15:
            territories.append("LPL")
        plans.append(
            ParticipantPlan(
                short,
                legal,
                domain,
                city,
                ["REP", "LSE"],
                status,
                territories,
                draw.duns(),
                draw.operator_id(),
                draw.address(city),
            )
        )
    for short, legal, domain, city, roles, status in WHOLESALE:
        plans.append(
            ParticipantPlan(
                short, legal, domain, city, roles, status, [], draw.duns(), draw.operator_id(), draw.address(city)
            )
        )
    for short, legal, domain, city, roles in PROSPECTS:
        plans.append(
            ParticipantPlan(
                short,
                legal,
                domain,
                city,
                roles,
                ParticipantStatus.PROSPECTIVE,
                [],
                draw.duns(),
                None,
                draw.address(city),
            )
        )
    return plans


def _add_contacts(plans: list[ParticipantPlan], draw: _Draw) -> None:
    """An AR (primary) and a Backup AR (secondary) each, and for some MPs more."""
    by_short = {p.short_name: p for p in plans}
    for plan in plans:
        shared = SHARED_AR.get(plan.short_name)
        if shared:
            ar = by_short[shared].contacts[0]
            plan.contacts.append(
                ContactPlan(ar.email, ar.full_name, ar.job_title, ar.phone, ContactRole.AUTHORIZED_REPRESENTATIVE)
            )
        else:
            plan.contacts.append(draw.person(plan.domain, plan.city, ContactRole.AUTHORIZED_REPRESENTATIVE))
        plan.contacts.append(
            draw.person(plan.domain, plan.city, ContactRole.BACKUP_AUTHORIZED_REPRESENTATIVE, ContactRank.SECONDARY)
        )
        if plan.status == ParticipantStatus.PROSPECTIVE:
            continue
        for role in draw.rng.sample(EXTRA_ROLES, k=draw.rng.choice([0, 1, 1, 2, 3])):
            plan.contacts.append(draw.person(plan.domain, plan.city, role))


def _assign_account_managers(plans: list[ParticipantPlan], rng: random.Random) -> None:
    """Books of equal size (±1) over every MP that is not prospective; a few MPs had another AM first."""
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


def plan_market(rng: random.Random) -> list[ParticipantPlan]:
    """Every MP, its contacts and its AM, decided before anything is written."""
    draw = _Draw(rng)
    plans = _participants(draw)
    _add_contacts(plans, draw)
    _assign_account_managers(plans, rng)
    return plans
