"""The accounts section of ``seed_demo``: staff and Account Managers, the MPs walked to their planned status, their
AMs and their contacts, all as :func:`accounts.management.demo_plan.plan_market` decided (``ctx.plan``).

Participants, AM profiles, AM assignments and memberships are created only through the services, so each has its
audit events; users have no service of their own and are created directly (``ctx.get_or_create_user``).
Idempotent: every row is looked up first (users by email, MPs by short name, AM profiles by user, memberships by
user + MP + role, assignments by MP) and skipped when it exists.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group

from accounts.models import (
    AccountManager,
    AccountManagerAssignment,
    ContactRole,
    MarketParticipant,
    Membership,
    ParticipantStatus,
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

from .demo_market import ACCOUNT_MANAGERS, EXTRA_ROLES, OTHER_STAFF, SUPERUSER
from .seed_people import seed_people

AM_PHONE = "(512) 248-3900"
# Every demo staff user's authenticator app secret (staff must sign in with a second factor): printed by seed_demo,
# and ``manage.py totp_code <email>`` shows its current code (DEBUG only, demo users only).
DEMO_TOTP_SECRET = "DEMODEMODEMODEMOERCOTCLIENTSERVS"
DEMO_REASON = "Demo data (seed_demo)"


def seed_accounts(ctx) -> None:
    """Staff, MPs, their AMs and their contacts, in that order."""
    seed_staff(ctx)
    seed_participants(ctx)
    seed_assignments(ctx)
    seed_contacts(ctx)
    seed_people(ctx)


def seed_staff(ctx) -> None:
    """The superuser, the staff groups' users and the Account Manager profiles."""
    email, name, title = SUPERUSER
    _with_demo_authenticator(ctx.get_or_create_user(email, name, job_title=title, is_staff=True, is_superuser=True))
    ctx.signins.append(("Superuser (administrator; also /admin/)", email, "/workspace/"))

    for email, name, title, group_name in OTHER_STAFF:
        user = _with_demo_authenticator(
            ctx.get_or_create_user(email, name, job_title=title, is_staff=True, phone=AM_PHONE)
        )
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
        _with_demo_authenticator(user)
        user.groups.add(am_group)
        manager = AccountManager.objects.filter(user=user).first()
        if manager is None:
            manager = account_manager_create(
                actor=ctx.lead, user=user, phone=AM_PHONE, extension=str(extension), email=email
            )
            ctx.created["account managers"] += 1
        ctx.account_managers[email] = manager
    ctx.signins.append((StaffGroup.ACCOUNT_MANAGER, ACCOUNT_MANAGERS[0][0], "/workspace/"))


def _with_demo_authenticator(user):
    """The demo authenticator app (``DEMO_TOTP_SECRET``) of a staff user who has no second factor yet."""
    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": DEMO_TOTP_SECRET}}
    )
    return user


def seed_participants(ctx) -> None:
    """The MPs, walked through the lifecycle services to their planned status."""
    for plan in ctx.plan:
        participant = MarketParticipant.objects.filter(short_name=plan.short_name).first()
        if participant is None:
            participant = _create_participant(ctx, plan)
            ctx.created["participants"] += 1
        ctx.participants[plan.short_name] = participant


def _create_participant(ctx, plan) -> MarketParticipant:
    """Active MPs already are in the market; the others start as prospects and move on to their status."""
    prospective = plan.status == ParticipantStatus.PROSPECTIVE
    actor = ctx.service_desk if prospective else ctx.lead
    initial = ParticipantStatus.ACTIVE if plan.status == ParticipantStatus.ACTIVE else ParticipantStatus.PROSPECTIVE
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
        reason="Potential MP contacted Client Relations through the Service Desk" if prospective else DEMO_REASON,
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
    return participant


def seed_assignments(ctx) -> None:
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


def seed_contacts(ctx) -> None:
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


def collect_portal_signins(ctx) -> None:
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
