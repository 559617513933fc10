"""What the registration services share: the reference and the checklist, the MP's authorizers and their
emails, the review clock, and the drafting and workflow checks."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.template.loader import render_to_string

from accounts.email_address import canonical_email
from accounts.models import AUTHORIZING_ROLES, MarketParticipant, Membership, User
from accounts.selectors import current_manager
from ercot_services.core.calendar import BusinessCalendar
from ercot_services.core.models import DomainError
from ercot_services.core.outbox import email_queue
from ercot_services.core.sequences import next_in_sequence
from ercot_services.core.workflow import move_status

from ..error_codes import RegistrationErrorCode
from ..models import (
    APPLICATION_TRANSITIONS,
    CHANGE_NOTICE,
    REVIEW_BUSINESS_DAYS,
    Application,
    ApplicationKind,
    ApplicationRequirement,
    ApplicationSequence,
    ApplicationStatus,
    RequirementType,
    RoleRequirement,
)

ATTESTATION = (
    "I am an Authorized Representative of {participant} and I attest that the information and documents "
    "in this application are true, correct and complete, and that I am authorized to submit them."
)


# --- references and checklist ---------------------------------------------------------------


def _next_reference(year: int) -> str:
    return f"REG-{year}-{next_in_sequence(ApplicationSequence, year=year):05d}"


def checklist_requirement_ids(*, kind: str, role_requirement_ids: set[int], change_notice_id: int | None) -> set[int]:
    """The checklist: requirements of the roles applied for (or added), plus Form E (``change_notice_id``) for a
    revision. The rule alone, for :func:`required_requirement_ids` and for many applications at once
    (``registration.selectors.mark_checklists``)."""
    ids = set(role_requirement_ids)
    if kind == ApplicationKind.REVISION and change_notice_id:
        ids.add(change_notice_id)
    return ids


def change_notice_requirement_id() -> int | None:
    return RequirementType.objects.filter(code=CHANGE_NOTICE).values_list("pk", flat=True).first()


def required_requirement_ids(application: Application) -> set[int]:
    """The requirements ``application``'s checklist holds (:func:`checklist_requirement_ids`)."""
    role_ids = list(application.roles.values_list("pk", flat=True))
    return checklist_requirement_ids(
        kind=application.kind,
        role_requirement_ids=set(
            RoleRequirement.objects.filter(role_id__in=role_ids).values_list("requirement_id", flat=True)
        ),
        change_notice_id=change_notice_requirement_id() if application.kind == ApplicationKind.REVISION else None,
    )


def _sync_checklist(application: Application) -> None:
    wanted = required_requirement_ids(application)
    existing = dict(application.requirements.values_list("requirement_id", "pk"))
    stale = [pk for req_id, pk in existing.items() if req_id not in wanted]
    ApplicationRequirement.objects.filter(pk__in=stale, documents__isnull=True).delete()
    ApplicationRequirement.objects.bulk_create(
        [ApplicationRequirement(application=application, requirement_id=req_id) for req_id in wanted - existing.keys()]
    )


def missing_lines(application: Application) -> list[ApplicationRequirement]:
    required = required_requirement_ids(application)
    return [line for line in application.requirements.select_related("requirement") if line.is_missing_among(required)]


# --- people and emails ----------------------------------------------------------------------


def authorized_representatives(participant: MarketParticipant) -> list[User]:
    return [
        m.user
        for m in Membership.objects.active()
        .authorizing()
        .filter(participant=participant)
        .select_related("user")
        .order_by("contact_role", "rank")
    ]


def can_attest(user: User, participant: MarketParticipant) -> bool:
    return (
        Membership.objects.active()
        .filter(user=user, participant=participant, contact_role__in=AUTHORIZING_ROLES)
        .exists()
    )


def _notify(application: Application, event: str, extra: dict | None = None) -> None:
    """Email the MP's AR and BAR, with a copy to its Account Manager."""
    manager = current_manager(application.participant)
    context = {
        "application": application,
        "event": event,
        "link": settings.SITE_URL + application.get_portal_url(),
        "CLIENT_SERVICES_PHONE": settings.CLIENT_SERVICES_PHONE,
        **(extra or {}),
    }
    subject = render_to_string(f"emails/registration/{event}_subject.txt", context).strip()
    body = render_to_string(f"emails/registration/{event}.txt", context)
    key_suffix = (extra or {}).get("key_suffix", "")
    email_queue(
        key=f"registration:{application.reference}:{event}{key_suffix}",
        to=[user.email for user in authorized_representatives(application.participant)],
        cc=[manager.email] if manager else [],
        subject=f"[{application.reference}] {subject}",
        body=body,
    )


def _contact_user(*, email: str, full_name: str, phone: str = "") -> User:
    """The user with this address, or a new one without a usable password (they set it from the emailed link)."""
    user = User.objects.filter(email=canonical_email(email)).first()
    if user is None:
        user = User.objects.create_user(email=email, full_name=full_name, phone=phone)
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


# --- clock -----------------------------------------------------------------------------------


def review_due_on(started_on: datetime.date, paused_days: int, calendar: BusinessCalendar) -> datetime.date:
    return calendar.add_business_days(started_on, REVIEW_BUSINESS_DAYS + paused_days)


def business_days_left(application: Application, today: datetime.date, calendar: BusinessCalendar) -> int | None:
    if application.due_on is None or application.paused_on is not None:
        return None
    return calendar.business_days_between(today, application.due_on)


# --- drafting --------------------------------------------------------------------------------


def _check_may_draft(actor: User, participant: MarketParticipant) -> None:
    """Any user of the MP may draft (only an AR or BAR submits); staff may help."""
    if actor.is_staff:
        return
    if not Membership.objects.active().filter(user=actor, participant=participant).exists():
        raise DomainError(f"You are not a contact of {participant}.", code=RegistrationErrorCode.PERMISSION_DENIED)


def _check_editable(application: Application) -> None:
    if not application.is_editable:
        raise DomainError(
            f"{application.reference} is {application.get_status_display().lower()}: it can only be changed "
            "while a draft or while information is requested.",
            code=RegistrationErrorCode.NOT_EDITABLE,
        )


# --- workflow ---------------------------------------------------------------------------------


def _move(application: Application, to_status: str) -> str:
    return move_status(
        application,
        to_status,
        transitions=APPLICATION_TRANSITIONS,
        statuses=ApplicationStatus,
        subject=application.reference,
    )
