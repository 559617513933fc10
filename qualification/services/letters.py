"""Qualification letters: who receives one, issuing it (PDF, deliveries, sent after commit), recording a change
that produces none, and resending a delivery."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import ContactRole, MarketParticipant, Membership, User
from ercot_services.core.audit import audit_record
from ercot_services.core.models import DomainError
from ercot_services.core.sequences import next_in_sequence

from .. import policies
from ..error_codes import QualificationErrorCode
from ..events import QualificationEvent
from ..models import (
    NO_LETTER_REASONS,
    ChangeKind,
    Enrollment,
    EnrollmentStatus,
    LetterDelivery,
    LetterSequence,
    ParticipantKind,
    QualificationLetter,
)
from ..pdf import LetterContent, render_letter
from ..summary import refresh_qualification_summary
from .connectivity import _request_connectivity
from .criteria import letter_blockers
from .enrollments import _move
from .onboarding import production_onboarding_start


def _authorized_reps(participant: MarketParticipant) -> list[Membership]:
    """The primary and secondary Authorized Representatives: the AR and the Backup AR."""
    return list(
        Membership.objects.active()
        .filter(
            participant=participant,
            contact_role__in=[ContactRole.AUTHORIZED_REPRESENTATIVE, ContactRole.BACKUP_AUTHORIZED_REPRESENTATIVE],
        )
        .select_related("user", "participant")
        .order_by("contact_role", "rank")
    )


def letter_recipients(enrollment: Enrollment) -> list[dict]:
    """Seed 004: the MP's primary and secondary AR; for a REP, copies to each TDSP partner's AR and BAR."""
    participant = enrollment.participant
    rows = [
        {
            "email": m.user.email,
            "name": m.user.full_name,
            "kind": LetterDelivery.Kind.TO,
            "capacity": f"{m.get_contact_role_display()} of {participant.short_name}",
        }
        for m in _authorized_reps(participant)
    ]
    if participant.has_role("REP"):
        partners = [p for p in enrollment.result.trading_partners.prefetch_related("roles") if p.has_role("TDSP")]
        for tdsp in sorted(partners, key=lambda p: p.short_name):
            rows += [
                {
                    "email": m.user.email,
                    "name": m.user.full_name,
                    "kind": LetterDelivery.Kind.COPY,
                    "capacity": f"{m.get_contact_role_display()} of trading partner {tdsp.short_name}",
                }
                for m in _authorized_reps(tdsp)
            ]
    seen, unique = set(), []
    for row in rows:
        if row["email"].lower() not in seen:
            seen.add(row["email"].lower())
            unique.append(row)
    return unique


def _next_letter_number(year: int) -> str:
    return f"QL-{year}-{next_in_sequence(LetterSequence, year=year):04d}"


def _recipients_or_refuse(enrollment: Enrollment) -> list[dict]:
    """The letter's recipients, once nothing blocks it and it has someone to go to."""
    blockers = letter_blockers(enrollment)
    if blockers:
        raise DomainError(
            "No letter can be generated: " + " ".join(blockers), code=QualificationErrorCode.LETTER_BLOCKED
        )
    recipients = letter_recipients(enrollment)
    if not any(r["kind"] == LetterDelivery.Kind.TO for r in recipients):
        raise DomainError(
            f"{enrollment.participant} has no active Authorized Representative to send the letter to.",
            code=QualificationErrorCode.LETTER_BLOCKED,
        )
    return recipients


def _letter_content(letter: QualificationLetter, *, signer: User) -> LetterContent:
    enrollment = letter.enrollment
    result = enrollment.result
    return LetterContent(
        number=letter.number,
        issued_on=letter.issued_on,
        effective_date=letter.effective_date,
        legal_name=enrollment.participant.legal_name,
        roles=tuple(enrollment.participant.role_codes()),
        flight=str(enrollment.flight),
        change=enrollment.get_change_kind_display(),
        trading_partners=tuple(p.legal_name for p in result.trading_partners.order_by("legal_name")),
        business_functions=tuple(f.name for f in result.business_functions.all()),
        signer_name=signer.full_name,
        signer_title=signer.job_title or "Retail Market Operations",
    )


@transaction.atomic
def letter_issue(
    *,
    actor: User,
    enrollment: Enrollment,
    effective_date: datetime.date | None = None,
    today: datetime.date | None = None,
) -> QualificationLetter:
    """Generate the PDF letter, write one delivery per recipient, and send them after commit."""
    policies.check_issue_letter(actor)
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",)).select_related("participant", "flight").get(pk=enrollment.pk)
    )
    recipients = _recipients_or_refuse(enrollment)
    today = today or timezone.localdate()
    letter = QualificationLetter(
        enrollment=enrollment,
        number=_next_letter_number(today.year),
        issued_on=today,
        effective_date=effective_date or today,
        generated_by=actor,
    )
    letter.pdf.save(
        f"{letter.number}.pdf", ContentFile(render_letter(_letter_content(letter, signer=actor))), save=False
    )
    letter.save()
    LetterDelivery.objects.bulk_create([LetterDelivery(letter=letter, **row) for row in recipients])
    old = _move(enrollment, EnrollmentStatus.LETTER_SENT)
    enrollment.save(update_fields=["status", "updated_at"])
    refresh_qualification_summary(enrollment.participant_id)
    audit_record(
        actor=actor,
        verb=QualificationEvent.LETTER_ISSUED,
        target=enrollment,
        changes={
            "letter": (None, letter.number),
            "status": (old, enrollment.status),
            "recipients": (None, [r["email"] for r in recipients]),
        },
    )
    from ercot_services.core.delivery import outbox_enqueue

    from ..tasks import send_letter_deliveries

    # The letter is committed; a broker error, or a retry raised by the eagerly run task, must not turn it into
    # an error. Unsent deliveries stay pending, with the attempt and error shown, for the retry or the sweep.
    transaction.on_commit(lambda: outbox_enqueue(send_letter_deliveries, letter_id=letter.pk))
    if enrollment.participant_kind == ParticipantKind.NEW:
        production_onboarding_start(actor=actor, enrollment=enrollment)
    return letter


@transaction.atomic
def enrollment_record_without_letter(*, actor: User, enrollment: Enrollment) -> Enrollment:
    """Banking and service provider changes: recorded, no letter; a service provider change asks for
    updated connectivity specifications and a production connectivity test."""
    policies.check_issue_letter(actor)
    enrollment = Enrollment.objects.select_for_update(of=("self",)).select_related("participant").get(pk=enrollment.pk)
    if enrollment.produces_letter:
        raise DomainError(
            "This change produces a qualification letter: issue the letter instead.",
            code=QualificationErrorCode.LETTER_REQUIRED,
        )
    old = _move(enrollment, EnrollmentStatus.RECORDED)
    enrollment.save(update_fields=["status", "updated_at"])
    refresh_qualification_summary(enrollment.participant_id)
    audit_record(
        actor=actor,
        verb=QualificationEvent.ENROLLMENT_RECORDED_WITHOUT_LETTER,
        target=enrollment,
        changes={"status": (old, enrollment.status)},
        reason=NO_LETTER_REASONS[enrollment.change_kind],
    )
    if enrollment.change_kind == ChangeKind.SERVICE_PROVIDER:
        _request_connectivity(actor=actor, enrollment=enrollment, reason="Service provider change")
    return enrollment


@transaction.atomic
def delivery_resend(*, actor: User, delivery: LetterDelivery) -> LetterDelivery:
    """Send the letter to this one recipient again (staff asked for it, or it failed)."""
    policies.check_resend_letter(actor)
    delivery = LetterDelivery.objects.select_for_update().get(pk=delivery.pk)
    delivery.status = LetterDelivery.Status.PENDING
    delivery.last_error = ""
    delivery.save(update_fields=["status", "last_error"])
    audit_record(
        actor=actor,
        verb=QualificationEvent.LETTER_RESEND_REQUESTED,
        target=delivery.letter.enrollment,
        changes={"recipient": (None, delivery.email)},
    )
    from ercot_services.core.delivery import outbox_enqueue

    from ..tasks import send_letter_deliveries

    transaction.on_commit(
        lambda: outbox_enqueue(send_letter_deliveries, letter_id=delivery.letter_id, delivery_ids=[delivery.pk])
    )
    return delivery
