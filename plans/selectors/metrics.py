"""Performance feedback metrics, attributed to the MP's current AM."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    Avg,
    Count,
    Q,
    Sum,
)

from accounts.selectors.metrics import book_q, current_am_user_subquery
from cases.selectors.metrics import OTHERS
from ercot_services.core.metrics import (
    MetricsFilter,
)

from ..models import FeedbackChannel, PerformanceFeedback


@dataclass
class FeedbackStats:
    count: int = 0
    total: int = 0
    distribution: list[int] = field(default_factory=lambda: [0] * 5)

    @property
    def average(self) -> float | None:
        return self.total / self.count if self.count else None

    def add(self, other: FeedbackStats) -> None:
        self.count += other.count
        self.total += other.total
        self.distribution = [a + b for a, b in zip(self.distribution, other.distribution, strict=False)]


def feedback_by_manager(f: MetricsFilter, manager_user_ids: set[int]) -> tuple[FeedbackStats, dict]:
    """Feedback given in the range, per current AM of the MP (always everyone) and overall (scoped)."""
    rows = (
        PerformanceFeedback.objects.filter(f.in_range("created_at"))
        .annotate(am=current_am_user_subquery())
        .values("am")
        .annotate(
            count=Count("pk"),
            total=Sum("rating"),
            **{f"r{n}": Count("pk", filter=Q(rating=n)) for n in range(1, 6)},
        )
        .order_by()
    )
    by_manager: dict[object, FeedbackStats] = defaultdict(FeedbackStats)
    for row in rows:
        key = row["am"] if row["am"] in manager_user_ids else OTHERS
        by_manager[key].add(FeedbackStats(row["count"], row["total"] or 0, [row[f"r{n}"] for n in range(1, 6)]))
    overall = FeedbackStats()
    if f.manager_id:
        overall.add(by_manager.get(f.manager_id, FeedbackStats()))
    else:
        for stats in by_manager.values():
            overall.add(stats)
    return overall, dict(by_manager)


def feedback_by_channel(f: MetricsFilter) -> list[dict]:
    rows = (
        PerformanceFeedback.objects.filter(f.in_range("created_at") & book_q(f))
        .values("channel")
        .annotate(count=Count("pk"), average=Avg("rating"))
        .order_by()
    )
    by_channel = {row["channel"]: row for row in rows}
    return [
        {
            "channel": value,
            "label": label,
            "count": by_channel.get(value, {}).get("count", 0),
            "average": by_channel.get(value, {}).get("average"),
        }
        for value, label in FeedbackChannel.choices
    ]
