"""Satisfaction surveys: sent when a case is resolved, answered once by a signed link, without signing in.

- :func:`survey_send` runs inside the resolution's transaction (``workflow._finish``): it writes the survey row and
  its email (one ``CaseNotification`` row through the one outbox, sent by a task after commit). One survey per
  resolution: a case reopened and resolved again gets a new survey (a new resolution is new work to rate), and the
  unique ``(case, resolution_number)`` plus the outbox row's own key mean a repeated call or a retried task never
  sends two for the same resolution.
- The link carries a token signed with Django's ``TimestampSigner`` (salt :data:`SALT`): the survey, its case and
  its random ``token_id``. It expires ``CASE_SURVEY_MAX_AGE_DAYS`` after it was signed.
- :func:`survey_answer` records the score (1–5) and comment once, then sends ``cases.signals.survey_answered``
  (plans opens the Account Manager's follow-up on a low score).
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from ercot_services.core.audit import audit_record
from ercot_services.core.models import DomainError

from ..error_codes import CaseErrorCode
from ..events import CaseEvent
from ..models import Case, CaseNotification, CaseSurvey
from ..signals import survey_answered
from .notifications import notify

SALT = "cases.survey"


def survey_requester_email(case: Case) -> str:
    """Who is asked: the participant who submitted the case, else the contact named on it (a case staff opened)."""
    if case.submitted_by_id and not case.submitted_by.is_staff:
        return case.submitted_by.email
    return case.contact_email


def survey_token(survey: CaseSurvey) -> str:
    return signing.TimestampSigner(salt=SALT).sign_object({"s": survey.pk, "c": survey.case_id, "t": survey.token_id})


def survey_url(survey: CaseSurvey) -> str:
    return settings.SITE_URL + reverse("case-survey", args=[survey_token(survey)])


def survey_max_age() -> datetime.timedelta:
    return datetime.timedelta(days=settings.CASE_SURVEY_MAX_AGE_DAYS)


def survey_from_token(token: str) -> CaseSurvey:
    """The survey a link names. ``DomainError`` with ``SURVEY_LINK_EXPIRED`` for a link past its age, and
    ``SURVEY_LINK_INVALID`` for anything changed or made up: a bad signature, a survey that does not exist, or one
    whose case or token id is not the one signed (the same answer for each, so a link reveals nothing)."""
    invalid = DomainError(
        "This survey link is not valid. Use the link from your email exactly as it was sent.",
        code=CaseErrorCode.SURVEY_LINK_INVALID,
    )
    try:
        payload = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=survey_max_age())
    except signing.SignatureExpired:
        raise DomainError(
            "This survey has closed: answers are accepted for "
            f"{settings.CASE_SURVEY_MAX_AGE_DAYS} days after the case is resolved.",
            code=CaseErrorCode.SURVEY_LINK_EXPIRED,
        ) from None
    except (signing.BadSignature, ValueError, UnicodeError):
        raise invalid from None
    if not isinstance(payload, dict) or not all(isinstance(payload.get(k), t) for k, t in (("s", int), ("c", int))):
        raise invalid
    survey = CaseSurvey.objects.select_related("case").filter(pk=payload["s"]).first()
    if survey is None or survey.case_id != payload["c"] or survey.token_id != payload.get("t"):
        raise invalid
    return survey


def survey_send(*, case: Case, now: datetime.datetime | None = None) -> CaseSurvey | None:
    """Ask the requester of a just-resolved case how satisfied they are (in the resolution's transaction).

    Returns the survey, or ``None`` when there is nobody to ask (no requester email). The case is locked by the
    caller (the workflow's move), so counting its resolutions here is safe.
    """
    email = (survey_requester_email(case) or "").strip().lower()
    if not email:
        return None
    now = now or timezone.now()
    number = CaseSurvey.objects.filter(case=case).count() + 1
    survey = CaseSurvey(
        case=case,
        resolution_number=number,
        requester_email=email,
        token_id=secrets.token_hex(16),
        account_manager_id=case.assignee_id,
        category_id=case.category_id,
        resolved_at=case.resolved_at or now,
        sent_at=now,
    )
    survey.full_clean()
    survey.save()
    url = survey_url(survey)
    notify(
        case=case,
        event=CaseNotification.Event.SURVEY,
        event_key=f"survey-{survey.pk}",
        recipients=[(email, case.submitted_by if case.submitted_by_id else None, False)],
        context={
            "survey_url": url,
            "score_urls": [(score, f"{url}?score={score}") for score in range(1, 6)],
            "max_age_days": settings.CASE_SURVEY_MAX_AGE_DAYS,
        },
    )
    audit_record(
        actor=None,
        verb=CaseEvent.CASE_SURVEY_SENT,
        target=case,
        changes={"survey": (None, number), "requester_email": (None, email)},
        at=now,
    )
    return survey


@transaction.atomic
def survey_answer(
    *, actor: User | None, token: str, score: int | None, comment: str = "", now: datetime.datetime | None = None
) -> CaseSurvey:
    """Record the answer of the survey ``token`` names, once; a second answer is refused and the first kept.

    ``actor`` is whoever is signed in (``None``: the link is the permission). A low score is passed on through
    ``survey_answered`` in this transaction.
    """
    survey = survey_from_token(token)
    survey = CaseSurvey.objects.select_for_update().select_related("case").get(pk=survey.pk)
    if survey.is_answered:
        raise DomainError("This survey was already answered. Thank you.", code=CaseErrorCode.SURVEY_ALREADY_ANSWERED)
    if score not in range(1, 6):
        raise DomainError(
            "Choose how satisfied you are, from 1 to 5.", code=CaseErrorCode.SURVEY_SCORE_REQUIRED, fields={"score": []}
        )
    now = now or timezone.now()
    survey.score = score
    survey.comment = (comment or "").strip()
    survey.answered_at = now
    survey.full_clean()
    survey.save(update_fields=["score", "comment", "answered_at"])
    audit_record(
        actor=actor if actor is not None and actor.is_authenticated else None,
        verb=CaseEvent.CASE_SURVEY_ANSWERED,
        target=survey.case,
        changes={"survey": (None, survey.resolution_number), "score": (None, score)},
        at=now,
    )
    survey_answered.send(sender=CaseSurvey, survey=survey, now=now)
    return survey
