"""Registration metrics: applications by kind and how long they took, attributed to the MP's current AM."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
)

from accounts.selectors.metrics import book_q
from ercot_services.core.metrics import (
    DAY,
    MetricsFilter,
    PercentileCont,
    duration_days,
    percentile_cont,
    uses_sql_percentiles,
)

from ..models import Application, ApplicationKind, ApplicationStatus


def registration_rows(f: MetricsFilter) -> tuple[list[dict], dict]:
    """Applications submitted, approved and rejected in the range by kind, with the median days to a decision.

    One query on PostgreSQL: every kind's counts and median, and the overall median, are filtered aggregates of one
    statement (a handful of kinds); elsewhere the counts are grouped by kind and the medians computed in Python."""
    decided = f.in_range("decided_at") & Q(
        status__in=[ApplicationStatus.APPROVED, ApplicationStatus.REJECTED], submitted_at__isnull=False
    )
    counted = {
        "submitted": f.in_range("submitted_at"),
        "approved": decided & Q(status=ApplicationStatus.APPROVED),
        "rejected": decided & Q(status=ApplicationStatus.REJECTED),
    }
    scoped = Application.objects.filter(book_q(f)).filter(f.in_range("submitted_at") | decided)
    if uses_sql_percentiles():
        cycle = ExpressionWrapper(F("decided_at") - F("submitted_at"), output_field=DurationField())

        def median(q: Q) -> PercentileCont:
            return PercentileCont(cycle, 0.5, filter=q, output_field=DurationField())

        aggregates = {"median": median(decided)}
        for kind in ApplicationKind.values:
            of_kind = Q(kind=kind)
            aggregates |= {f"{name}_{kind}": Count("pk", filter=q & of_kind) for name, q in counted.items()}
            aggregates[f"median_{kind}"] = median(decided & of_kind)
        figures = scoped.aggregate(**aggregates)
        rows = {kind: {name: figures[f"{name}_{kind}"] for name in counted} for kind in ApplicationKind.values}
        medians = {kind: duration_days(figures[f"median_{kind}"]) for kind in ApplicationKind.values}
        overall_median = duration_days(figures["median"])
    else:
        aggregates = {name: Count("pk", filter=q) for name, q in counted.items()}
        rows = {row["kind"]: row for row in scoped.values("kind").annotate(**aggregates).order_by()}
        samples = defaultdict(list)
        for kind, submitted_at, decided_at in scoped.filter(decided).values_list("kind", "submitted_at", "decided_at"):
            samples[kind].append((decided_at - submitted_at).total_seconds() / DAY)
        medians = {kind: percentile_cont(values, 0.5) for kind, values in samples.items()}
        overall_median = percentile_cont([v for values in samples.values() for v in values], 0.5)
    result = []
    for value, label in ApplicationKind.choices:
        row = rows.get(value, {})
        result.append(
            {
                "kind": value,
                "label": label,
                "submitted": row.get("submitted", 0),
                "approved": row.get("approved", 0),
                "rejected": row.get("rejected", 0),
                "median_days": medians.get(value),
            }
        )
    total = {
        "submitted": sum(r["submitted"] for r in result),
        "approved": sum(r["approved"] for r in result),
        "rejected": sum(r["rejected"] for r in result),
        "median_days": overall_median,
    }
    return result, total
