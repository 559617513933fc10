"""Qualification metrics: flights, enrollments and letters, attributed to the MP's current AM."""

from __future__ import annotations

from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.selectors.metrics import book_q
from ercot_services.core.metrics import (
    MetricsFilter,
    PercentileCont,
    duration_days,
    percentile_cont,
    uses_sql_percentiles,
)

from ..models import Enrollment


def qualification_stats(f: MetricsFilter) -> dict:
    """Enrollments made, testing passed/failed, letters issued in the range; median days enrollment → letter."""
    letter_q = f.dates_in_range("letter__issued_on")
    scoped = Enrollment.objects.filter(book_q(f))
    # Enrollments recorded after their letter (history entered after the fact) have no meaningful cycle time.
    timed = letter_q & Q(letter__issued_on__gte=TruncDate("created_at"))
    aggregates = {
        "enrolled": Count("pk", filter=f.in_range("created_at")),
        "passed": Count("pk", filter=Q(result__completed=True) & f.dates_in_range("result__tested_on")),
        "failed": Count("pk", filter=Q(result__completed=False) & f.dates_in_range("result__tested_on")),
        "letters": Count("pk", filter=letter_q),
    }
    if uses_sql_percentiles():
        # The median in the same statement as the counts: one query.
        cycle = ExpressionWrapper(F("letter__issued_on") - TruncDate("created_at"), output_field=DurationField())
        aggregates["median"] = PercentileCont(cycle, 0.5, filter=timed, output_field=DurationField())
        stats = scoped.aggregate(**aggregates)
        stats["median_days"] = duration_days(stats.pop("median"))
    else:
        stats = scoped.aggregate(**aggregates)
        values = [
            (issued_on - timezone.localtime(created_at).date()).days
            for issued_on, created_at in scoped.filter(timed).values_list("letter__issued_on", "created_at")
        ]
        stats["median_days"] = percentile_cont(values, 0.5)
    return stats
