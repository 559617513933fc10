"""Performance feedback metrics, attributed to the MP's current AM."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
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


@dataclass
class FeedbackFigures:
    """The feedback section: overall (scoped), per current AM (always everyone) and per channel (scoped)."""

    overall: FeedbackStats
    by_manager: dict[object, FeedbackStats]
    channels: list[dict]


def feedback_figures(f: MetricsFilter, manager_user_ids: set[int]) -> FeedbackFigures:
    """Feedback given in the range, in one query grouped by the MP's current AM, the channel and (when an AM is
    chosen) whether the MP is in that AM's book: the per-manager figures read every row, the channels the book's."""
    rows = PerformanceFeedback.objects.filter(f.in_range("created_at")).annotate(am=current_am_user_subquery())
    group = ["am", "channel"]
    if f.manager_id:
        rows = rows.annotate(in_book=ExpressionWrapper(book_q(f), output_field=BooleanField()))
        group.append("in_book")
    rows = (
        rows.values(*group)
        .annotate(
            count=Count("pk"),
            total=Sum("rating"),
            **{f"r{n}": Count("pk", filter=Q(rating=n)) for n in range(1, 6)},
        )
        .order_by()
    )
    by_manager: dict[object, FeedbackStats] = defaultdict(FeedbackStats)
    by_channel: dict[str, FeedbackStats] = defaultdict(FeedbackStats)
    for row in rows:
        stats = FeedbackStats(row["count"], row["total"] or 0, [row[f"r{n}"] for n in range(1, 6)])
        by_manager[row["am"] if row["am"] in manager_user_ids else OTHERS].add(stats)
        if row.get("in_book", True):
            by_channel[row["channel"]].add(stats)
    overall = FeedbackStats()
    if f.manager_id:
        overall.add(by_manager.get(f.manager_id, FeedbackStats()))
    else:
        for stats in by_manager.values():
            overall.add(stats)
    channels = [
        {
            "channel": value,
            "label": label,
            "count": by_channel[value].count,
            "average": by_channel[value].average,
        }
        for value, label in FeedbackChannel.choices
    ]
    return FeedbackFigures(overall, dict(by_manager), channels)


def feedback_by_manager(f: MetricsFilter, manager_user_ids: set[int]) -> tuple[FeedbackStats, dict]:
    """Feedback given in the range, per current AM of the MP (always everyone) and overall (scoped)."""
    figures = feedback_figures(f, manager_user_ids)
    return figures.overall, figures.by_manager


def feedback_by_channel(f: MetricsFilter) -> list[dict]:
    """Feedback given in the range by the MPs in the filter's scope, per channel."""
    return feedback_figures(f, set()).channels
