"""The metrics page's data: each section's figures from the selector of the app that owns them, computed once."""

from __future__ import annotations

from accounts.models import AccountManager
from accounts.selectors.metrics import managers
from cases.selectors.metrics import CaseMetrics, case_metrics, dispute_rows
from cases.selectors.surveys import SurveyFigures, survey_figures
from education.selectors.metrics import training_by_role, training_delivered
from ercot_services.core.metrics import MetricsFilter
from notices.selectors.metrics import delivery_stats, notice_rows
from plans.selectors.metrics import FeedbackFigures, FeedbackStats, feedback_figures
from qualification.selectors.metrics import qualification_stats
from registration.selectors.metrics import registration_rows


class MetricsData:
    """The sections' query results, each computed on first use (a CSV export runs only what its table needs)."""

    def __init__(self, f: MetricsFilter, managers: list[AccountManager] | None = None):
        """``managers``: the Account Managers (``accounts.selectors.metrics.managers()``) if the caller has them."""
        self.f = f
        self._cache: dict[str, object] = {} if managers is None else {"managers": managers}

    def _get(self, name, compute):
        if name not in self._cache:
            self._cache[name] = compute()
        return self._cache[name]

    @property
    def managers(self) -> list[AccountManager]:
        return self._get("managers", managers)

    @property
    def manager_user_ids(self) -> set[int]:
        return {m.user_id for m in self.managers}

    @property
    def cases(self) -> CaseMetrics:
        return self._get("cases", lambda: case_metrics(self.f, self.manager_user_ids))

    @property
    def disputes(self) -> list[dict]:
        return self._get("disputes", lambda: dispute_rows(self.f, self.cases))

    @property
    def feedback_figures(self) -> FeedbackFigures:
        return self._get("feedback", lambda: feedback_figures(self.f, self.manager_user_ids))

    @property
    def feedback(self) -> tuple[FeedbackStats, dict]:
        return self.feedback_figures.overall, self.feedback_figures.by_manager

    @property
    def channels(self) -> list[dict]:
        return self.feedback_figures.channels

    @property
    def registration(self) -> tuple[list[dict], dict]:
        return self._get("registration", lambda: registration_rows(self.f))

    @property
    def qualification(self) -> dict:
        return self._get("qualification", lambda: qualification_stats(self.f))

    @property
    def notices(self) -> list[dict]:
        return self._get("notices", lambda: notice_rows(self.f))

    @property
    def training(self) -> list[dict]:
        return self._get("training", lambda: training_by_role(self.f))

    @property
    def training_delivered(self) -> dict:
        return self._get("training_delivered", lambda: training_delivered(self.f))

    @property
    def deliveries(self) -> dict:
        return self._get("deliveries", lambda: delivery_stats(self.f))

    @property
    def surveys(self) -> SurveyFigures:
        return self._get("surveys", lambda: survey_figures(self.f, self.manager_user_ids))

    @property
    def deflections(self):
        from education.selectors.knowledge import deflection_metrics

        return self._get("deflections", lambda: deflection_metrics(start=self.f.start_at, end=self.f.end_at))
