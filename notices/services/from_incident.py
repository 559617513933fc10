"""A market notice draft from a market incident: its type, audience scope, days affected and a description that
names no Market Participant, through the one drafting service (``drafting.notice_create``).

notices sits above cases, so it reads the incident; cases never imports notices (the incident page links here by
URL name).
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.dateformat import format as format_date

from accounts.models import User
from cases.models import Incident, IncidentDimension
from ercot_services.core.audit import audit_record

from .. import policies
from ..events import NoticeEvent
from ..models import Notice, NoticeType, Scope
from .drafting import NoticeInput, notice_create

# The notice type of an incident about a case category (by its code); charge types and Operating Days are
# settlement matters. A type missing from the table falls back to the first type.
TYPE_BY_CATEGORY = {
    "settlements": "Settlements",
    "credit-financial": "Financial/Credit",
    "retail-market": "Retail",
    "connectivity-certificates": "Operations",
    "training": "Training",
}
SCOPE_BY_CATEGORY = {"retail-market": Scope.RETAIL, "settlements": Scope.WHOLESALE}
MAX_DAYS_LISTED = 10
MP_PLACEHOLDER = "a Market Participant"


def _notice_type(incident: Incident) -> NoticeType:
    name = "Settlements"
    if incident.dimension == IncidentDimension.CATEGORY:
        name = TYPE_BY_CATEGORY.get(incident.key, "Informational")
    return NoticeType.objects.filter(name=name).first() or NoticeType.objects.order_by("sort_order", "pk").first()


def _scope(incident: Incident) -> str:
    if incident.dimension == IncidentDimension.CATEGORY:
        return SCOPE_BY_CATEGORY.get(incident.key, Scope.MARKET)
    return Scope.WHOLESALE


def _days_affected(incident: Incident, cases: list) -> str:
    if incident.dimension == IncidentDimension.OPERATING_DAY:
        return incident.key_label
    days = sorted({case.dispute.operating_day for case in cases if hasattr(case, "dispute")})
    listed = "; ".join(format_date(day, "M j, Y") for day in days[:MAX_DAYS_LISTED])
    return f"{listed}; and more" if len(days) > MAX_DAYS_LISTED else listed


def without_participant_names(text: str, participants) -> str:
    """``text`` with every linked MP's legal, short and DBA name replaced: a notice never names an MP."""
    names = sorted(
        {name for p in participants for name in (p.legal_name, p.short_name, getattr(p, "dba_name", "")) if name},
        key=len,
        reverse=True,
    )
    for name in names:
        text = re.sub(rf"\b{re.escape(name)}\b", MP_PLACEHOLDER, text, flags=re.IGNORECASE)
    return text


@transaction.atomic
def notice_draft_from_incident(*, actor: User, incident: Incident) -> Notice:
    """A draft prefilled from ``incident`` for a Notice Publisher to finish, submit and have approved."""
    policies.check_publish(actor, "Only Notice Publishers draft market notices.")
    cases = list(incident.cases.select_related("participant", "dispute"))
    participants = {case.participant for case in cases if case.participant_id}
    what = f"{incident.get_dimension_display()} {incident.key_label}"
    body = [
        f"ERCOT is aware of an issue affecting several Market Participants ({len(participants)} reported it) "
        f"concerning {what}.",
    ]
    if incident.summary:
        body.append(incident.summary)
    body.append("ERCOT will provide an update when more information is available.")
    data = NoticeInput(
        notice_type=_notice_type(incident),
        scope=_scope(incident),
        short_description=without_participant_names(f"Issue concerning {what}", participants)[:255],
        days_affected=_days_affected(incident, cases)[:255],
        long_description=without_participant_names("\n\n".join(body), participants),
    )
    notice = notice_create(actor=actor, data=data)
    audit_record(
        actor=actor,
        verb=NoticeEvent.NOTICE_DRAFTED_FROM_INCIDENT,
        target=incident,
        changes={"notice": (None, notice.pk)},
    )
    return notice
