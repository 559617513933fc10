"""The Service Desk's cards on the staff home, proposed market incidents among them
(see ``ercot_services.core.home_cards``; AMs and the Lead keep their book there instead)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date

from accounts.roles import StaffGroup
from ercot_services.core.home_cards import CardRow, card_from_queryset, register_card
from ercot_services.core.permissions import group_names

from .filters import AT_RISK_OR_BREACHED, UNASSIGNED
from .models import OPEN_STATUSES, Case, CaseKind, CaseStatus, DecisionState, Incident, IncidentStatus, SlaState
from .selectors.metrics import case_queue_url

OPEN = [str(status) for status in OPEN_STATUSES]


def _case_row(case: Case) -> CardRow:
    who = case.participant.short_name if case.participant_id else (case.contact_company or case.contact_email)
    due = case.resolution_due_at
    due_text = f" · due {format_date(timezone.localtime(due), 'M j, g:i A')}" if due else ""
    return CardRow(
        label=f"{case.reference} · {who}",
        url=case.get_absolute_url(),
        detail=f"{case.get_sla_state_display()}{due_text}",
        urgent=case.sla_state in (SlaState.AT_RISK, SlaState.BREACHED),
    )


def _open_cases():
    return (
        Case.objects.filter(status__in=OPEN_STATUSES).select_related("participant").order_by("resolution_due_at", "pk")
    )


@register_card("unassigned-cases", groups=[StaffGroup.SERVICE_DESK], mine=True, order=10)
def unassigned_cases(user, *, today):
    return card_from_queryset(
        _open_cases().filter(assignee__isnull=True),
        title="Unassigned cases",
        row=_case_row,
        list_url=case_queue_url(assignee=UNASSIGNED, statuses=OPEN, sort="resolution_due_at"),
        list_label="All unassigned cases",
        empty_text="Every open case has an assignee.",
    )


@register_card("at-risk-cases", groups=[StaffGroup.SERVICE_DESK], order=20)
def at_risk_cases(user, *, today):
    return card_from_queryset(
        _open_cases().filter(sla_state__in=[SlaState.AT_RISK, SlaState.BREACHED]),
        title="Cases at risk or breached",
        row=_case_row,
        list_url=case_queue_url(statuses=OPEN, sla=AT_RISK_OR_BREACHED, sort="resolution_due_at"),
        list_label="All cases at risk or breached",
        empty_text="No open case is at risk of missing its SLA.",
    )


@register_card("potential-mp-contacts", groups=[StaffGroup.SERVICE_DESK], order=30)
def potential_mp_contacts(user, *, today):
    return card_from_queryset(
        _open_cases().filter(kind=CaseKind.POTENTIAL_MP),
        title="Potential-MP contacts",
        row=_case_row,
        list_url=case_queue_url(statuses=OPEN, kind=CaseKind.POTENTIAL_MP, sort="resolution_due_at"),
        list_label="All open potential-MP contacts",
        empty_text="No potential-MP contact is open.",
    )


# --- market incidents (cases.services.incidents) ----------------------------------------------------------


@register_card("proposed-incidents", groups=[StaffGroup.SERVICE_DESK], order=25)
def proposed_incidents(user, *, today):
    return card_from_queryset(
        Incident.objects.filter(status=IncidentStatus.PROPOSED).order_by("-created_at", "-id"),
        title="Proposed incidents",
        row=lambda incident: CardRow(
            label=incident.title,
            url=incident.get_absolute_url(),
            detail=f"{incident.participant_count} MPs · {incident.get_dimension_display()} {incident.key_label}",
            urgent=True,
        ),
        list_url=f"{reverse('workspace:incidents')}?status={IncidentStatus.PROPOSED}",
        list_label="All proposed incidents",
        empty_text="No market incident is waiting for a decision.",
    )


# --- the dispute decision loop (cases.services.decisions) ---------------------------------------------------------

# A rejected decision waiting for a new one, and ADR under way: the decision loop's work for Client Services.
DECISION_WORK = [DecisionState.UNDER_REVIEW, DecisionState.ADR_REQUESTED, DecisionState.ADR_IN_PROGRESS]


def _decision_row(case: Case) -> CardRow:
    decision = case.decision
    who = case.participant.short_name if case.participant_id else ""
    return CardRow(
        label=f"{case.reference} · {who}",
        url=case.get_absolute_url() + "#decision",
        detail=decision.get_state_display(),
        urgent=decision.state == DecisionState.ADR_REQUESTED,
    )


@register_card(
    "dispute-decisions", groups=[StaffGroup.ACCOUNT_MANAGER, StaffGroup.CLIENT_SERVICES_LEAD], mine=True, order=40
)
def dispute_decisions(user, *, today):
    """Disputes whose decision the MP rejected (decide again) or that are in ADR (record it): the Account Manager's
    own (assigned), every one for the Lead."""
    cases = (
        Case.objects.filter(kind=CaseKind.DISPUTE, decision__state__in=DECISION_WORK)
        .exclude(status__in=[CaseStatus.CLOSED, CaseStatus.WITHDRAWN])
        .select_related("participant", "decision")
        .order_by("decision__decided_at", "pk")
    )
    if StaffGroup.CLIENT_SERVICES_LEAD not in group_names(user) and not user.is_superuser:
        cases = cases.filter(assignee=user)
    return card_from_queryset(
        cases,
        title="Disputes in ADR or with a rejected decision",
        row=_decision_row,
        list_url=case_queue_url(statuses=[CaseStatus.IN_PROGRESS, CaseStatus.RESOLVED], kind=CaseKind.DISPUTE),
        list_label="All disputes in progress or resolved",
        empty_text="No participant has rejected a decision, and no dispute is in ADR.",
    )
