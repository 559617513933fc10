"""Satisfaction surveys read: a case's surveys (the staff case page) and the metrics' figures.

The figures cover the surveys **sent** in the range (a survey answered after the range still counts for the range it
was sent in, so the response rate is answered ÷ sent of the same surveys). A survey belongs to the Account Manager
who was the case's assignee at resolution (the same attribution as the case metrics; other staff and queues are
:data:`OTHERS`) and to the case's category at resolution. One grouped query, whatever the number of surveys.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from ercot_services.core.metrics import MetricsFilter, ratio

from ..models import Case, CaseSurvey
from .metrics import OTHERS


def case_surveys(case: Case) -> list[CaseSurvey]:
    """The case's surveys, the latest resolution first (one query)."""
    return list(CaseSurvey.objects.filter(case=case).order_by("-resolution_number"))


@dataclass
class SurveyStats:
    sent: int = 0
    answered: int = 0
    total: int = 0

    def add(self, other: SurveyStats) -> None:
        self.sent += other.sent
        self.answered += other.answered
        self.total += other.total

    @property
    def average(self) -> float | None:
        return self.total / self.answered if self.answered else None

    @property
    def response_rate(self) -> float | None:
        return ratio(self.answered, self.sent)


@dataclass
class SurveyFigures:
    overall: SurveyStats
    by_manager: dict[object, SurveyStats]
    #: ``(category name, stats)`` by name; scoped to the chosen Account Manager when there is one.
    by_category: list[tuple[str, SurveyStats]]


def survey_figures(f: MetricsFilter, manager_user_ids: set[int]) -> SurveyFigures:
    rows = (
        CaseSurvey.objects.filter(f.in_range("sent_at"))
        .values("account_manager_id", "category__name")
        .annotate(
            sent=Count("pk"),
            answered=Count("pk", filter=Q(answered_at__isnull=False)),
            total=Sum("score", filter=Q(answered_at__isnull=False)),
        )
        .order_by()
    )
    by_manager: dict[object, SurveyStats] = defaultdict(SurveyStats)
    by_category: dict[str, SurveyStats] = defaultdict(SurveyStats)
    overall = SurveyStats()
    for row in rows:
        stats = SurveyStats(row["sent"], row["answered"], row["total"] or 0)
        am = row["account_manager_id"]
        by_manager[am if am in manager_user_ids else OTHERS].add(stats)
        if f.manager_id is None or am == f.manager_id:
            by_category[row["category__name"]].add(stats)
            overall.add(stats)
    return SurveyFigures(overall, dict(by_manager), sorted(by_category.items()))
