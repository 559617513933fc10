"""The Service Desk's cards on the staff home (see ``ercot_services.core.home_cards``)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.dateformat import format as format_date

from accounts.roles import StaffGroup
from ercot_services.core.home_cards import CardRow, card_from_queryset, register_card
from ercot_services.core.permissions import in_group

from .filters import AT_RISK_OR_BREACHED, UNASSIGNED
from .models import OPEN_STATUSES, Case, CaseKind, CaseStatus, DecisionState, SlaState
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


# --- the dispute decision loop (cases.services.decisions) ---------------------------------------------------------


def _decision_cases(user, states):
    """Disputes whose decision is in ``states``: the user's own (assigned) for an Account Manager, all for the
    Lead."""
    cases = (
        Case.objects.filter(kind=CaseKind.DISPUTE, decision__state__in=states)
        .select_related("participant", "decision")
        .order_by("decision__decided_at", "pk")
    )
    if not in_group(user, StaffGroup.CLIENT_SERVICES_LEAD):
        cases = cases.filter(assignee=user)
    return cases


def _decision_row(case: Case) -> CardRow:
    decision = case.decision
    who = case.participant.short_name if case.participant_id else ""
    return CardRow(
        label=f"{case.reference} · {who}",
        url=case.get_absolute_url() + "#decision",
        detail=decision.get_state_display(),
        urgent=decision.state == DecisionState.ADR_REQUESTED,
    )


@register_card("disputes-in-adr", groups=[StaffGroup.ACCOUNT_MANAGER, StaffGroup.CLIENT_SERVICES_LEAD], order=40)
def disputes_in_adr(user, *, today):
    return card_from_queryset(
        _decision_cases(user, [DecisionState.ADR_REQUESTED, DecisionState.ADR_IN_PROGRESS]),
        title="Disputes in ADR",
        row=_decision_row,
        list_url=case_queue_url(statuses=[CaseStatus.RESOLVED], kind=CaseKind.DISPUTE),
        list_label="All resolved disputes",
        empty_text="No dispute is in alternative dispute resolution.",
    )


@register_card(
    "decisions-rejected", groups=[StaffGroup.ACCOUNT_MANAGER, StaffGroup.CLIENT_SERVICES_LEAD], mine=True, order=40
)
def decisions_rejected(user, *, today):
    return card_from_queryset(
        _decision_cases(user, [DecisionState.UNDER_REVIEW]).filter(status__in=OPEN_STATUSES),
        title="Decisions rejected: decide again",
        row=_decision_row,
        list_url=case_queue_url(statuses=[CaseStatus.IN_PROGRESS], kind=CaseKind.DISPUTE),
        list_label="All disputes in progress",
        empty_text="No participant has rejected a decision that awaits a new one.",
    )
