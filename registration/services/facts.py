"""The registration facts qualification reads: SFA, PUCT certification, QSE Acknowledgement and whether a QSE
is qualified to serve load."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import MarketParticipant, User
from ercot_services.core.audit import audit_record
from ercot_services.core.models import DomainError, clean_or_refuse

from .. import policies
from ..error_codes import RegistrationErrorCode
from ..events import RegistrationEvent
from ..models import PuctCertification, QseAcknowledgement, QseLoadQualification, SfaRecord


@transaction.atomic
def sfa_record(
    *, actor: User, participant: MarketParticipant, signed_on: datetime.date | None, processed_by_legal: bool
) -> SfaRecord:
    policies.check_record_facts(actor)
    record, _ = SfaRecord.objects.get_or_create(participant=participant)
    changes = {}
    if record.signed_on != signed_on:
        changes["signed_on"] = (record.signed_on, signed_on)
        record.signed_on = signed_on
    if record.processed_by_legal != processed_by_legal:
        changes["processed_by_legal"] = (record.processed_by_legal, processed_by_legal)
        record.processed_by_legal = processed_by_legal
        record.processed_at = timezone.now() if processed_by_legal else None
        record.processed_by = actor if processed_by_legal else None
    record.save()
    if changes:
        audit_record(
            actor=actor,
            verb=RegistrationEvent.REGISTRATION_SFA_RECORDED,
            target=record,
            participant=participant,
            changes=changes,
        )
    return record


@transaction.atomic
def puct_record(
    *,
    actor: User,
    participant: MarketParticipant,
    certificate_number: str,
    issued_on: datetime.date,
    expires_on: datetime.date | None = None,
    received: bool = True,
) -> PuctCertification:
    policies.check_record_facts(actor)
    if expires_on and expires_on < issued_on:
        raise DomainError(
            "The PUCT certification cannot expire before it was issued.",
            code=RegistrationErrorCode.INVALID_CERTIFICATION,
        )
    record = PuctCertification.objects.filter(participant=participant).first() or PuctCertification(
        participant=participant
    )
    old = (record.certificate_number, record.issued_on, record.expires_on)
    record.certificate_number, record.issued_on, record.expires_on = certificate_number.strip(), issued_on, expires_on
    record.received_at = record.received_at or (timezone.now() if received else None)
    if not received:
        record.received_at = None
    clean_or_refuse(record, code=RegistrationErrorCode.INVALID)
    record.save()
    audit_record(
        actor=actor,
        verb=RegistrationEvent.REGISTRATION_PUCT_RECORDED,
        target=record,
        participant=participant,
        changes={"certification": (list(old), [record.certificate_number, issued_on, expires_on])},
    )
    return record


@transaction.atomic
def qse_acknowledgement_record(
    *, actor: User, participant: MarketParticipant, qse: MarketParticipant, processed_by_legal: bool
) -> QseAcknowledgement:
    """Form H: the LSE names its QSE and Legal processes it. Whether that QSE is qualified to serve load is the
    QSE's own fact (:func:`qse_load_qualification_record`)."""
    policies.check_record_facts(actor)
    if qse.pk == participant.pk:
        raise DomainError(
            "The QSE Acknowledgement must name another Market Participant as QSE.",
            code=RegistrationErrorCode.INVALID_QSE,
        )
    if not qse.has_role("QSE"):
        raise DomainError(f"{qse} is not a registered QSE.", code=RegistrationErrorCode.INVALID_QSE)
    record = QseAcknowledgement.objects.filter(participant=participant).first() or QseAcknowledgement(
        participant=participant, qse=qse
    )
    old = (str(record.qse) if record.pk else None, record.processed_by_legal)
    record.qse = qse
    if record.processed_by_legal != processed_by_legal:
        record.processed_at = timezone.now() if processed_by_legal else None
        record.processed_by = actor if processed_by_legal else None
    record.processed_by_legal = processed_by_legal
    record.save()
    audit_record(
        actor=actor,
        verb=RegistrationEvent.REGISTRATION_QSE_ACKNOWLEDGEMENT_RECORDED,
        target=record,
        participant=participant,
        changes={"acknowledgement": (list(old), [str(qse), processed_by_legal])},
    )
    return record


@transaction.atomic
def qse_load_qualification_record(
    *, actor: User, qse: MarketParticipant, qualified: bool, reason: str
) -> QseLoadQualification:
    """Record whether a QSE is qualified to serve load (seed 004: the QSE an LSE names must be). One answer per
    QSE, read by the criteria of every LSE naming it; each change is an audit event on the QSE, with the reason."""
    policies.check_record_facts(actor)
    if not qse.has_role("QSE"):
        raise DomainError(f"{qse} is not a registered QSE.", code=RegistrationErrorCode.INVALID_QSE)
    if not reason.strip():
        raise DomainError(
            "Say why: the reason is kept in the QSE's history.", code=RegistrationErrorCode.REASON_REQUIRED
        )
    record = QseLoadQualification.objects.select_for_update().filter(qse=qse).first()
    old = record.qualified if record is not None else None
    if record is None:
        record = QseLoadQualification(qse=qse)
    record.qualified = qualified
    record.recorded_at = timezone.now()
    record.recorded_by = actor
    record.reason = reason.strip()
    record.save()
    audit_record(
        actor=actor,
        verb=RegistrationEvent.REGISTRATION_QSE_LOAD_QUALIFICATION_RECORDED,
        target=record,
        participant=qse,
        changes={"qualified_to_serve_load": (old, qualified)},
        reason=record.reason,
    )
    return record
