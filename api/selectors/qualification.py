"""Qualification of the key's MP, read through ``qualification.selectors`` (the portal's page reads the same)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import MarketParticipant
from qualification import selectors as qualification_selectors
from qualification.headlines import enrollment_headline
from qualification.models import Enrollment, ParticipantKind, QualificationLetter

from . import MAX_ID


def api_enrollments(participant: MarketParticipant) -> QuerySet[Enrollment]:
    """The MP's enrollments with flight, result (partners, functions) and letter."""
    return qualification_selectors.participant_enrollments_queryset(participant)


def with_headlines(enrollments: list[Enrollment], *, participant: MarketParticipant) -> list[Enrollment]:
    """Set the portal's ``headline`` and ``explanation`` (``qualification.headlines``) on each enrollment: a new MP's
    letter waits while a registration criterion is missing (the criteria read once, not per enrollment)."""
    criteria = qualification_selectors.participant_criteria(participant) if enrollments else None
    criteria_missing = bool(criteria) and any(not criterion.met for criterion in criteria)
    today = timezone.localdate()
    for enrollment in enrollments:
        blocked = criteria_missing and enrollment.participant_kind == ParticipantKind.NEW
        enrollment.headline, enrollment.explanation, _tone = enrollment_headline(
            enrollment, blocked=blocked, today=today
        )
    return enrollments


def api_letters(participant: MarketParticipant) -> QuerySet[QualificationLetter]:
    """The MP's qualification letters, newest first."""
    return qualification_selectors.participant_letters(participant)


def api_letter_get(participant: MarketParticipant, pk: int) -> QualificationLetter:
    """One letter of the MP; another MP's letter is a 404, as in the portal."""
    if pk > MAX_ID:
        raise Http404("No such letter.")
    return qualification_selectors.participant_letter_get(participant, pk)
