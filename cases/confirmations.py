"""Which case actions a person confirms before they run, and the consequence they are shown (the rule lives here
once; the view asks, ``core.actions.ActionView.get_confirmation`` shows it)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.humanize.templatetags.humanize import intcomma

from .models import Case, CaseKind, CaseStatus, DisputeOutcome

# A dispute granted for less than this share of the disputed amount is confirmed first: most likely a typo.
LOW_GRANT_SHARE = Decimal("0.5")


def _money(amount: Decimal) -> str:
    return f"${intcomma(f'{amount:.2f}')}"


def dispute_low_grant_consequence(case: Case, *, outcome: str, granted_amount: Decimal | None) -> str:
    """ "You are granting $100.00 of $208,866.00 claimed (0.05 %)…" when a dispute is Granted for under half of what
    was disputed; empty otherwise."""
    dispute = getattr(case, "dispute", None) if case.kind == CaseKind.DISPUTE else None
    if dispute is None or outcome != DisputeOutcome.GRANTED or granted_amount is None or not dispute.disputed_amount:
        return ""
    share = granted_amount / dispute.disputed_amount
    if share >= LOW_GRANT_SHARE:
        return ""
    return (
        f"You are granting {_money(granted_amount)} of {_money(dispute.disputed_amount)} claimed "
        f"({share * 100:.2f} %) and resolving {case.reference}. The participant is told the dispute was Granted."
    )


def case_withdraw_consequence(case: Case) -> str:
    what = "dispute" if case.kind == CaseKind.DISPUTE else "case"
    return (
        f"Withdrawing {case.reference} ends this {what} without a resolution: the SLA clock stops, the participant "
        f"is told, and it cannot be reopened."
        + (" The dispute's outcome becomes Withdrawn." if case.kind == CaseKind.DISPUTE else "")
    )


def transition_consequence(case: Case, data: dict) -> tuple[str, str]:
    """(the consequence, the confirming button's label) of moving ``case`` as ``data`` (a valid transition form's
    ``cleaned_data``) asks; ``("", "")`` when nothing needs confirming."""
    to_status = data.get("to_status")
    if to_status == CaseStatus.RESOLVED:
        message = dispute_low_grant_consequence(
            case, outcome=data.get("outcome", ""), granted_amount=data.get("granted_amount")
        )
        if message:
            return message, f"Yes, grant {_money(data['granted_amount'])}"
    if to_status == CaseStatus.WITHDRAWN:
        return case_withdraw_consequence(case), f"Yes, withdraw {case.reference}"
    return "", ""
