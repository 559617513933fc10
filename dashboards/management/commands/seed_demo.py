"""``manage.py seed_demo``: a believable demo market, built through the services.

This command composes the apps' sections, each in its app's ``management`` package: people and participants
(``accounts.management.seed_accounts``, from the plan in ``demo_plan`` drawn over the data in ``demo_market``),
then cases, registration, qualification, notices and plans. It runs them in one transaction and reports what
exists and who can sign in.

Idempotent: each section looks its rows up first and skips what exists, so a second run creates nothing. The
whole market is planned up front from ``random.Random(2026)`` and only then applied, so the data is the same on
every machine and on every run.

Later issues add sections: write ``seed_<thing>(ctx)`` taking the :class:`DemoContext` (which holds the users,
participants and AMs by key) and call it from :meth:`Command.handle` after the existing sections. Use
``ctx.section_rng("<thing>")`` so a new section never shifts the data of the sections before it.
"""

from __future__ import annotations

import logging
import random
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.email_address import canonical_email
from accounts.management.demo_plan import ParticipantPlan, plan_market
from accounts.management.seed_accounts import DEMO_TOTP_SECRET, collect_portal_signins, seed_accounts
from accounts.models import AccountManager, AccountManagerAssignment, MarketParticipant, Membership, User
from accounts.services import participant_summaries_rebuild
from cases.management.seed_cases import seed_cases
from cases.management.seed_settlement_calendar import seed_settlement_calendar
from cases.models import Case
from education.management.seed_courses import seed_courses
from education.management.seed_knowledge import seed_knowledge
from education.models import Course
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


@contextmanager
def _quiet_logging(verbosity: int):
    """While seeding, the services' and tasks' INFO lines (an email queued, a task run) stay out of the terminal, so
    the sign-ins printed at the end are what the newcomer sees; warnings still show. ``-v 2`` keeps every line."""
    if verbosity >= 2:
        yield
        return
    previous = logging.root.manager.disable
    logging.disable(logging.INFO)
    try:
        yield
    finally:
        logging.disable(previous)


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
        "courses": Course.objects.count(),
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
        with _quiet_logging(options["verbosity"]), transaction.atomic():
            seed_accounts(ctx)
            seed_cases(ctx, act_on_old_patterns=action_old_patterns)
            seed_settlement_calendar(ctx)
            seed_registration(ctx)
            seed_qualification(ctx)
            seed_notices(ctx)
            seed_plans(ctx)
            seed_courses(ctx)
            seed_knowledge(ctx)
            # The seed writes some rows directly (backdated history): count them into the summaries.
            participant_summaries_rebuild(fix=True)
        collect_portal_signins(ctx)
        self._report(ctx, before, _counts(), time.monotonic() - started)

    def _report(self, ctx: DemoContext, before: dict, after: dict, seconds: float) -> None:
        write = self.stdout.write
        site_url = settings.SITE_URL + "/"  # the address `make run` serves (HOST and PORT), not always port 8000
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
        write(self.style.MIGRATE_HEADING("Sign in at " + site_url))
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
        write(f"Every demo user has the same password. Open {site_url}")
        write(
            "Staff sign in with a second factor: after the password, enter the code of the demo authenticator app, "
            f"secret {DEMO_TOTP_SECRET} (add it to any authenticator app), or print the current code with "
            "`python manage.py totp_code <email>` (DEBUG only)."
        )
