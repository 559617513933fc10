"""The criteria gate (seed 004): SFA, PUCT certification and QSE Acknowledgement, read from the registration
facts, and what blocks a letter."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from accounts.models import MarketParticipant

from ..models import NO_LETTER_REASONS, Enrollment, EnrollmentStatus, ParticipantKind


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    met: bool
    detail: str
    source: str


def criteria_applies(enrollment: Enrollment) -> bool:
    """Seed 004: Retail Operations verifies the criteria for a new MP that serves load (an LSE or a REP)."""
    return enrollment.participant_kind == ParticipantKind.NEW and enrollment.participant.serves_load()


def criteria_facts(participant: MarketParticipant) -> tuple:
    """The MP's (SFA, PUCT certification, QSE Acknowledgement) as stored now, each None when missing.

    Lists of many MPs pass their own pre-fetched triples to :func:`criteria_evaluate` instead
    (see ``qualification.selectors.prefetched_criteria_facts``).
    """
    from registration.models import PuctCertification, QseAcknowledgement, SfaRecord

    return (
        SfaRecord.objects.filter(participant=participant).first(),
        PuctCertification.objects.filter(participant=participant).first(),
        QseAcknowledgement.objects.filter(participant=participant).select_related("qse__load_qualification").first(),
    )


SFA_LABEL = "Signed SFA processed by Legal"
PUCT_LABEL = "PUCT certification received and valid"
QSE_ACK_LABEL = "QSE Acknowledgement processed, with a QSE qualified to serve load"


def _sfa_criterion(sfa) -> Criterion:
    def criterion(met: bool, detail: str) -> Criterion:
        return Criterion("sfa", SFA_LABEL, met, detail, "Registration: SFA")

    if sfa is None or not sfa.signed_on:
        return criterion(False, "No signed Standard Form Agreement is on file.")
    if not sfa.processed_by_legal:
        return criterion(False, f"Signed {sfa.signed_on:%b %d, %Y} but not yet processed by Legal.")
    return criterion(
        True, f"Signed {sfa.signed_on:%b %d, %Y}; processed by Legal {timezone.localtime(sfa.processed_at):%b %d, %Y}."
    )


def _puct_criterion(puct, today: datetime.date) -> Criterion:
    def criterion(met: bool, detail: str) -> Criterion:
        return Criterion("puct", PUCT_LABEL, met, detail, "Registration: PUCT certification")

    if puct is None or puct.received_at is None:
        return criterion(False, "No PUCT certification has been received.")
    if not puct.is_valid_on(today):
        return criterion(
            False,
            f"Certificate {puct.certificate_number} is not valid today (issued {puct.issued_on:%b %d, %Y}, expires {puct.expires_on:%b %d, %Y})."
            if puct.expires_on
            else f"Certificate {puct.certificate_number} is not valid yet.",
        )
    return criterion(True, f"Certificate {puct.certificate_number}, issued {puct.issued_on:%b %d, %Y}.")


def _qse_ack_criterion(ack) -> Criterion:
    def criterion(met: bool, detail: str) -> Criterion:
        return Criterion("qse_ack", QSE_ACK_LABEL, met, detail, "Registration: Form H")

    if ack is None:
        return criterion(False, "No QSE Acknowledgement (Form H) is on file.")
    if not ack.processed_by_legal:
        return criterion(False, f"Names {ack.qse} but is not yet processed by Legal.")
    if not ack.qse_qualified_to_serve_load:
        return criterion(False, f"{ack.qse} is not qualified to serve load.")
    return criterion(True, f"Processed; QSE {ack.qse} is qualified to serve load.")


def criteria_evaluate(
    participant: MarketParticipant, *, today: datetime.date | None = None, facts: tuple | None = None
) -> list[Criterion]:
    """The three criteria, each read from the registration facts, met or missing, with its source.

    ``facts`` is an optional pre-fetched (SFA, PUCT, QSE Acknowledgement) triple; by default
    :func:`criteria_facts` reads them.
    """
    today = today or timezone.localdate()
    sfa, puct, ack = facts if facts is not None else criteria_facts(participant)
    return [_sfa_criterion(sfa), _puct_criterion(puct, today), _qse_ack_criterion(ack)]


def letter_blockers(enrollment: Enrollment, *, facts: tuple | None = None) -> list[str]:
    """Why no letter can be generated now (empty when one can).

    ``facts``: optional pre-fetched criteria facts, passed on to :func:`criteria_evaluate`.
    """
    reasons = []
    if not enrollment.produces_letter:
        return [NO_LETTER_REASONS[enrollment.change_kind]]
    if hasattr(enrollment, "letter"):
        return [f"Letter {enrollment.letter.number} was already issued."]
    result = getattr(enrollment, "result", None)
    if result is None or not result.completed:
        reasons.append("Testing is not recorded as completed.")
    elif enrollment.status != EnrollmentStatus.HANDED_OVER:
        reasons.append("The Flight Administrator has not handed the result to Retail Operations yet.")
    if criteria_applies(enrollment):
        reasons += [
            f"{c.label}: {c.detail}" for c in criteria_evaluate(enrollment.participant, facts=facts) if not c.met
        ]
    return reasons
