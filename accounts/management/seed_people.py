"""The people part of ``seed_demo``: a User Security Administrator at Bluebonnet Power with a few people, one of
them suspended, a pending invitation and this quarter's access review open, so the USA's pages have something to
show. Everything goes through the services (audit events, AM emails). Idempotent: each step looks first."""

from __future__ import annotations

from accounts.models import (
    ContactRank,
    ContactRole,
    MarketParticipant,
    Membership,
    PortalAccess,
    PortalAccessStatus,
    PortalInvitation,
)
from accounts.services import access_review_open, invitation_send, membership_add, person_suspend

DEMO_MP = "BLUEBONNET"
DEMO_USA = ("priya.shah@bluebonnetpower.example", "Priya Shah", "IT Security Administrator")
DEMO_PEOPLE = [
    ("marco.ruiz@bluebonnetpower.example", "Marco Ruiz", "Settlement Analyst", ContactRole.SETTLEMENT),
    ("jen.okafor@bluebonnetpower.example", "Jen Okafor", "Office Manager", ContactRole.GENERAL),
    ("tom.becker@bluebonnetpower.example", "Tom Becker", "Former Credit Analyst", ContactRole.CREDIT),
]
DEMO_SUSPENDED = "tom.becker@bluebonnetpower.example"
DEMO_INVITEE = "new.analyst@bluebonnetpower.example"
REASON = "Demo data (seed_demo)"


def _give_role(participant: MarketParticipant, user, role: str) -> None:
    if Membership.objects.filter(participant=participant, user=user, contact_role=role, is_active=True).exists():
        return
    primary_taken = Membership.objects.active().filter(
        participant=participant, contact_role=role, rank=ContactRank.PRIMARY
    )
    membership_add(
        actor=None,
        participant=participant,
        user=user,
        contact_role=role,
        rank=ContactRank.SECONDARY if primary_taken.exists() else ContactRank.PRIMARY,
        reason=REASON,
    )


def seed_people(ctx) -> None:
    participant = ctx.participants.get(DEMO_MP)
    if participant is None:
        return
    email, name, title = DEMO_USA
    usa = ctx.get_or_create_user(email, name, job_title=title)
    _give_role(participant, usa, ContactRole.USER_SECURITY_ADMINISTRATOR)
    for email, name, title, role in DEMO_PEOPLE:
        _give_role(participant, ctx.get_or_create_user(email, name, job_title=title), role)
    suspended = ctx.users[DEMO_SUSPENDED]
    if PortalAccess.objects.filter(participant=participant, user=suspended, status=PortalAccessStatus.ACTIVE).exists():
        person_suspend(actor=usa, participant=participant, user=suspended, reason="Moved to another team")
    if not PortalInvitation.objects.filter(participant=participant, email=DEMO_INVITEE).exists():
        invitation_send(actor=usa, participant=participant, email=DEMO_INVITEE, roles=[ContactRole.SETTLEMENT])
    access_review_open(actor=None, participant=participant)
    ctx.signins.append(("MP User Security Administrator (People: invitations, access review)", DEMO_USA[0], "/portal/"))
