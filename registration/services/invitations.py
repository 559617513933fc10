"""Inviting a potential MP from its Service Desk contact."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.email_address import canonical_email
from accounts.models import ContactRole, MarketParticipant, User
from accounts.services import ParticipantInput, membership_add, participant_create
from cases.models import Case, CaseKind, CaseStatus
from cases.services import case_reply, case_resolve
from cases.services.potential_participants import case_link_participant
from ercot_services.core.models import DomainError
from ercot_services.core.outbox import email_queue

from .. import policies
from ..error_codes import RegistrationErrorCode
from .common import _contact_user


def _check_may_invite(*, actor: User, case: Case, short_name: str, email: str) -> None:
    if not actor.is_staff:
        raise DomainError(
            "Only staff can invite a potential Market Participant.", code=RegistrationErrorCode.PERMISSION_DENIED
        )
    policies.check_invite_potential_participant(actor)
    if case.kind != CaseKind.POTENTIAL_MP or case.participant_id is not None:
        raise DomainError(
            f"{case.reference} is not a potential Market Participant's contact: there is nobody to invite.",
            code=RegistrationErrorCode.NOTHING_TO_INVITE,
        )
    if not email:
        raise DomainError("The contact has no email address to invite.", code=RegistrationErrorCode.NOTHING_TO_INVITE)
    if MarketParticipant.objects.filter(short_name__iexact=short_name).exists():
        raise DomainError(
            f"A Market Participant with short name {short_name} already exists.",
            code=RegistrationErrorCode.DUPLICATE_PARTICIPANT,
        )


def _email_invitation(*, user: User, participant: MarketParticipant, case: Case) -> None:
    """A link to set a password (the reset-password confirmation), through the outbox."""
    link = settings.SITE_URL + reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    body = render_to_string(
        "emails/registration/invitation.txt",
        {
            "name": user.full_name,
            "participant": participant,
            "link": link,
            "case": case,
            "CLIENT_SERVICES_PHONE": settings.CLIENT_SERVICES_PHONE,
        },
    )
    email_queue(
        key=f"invitation:{participant.pk}:{user.pk}",
        to=[user.email],
        subject="Register with ERCOT: your account is ready",
        body=body,
    )


def _answer_contact(*, actor: User, case: Case, participant: MarketParticipant, user: User) -> None:
    """The contact now belongs to the new MP, is answered, and is resolved (through the cases services)."""
    case_link_participant(actor=actor, case=case, participant=participant, reason=f"Invited from {case.reference}")
    case_reply(
        actor=actor,
        case=case,
        body=f"We created an account for {participant.legal_name} and emailed {user.email} an invitation to start the registration.",
    )
    if case.status != CaseStatus.RESOLVED and case.can_move_to(CaseStatus.RESOLVED):
        case_resolve(actor=actor, case=case, resolution_summary="Invited to register in the portal.")


@transaction.atomic
def potential_participant_invite(
    *, actor: User, case: Case, legal_name: str, short_name: str, contact_name: str = "", contact_email: str = ""
) -> MarketParticipant:
    """From a Service Desk contact: create the prospective MP and its first AR, and email an invitation."""
    email = canonical_email(contact_email or case.contact_email)
    name = (contact_name or case.contact_name).strip()
    _check_may_invite(actor=actor, case=case, short_name=short_name, email=email)
    participant = participant_create(
        actor=actor,
        data=ParticipantInput(legal_name=legal_name, short_name=short_name),
        reason=f"Invited from {case.reference}",
    )
    user = _contact_user(email=email, full_name=name or email)
    if user.is_staff:
        raise DomainError("That email belongs to operator staff.", code=RegistrationErrorCode.STAFF_EMAIL)
    membership_add(
        actor=actor,
        participant=participant,
        user=user,
        contact_role=ContactRole.AUTHORIZED_REPRESENTATIVE,
        reason=f"Invited from {case.reference}",
    )
    _email_invitation(user=user, participant=participant, case=case)
    _answer_contact(actor=actor, case=case, participant=participant, user=user)
    return participant
