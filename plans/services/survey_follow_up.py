"""A low satisfaction score opens a follow-up action item for the MP's Account Manager.

Cases sends ``cases.signals.survey_answered`` inside the answer's transaction (cases imports no plans); plans
subscribes in ``PlansConfig.ready``. A score at or below ``CASE_SURVEY_LOW_SCORE`` gives one action item per survey
(``ActionItem.survey`` is one-to-one, so a repeated signal finds the item and adds none), owned by the MP's current
Account Manager (else the assignee who resolved the case), due ``CASE_SURVEY_FOLLOW_UP_BUSINESS_DAYS`` Business
Days later. A case with no Market Participant (a potential-MP contact) has no plan to put it in: none is opened.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.services.participants import _current_manager_user
from cases.models import CaseSurvey
from ercot_services.core.audit import audit_record
from ercot_services.core.calendar import business_calendar
from ercot_services.core.outbox import email_queue

from ..events import PlanEvent
from ..models import ActionItem, ActionSide
from ..summary import refresh_plan_summary
from .common import _clean, _render, _staff_link_for_item

logger = logging.getLogger(__name__)


def is_low_score(score: int | None) -> bool:
    return score is not None and score <= settings.CASE_SURVEY_LOW_SCORE


@transaction.atomic
def action_item_open_for_low_score(*, survey: CaseSurvey, now: datetime.datetime | None = None) -> ActionItem | None:
    """The follow-up of ``survey`` (created once); ``None`` if the score is not low or there is nobody to own it."""
    if not is_low_score(survey.score):
        return None
    existing = ActionItem.objects.filter(survey=survey).first()
    if existing is not None:
        return existing
    case = survey.case
    if case.participant_id is None:
        return None
    owner = _current_manager_user(case.participant) or survey.account_manager
    if owner is None:
        logger.warning("Low score on %s: no Account Manager to follow it up", case.reference)
        return None
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = business_calendar().add_business_days(today, settings.CASE_SURVEY_FOLLOW_UP_BUSINESS_DAYS)
    comment = f" Their comment: “{survey.comment}”" if survey.comment else ""
    item = ActionItem(
        participant_id=case.participant_id,
        title=f"Follow up a low satisfaction score ({survey.score}/5) on {case.reference}"[:200],
        description=(
            f"{survey.requester_email} rated how we handled {case.reference} ({case.subject}) {survey.score} out "
            f"of 5.{comment} Call them, find out what went wrong and record what you agreed."
        ),
        owner=owner,
        side=ActionSide.OPERATOR,
        due_date=due,
        case=case,
        survey=survey,
    )
    _clean(item)
    item.save()
    refresh_plan_summary(item.participant_id)
    event = audit_record(
        actor=None,
        verb=PlanEvent.ACTION_ITEM_OPENED_FOR_LOW_SCORE,
        target=item,
        changes={"owner": (None, str(owner)), "survey_score": (None, survey.score), "due_date": (None, due)},
        at=now,
    )
    email_queue(
        key=f"plans:action-item:{item.pk}:low-score:{event.pk}",
        to=[owner.email],
        subject=f"Low satisfaction score on {case.reference}: follow up by {due:%b %d, %Y}",
        body=_render("action_item_low_score", {"item": item, "survey": survey, "link": _staff_link_for_item(item)}),
    )
    return item


def on_survey_answered(sender, *, survey: CaseSurvey, now: datetime.datetime, **kwargs) -> None:
    """``cases.signals.survey_answered`` receiver (connected in ``PlansConfig.ready``)."""
    action_item_open_for_low_score(survey=survey, now=now)
