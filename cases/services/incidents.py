"""Market incidents: cases from N different MPs about one category, charge type or Operating Day within D days
(``IncidentRule``, one row per dimension) propose an incident; staff confirm or dismiss it, link and unlink cases,
answer every linked case with one reply and resolve it.

Detection runs after each case is filed (``incident_detect_for_case``, queued on commit) and periodically
(``incident_scan``). It is idempotent: one active incident per dimension and key grows with the key's new cases
instead of a second proposal; a cluster already proposed under another dimension is not proposed again; and the
cases of a dismissed or resolved incident never count again for its key.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F
from django.db.models.functions import Lower, Trim
from django.utils import timezone
from django.utils.dateformat import format as format_date

from accounts.models import User
from ercot_services.core.audit import audit_record
from ercot_services.core.models import DomainError
from ercot_services.core.workflow import move_status

from .. import policies
from ..error_codes import CaseErrorCode
from ..events import CaseEvent
from ..models import (
    ACTIVE_INCIDENT_STATUSES,
    INCIDENT_TRANSITIONS,
    OPEN_STATUSES,
    Case,
    CaseKind,
    CaseStatus,
    Incident,
    IncidentDimension,
    IncidentReply,
    IncidentRule,
    IncidentStatus,
)
from .replies import case_reply
from .workflow import case_resolve

FINISHED = [IncidentStatus.RESOLVED, IncidentStatus.DISMISSED]

# --- detection ------------------------------------------------------------------------------------


def case_incident_key(case: Case, dimension: str) -> tuple[str, str] | None:
    """``(key, label)`` of ``case`` in ``dimension``; ``None`` when the case has none (an inquiry has no charge
    type or Operating Day)."""
    if dimension == IncidentDimension.CATEGORY:
        return case.category.code, case.category.name
    if case.kind != CaseKind.DISPUTE:
        return None
    try:
        dispute = case.dispute
    except Case.dispute.RelatedObjectDoesNotExist:
        return None
    if dimension == IncidentDimension.CHARGE_TYPE:
        label = dispute.charge_type.strip()
        return (label.lower(), label) if label else None
    return dispute.operating_day.isoformat(), format_date(dispute.operating_day, "M j, Y")


def _counted_cases():
    """The cases that count towards an incident: filed by an MP, not merged away, not withdrawn."""
    return Case.objects.filter(merged_into__isnull=True, participant__isnull=False).exclude(status=CaseStatus.WITHDRAWN)


def _with_key(cases, dimension: str, key: str):
    if dimension == IncidentDimension.CATEGORY:
        return cases.filter(category__code=key)
    if dimension == IncidentDimension.CHARGE_TYPE:
        return cases.filter(kind=CaseKind.DISPUTE).annotate(_key=Lower(Trim("dispute__charge_type"))).filter(_key=key)
    return cases.filter(kind=CaseKind.DISPUTE, dispute__operating_day=datetime.date.fromisoformat(key))


def _cluster(dimension: str, key: str, *, since: datetime.datetime, until: datetime.datetime):
    """The counted cases of ``key`` filed in ``[since, until]``, less those a finished incident of the key settled."""
    settled = Incident.cases.through.objects.filter(
        incident__dimension=dimension, incident__key=key, incident__status__in=FINISHED
    ).values("case_id")
    return (
        _with_key(_counted_cases(), dimension, key)
        .filter(created_at__gte=since, created_at__lte=until)
        .exclude(pk__in=settled)
    )


def _covered_by_active(case_ids: list[int]) -> bool:
    """Whether an active incident (of any dimension) already holds every one of these cases."""
    return (
        Incident.objects.filter(status__in=ACTIVE_INCIDENT_STATUSES, cases__in=case_ids)
        .annotate(held=Count("cases"))
        .filter(held__gte=len(case_ids))
        .exists()
    )


def _recount(incident: Incident) -> None:
    incident.participant_count = incident.cases.values("participant").distinct().count()


@transaction.atomic
def _detect(rule: IncidentRule, key: str, *, until: datetime.datetime) -> Incident | None:
    """Grow the key's active incident with its new cases, or propose one when N MPs filed within D days.
    Returns the incident only when it was proposed now."""
    IncidentRule.objects.select_for_update().filter(pk=rule.pk).first()  # one detection per dimension at a time
    since = until - datetime.timedelta(days=rule.window_days)
    rows = list(
        _cluster(rule.dimension, key, since=since, until=until)
        .order_by("created_at", "pk")
        .values_list("pk", "participant_id", "created_at")
    )
    active = Incident.objects.select_for_update().filter(
        dimension=rule.dimension, key=key, status__in=ACTIVE_INCIDENT_STATUSES
    )
    incident = active.first()
    if incident is not None:
        _grow(incident, [(pk, at) for pk, _, at in rows])
        return None
    if len({participant for _, participant, _ in rows}) < rule.min_participants:
        return None
    case_ids = [pk for pk, _, _ in rows]
    if _covered_by_active(case_ids):
        return None
    first = Case.objects.select_related("category", "dispute").get(pk=case_ids[0])
    _, label = case_incident_key(first, rule.dimension)
    participants = len({participant for _, participant, _ in rows})
    incident = Incident(
        title=f"{rule.get_dimension_display()} {label}: cases from {participants} Market Participants",
        dimension=rule.dimension,
        key=key,
        key_label=label,
        participant_count=participants,
        window_days=rule.window_days,
        last_case_at=rows[-1][2],
    )
    _clean(incident)
    incident.save()
    incident.cases.add(*case_ids)
    audit_record(
        actor=None,
        verb=CaseEvent.INCIDENT_PROPOSED,
        target=incident,
        changes={"cases": (None, len(case_ids)), "participants": (None, participants)},
    )
    return incident


def _grow(incident: Incident, rows: list[tuple[int, datetime.datetime]]) -> None:
    """Link the cases filed after the incident's latest one (a case staff unlinked is older: it stays out)."""
    new = [pk for pk, at in rows if incident.last_case_at is None or at > incident.last_case_at]
    if not new:
        return
    incident.cases.add(*new)
    incident.last_case_at = max(at for _, at in rows)
    _recount(incident)
    incident.save(update_fields=["last_case_at", "participant_count", "updated_at"])
    audit_record(actor=None, verb=CaseEvent.INCIDENT_CASE_LINKED, target=incident, changes={"cases": (None, len(new))})


def incident_detection_queue(case: Case) -> None:
    """After the filing commits, queue the detection for ``case`` (a broker outage loses nothing: the periodic
    scan finds the same clusters). Not while the outbox is suppressed (the demo seed, an import of history: the
    seed runs ``incident_scan`` itself)."""
    from ercot_services.core.outbox import outbox_is_suppressed

    if case.participant_id is None or outbox_is_suppressed():
        return
    transaction.on_commit(functools.partial(incident_detection_enqueue, case.pk))


def incident_detection_enqueue(case_id: int) -> None:
    """Queue the detection task of one case (the on-commit callback of ``incident_detection_queue``)."""
    from ercot_services.core.delivery import outbox_enqueue

    from ..tasks import detect_case_incidents

    outbox_enqueue(detect_case_incidents, case_id=case_id)


def incident_detect_for_case(*, case: Case) -> list[Incident]:
    """Detection for the keys of one newly filed case (queued after its commit); the incidents proposed now."""
    case = Case.objects.select_related("category", "dispute").get(pk=case.pk)
    if case.participant_id is None:
        return []
    proposed = []
    for rule in (rule for rule in IncidentRule.load_all() if rule.is_active):
        found = case_incident_key(case, rule.dimension)
        if found is not None and (incident := _detect(rule, found[0], until=case.created_at)):
            proposed.append(incident)
    return proposed


def incident_scan(*, now: datetime.datetime | None = None) -> list[Incident]:
    """The periodic detection over every key with recent cases (and every active incident's key, to grow it)."""
    now = now or timezone.now()
    proposed = []
    for rule in (rule for rule in IncidentRule.load_all() if rule.is_active):
        since = now - datetime.timedelta(days=rule.window_days)
        recent = _counted_cases().filter(created_at__gte=since, created_at__lte=now)
        if rule.dimension == IncidentDimension.CATEGORY:
            keyed = recent.annotate(_key=F("category__code"))
        elif rule.dimension == IncidentDimension.CHARGE_TYPE:
            keyed = recent.filter(kind=CaseKind.DISPUTE).annotate(_key=Lower(Trim("dispute__charge_type")))
        else:
            keyed = recent.filter(kind=CaseKind.DISPUTE).annotate(_key=F("dispute__operating_day"))
        keys = {
            str(key.isoformat() if isinstance(key, datetime.date) else key)
            for key in keyed.filter(_key__isnull=False)
            .values("_key")
            .annotate(n=Count("participant", distinct=True))
            .filter(n__gte=rule.min_participants)
            .values_list("_key", flat=True)
        }
        keys |= set(
            Incident.objects.filter(dimension=rule.dimension, status__in=ACTIVE_INCIDENT_STATUSES).values_list(
                "key", flat=True
            )
        )
        for key in sorted(keys):
            if incident := _detect(rule, key, until=now):
                proposed.append(incident)
    return proposed


# --- the workflow ------------------------------------------------------------------------------------


def _clean(incident: Incident) -> None:
    try:
        incident.full_clean(exclude=["cases"])
    except ValidationError as error:
        raise DomainError.from_validation_error(error, code=CaseErrorCode.INVALID) from error


def _locked(incident: Incident) -> Incident:
    return Incident.objects.select_for_update().get(pk=incident.pk)


def _move(incident: Incident, to_status: str) -> str:
    try:
        return move_status(
            incident, to_status, transitions=INCIDENT_TRANSITIONS, statuses=IncidentStatus, subject="This incident"
        )
    except DomainError as error:
        raise DomainError(str(error), code=CaseErrorCode.INVALID_TRANSITION) from error


@transaction.atomic
def incident_confirm(*, actor: User, incident: Incident, title: str = "", summary: str = "") -> Incident:
    """A proposal becomes an open incident (its title and summary may be reworded)."""
    policies.check_manage_incidents(actor)
    incident = _locked(incident)
    old = _move(incident, IncidentStatus.OPEN)
    incident.title = title.strip() or incident.title
    incident.summary = summary.strip() or incident.summary
    incident.confirmed_by = actor
    incident.confirmed_at = timezone.now()
    _clean(incident)
    incident.save()
    audit_record(actor=actor, verb=CaseEvent.INCIDENT_CONFIRMED, target=incident, changes={"status": (old, "open")})
    return incident


@transaction.atomic
def incident_dismiss(*, actor: User, incident: Incident, reason: str) -> Incident:
    """A proposal that is no market-wide problem; its cases never count again for this key."""
    policies.check_manage_incidents(actor)
    if not reason.strip():
        raise DomainError("Say why this is not an incident.", code=CaseErrorCode.REASON_REQUIRED)
    incident = _locked(incident)
    old = _move(incident, IncidentStatus.DISMISSED)
    incident.dismissal_reason = reason.strip()
    _clean(incident)
    incident.save()
    audit_record(
        actor=actor,
        verb=CaseEvent.INCIDENT_DISMISSED,
        target=incident,
        changes={"status": (old, "dismissed")},
        reason=reason.strip(),
    )
    return incident


@transaction.atomic
def incident_resolve(*, actor: User, incident: Incident, summary: str = "") -> Incident:
    policies.check_manage_incidents(actor)
    incident = _locked(incident)
    old = _move(incident, IncidentStatus.RESOLVED)
    incident.summary = summary.strip() or incident.summary
    incident.resolved_at = timezone.now()
    _clean(incident)
    incident.save()
    audit_record(actor=actor, verb=CaseEvent.INCIDENT_RESOLVED, target=incident, changes={"status": (old, "resolved")})
    return incident


def _check_active(incident: Incident) -> None:
    if not incident.is_active:
        raise DomainError(
            f"This incident is {incident.get_status_display().lower()}: its cases no longer change.",
            code=CaseErrorCode.INCIDENT_CLOSED,
        )


@transaction.atomic
def incident_link_case(*, actor: User, incident: Incident, case: Case) -> Incident:
    """Link a case of any MP (linking it again changes nothing)."""
    policies.check_manage_incidents(actor)
    incident = _locked(incident)
    _check_active(incident)
    if incident.cases.filter(pk=case.pk).exists():
        return incident
    incident.cases.add(case)
    _recount(incident)
    incident.save(update_fields=["participant_count", "updated_at"])
    audit_record(
        actor=actor, verb=CaseEvent.INCIDENT_CASE_LINKED, target=incident, changes={"case": (None, case.reference)}
    )
    return incident


@transaction.atomic
def incident_unlink_case(*, actor: User, incident: Incident, case: Case) -> Incident:
    policies.check_manage_incidents(actor)
    incident = _locked(incident)
    _check_active(incident)
    if not incident.cases.filter(pk=case.pk).exists():
        raise DomainError(f"{case.reference} is not linked to this incident.", code=CaseErrorCode.NOT_IN_INCIDENT)
    incident.cases.remove(case)
    _recount(incident)
    incident.save(update_fields=["participant_count", "updated_at"])
    audit_record(
        actor=actor, verb=CaseEvent.INCIDENT_CASE_UNLINKED, target=incident, changes={"case": (case.reference, None)}
    )
    return incident


# --- one answer to every linked case ------------------------------------------------------------------


@dataclass
class IncidentReplyResult:
    reply: IncidentReply
    answered: list[Case] = field(default_factory=list)
    already_answered: int = 0
    closed: list[Case] = field(default_factory=list)  # closed or withdrawn: they take no reply
    resolved: list[Case] = field(default_factory=list)
    disputes_left_open: list[Case] = field(default_factory=list)  # a dispute needs its own outcome


@transaction.atomic
def incident_reply_all(
    *, actor: User, incident: Incident, body: str, resolve: bool = False, now: datetime.datetime | None = None
) -> IncidentReplyResult:
    """The same public reply on every linked case through ``case_reply`` (each requester gets their own case's
    email, and no case names another MP); ``resolve`` also resolves the open ones with the reply as summary
    (disputes stay open: each needs its outcome and amount).

    All or nothing; sending the same text again adds it only to the linked cases that do not have it yet.
    """
    policies.check_manage_incidents(actor)
    policies.check_reply_case(actor)
    if resolve:
        policies.check_work_case(actor)
    incident = _locked(incident)
    if incident.status != IncidentStatus.OPEN:
        raise DomainError(
            f"This incident is {incident.get_status_display().lower()}: answer its cases once it is open.",
            code=CaseErrorCode.INCIDENT_NOT_OPEN,
        )
    body = body.strip()
    if not body:
        raise DomainError("Write the reply before sending.", code=CaseErrorCode.MESSAGE_REQUIRED)
    now = now or timezone.now()
    reply = IncidentReply.objects.filter(incident=incident, body=body).first()
    if reply is None:
        reply = IncidentReply.objects.create(
            incident=incident, author=actor, body=body, resolve=resolve, created_at=now
        )
    done = set(reply.messages.values_list("case_id", flat=True))
    result = IncidentReplyResult(reply=reply)
    for case in incident.cases.select_related("participant").order_by("pk"):
        if case.pk in done:
            result.already_answered += 1
            continue
        if case.status in (CaseStatus.CLOSED, CaseStatus.WITHDRAWN):
            result.closed.append(case)
            continue
        reply.messages.add(case_reply(actor=actor, case=case, body=body, now=now))
        result.answered.append(case)
        if resolve and case.status in OPEN_STATUSES:
            if case.kind == CaseKind.DISPUTE:
                result.disputes_left_open.append(case)
            else:
                case_resolve(
                    actor=actor, case=case, resolution_summary=body, reason="Answered with its incident", now=now
                )
                result.resolved.append(case)
    if result.answered:
        audit_record(
            actor=actor,
            verb=CaseEvent.INCIDENT_REPLIED,
            target=incident,
            changes={"cases": (None, len(result.answered)), "resolved": (None, len(result.resolved))},
            at=now,
        )
    return result


__all__ = [
    "IncidentReplyResult",
    "case_incident_key",
    "incident_confirm",
    "incident_detect_for_case",
    "incident_detection_queue",
    "incident_dismiss",
    "incident_link_case",
    "incident_reply_all",
    "incident_resolve",
    "incident_scan",
    "incident_unlink_case",
]
