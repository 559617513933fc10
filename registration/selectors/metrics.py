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
    """Applications submitted, approved and rejected in the range by kind, with the median days to a decision."""
    decided = f.in_range("decided_at") & Q(
        status__in=[ApplicationStatus.APPROVED, ApplicationStatus.REJECTED], submitted_at__isnull=False
    )
    cycle = ExpressionWrapper(F("decided_at") - F("submitted_at"), output_field=DurationField())
    aggregates = {
        "submitted": Count("pk", filter=f.in_range("submitted_at")),
        "approved": Count("pk", filter=decided & Q(status=ApplicationStatus.APPROVED)),
        "rejected": Count("pk", filter=decided & Q(status=ApplicationStatus.REJECTED)),
    }
    scoped = Application.objects.filter(book_q(f)).filter(f.in_range("submitted_at") | decided)
    sql_percentiles = uses_sql_percentiles()
    if sql_percentiles:
        aggregates["median"] = PercentileCont(cycle, 0.5, filter=decided, output_field=DurationField())
    rows = {row["kind"]: row for row in scoped.values("kind").annotate(**aggregates).order_by()}
    if sql_percentiles:
        whole = scoped.aggregate(median=PercentileCont(cycle, 0.5, filter=decided, output_field=DurationField()))
        medians = {kind: duration_days(row["median"]) for kind, row in rows.items()}
        overall_median = duration_days(whole["median"])
    else:
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
