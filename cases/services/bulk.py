"""Bulk actions of the queue: each case through its own service, refusals reported per case."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from accounts.models import User
from ercot_services.core.models import DomainError

from .. import policies
from ..models import Case
from .assignment import case_assign
from .workflow import case_close


@dataclass
class BulkResult:
    done: list[str]
    refused: dict[str, str]


def case_bulk_assign(*, actor: User, cases: Iterable[Case], assignee: User | None, reason: str = "") -> BulkResult:
    policies.check_work_case(actor)
    result = BulkResult(done=[], refused={})
    for case in cases:
        try:
            case_assign(actor=actor, case=case, assignee=assignee, reason=reason)
            result.done.append(case.reference)
        except DomainError as error:
            result.refused[case.reference] = str(error)
    return result


def case_bulk_close(*, actor: User, cases: Iterable[Case], reason: str = "") -> BulkResult:
    """Close resolved cases; other cases are reported as refused with the reason, not silently skipped."""
    policies.check_work_case(actor)
    result = BulkResult(done=[], refused={})
    for case in cases:
        try:
            case_close(actor=actor, case=case, reason=reason)
            result.done.append(case.reference)
        except DomainError as error:
            result.refused[case.reference] = str(error)
    return result
