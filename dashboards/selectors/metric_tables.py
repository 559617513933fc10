"""The metrics page's tables, one per section, each built from :class:`MetricsData` (the apps' figures): what
is shown, where each figure links (the list it counts) and the CSV header. ``TABLES`` names them for the page and
the CSV export."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from cases.selectors.metrics import AGE_BUCKETS, FINISHED_STATUSES, OTHERS, PENDING, CaseStats, case_queue_url
from cases.selectors.surveys import SurveyStats
from plans.selectors.metrics import FeedbackStats

from .metric_cells import Cell, Table, days, hours, money, num, percent
from .metric_data import MetricsData

# --- by Account Manager: cases (their assignee) and feedback (the MP's current AM) -------------------------------

MANAGER_COLUMNS = [
    "Account Manager",
    "MPs in book",
    "Opened",
    "Closed",
    "Open at end",
    "Median first response",
    "Median resolution",
    "First response in SLA",
    "Resolution in SLA",
    "Feedback",
    "Average rating",
]
MANAGER_CSV_COLUMNS = [
    "Account Manager",
    "MPs in book",
    "Opened",
    "Closed",
    "Open at end",
    "Median first response (business hours)",
    "Median resolution (business hours)",
    "First response in SLA (%)",
    "Resolution in SLA (%)",
    "Feedback",
    "Average rating",
]


def _blank() -> Cell:
    return Cell(None, "—", numeric=True)


def _average(value: float | None) -> Cell:
    """An average rating, two decimals ("—" when there is none)."""
    return Cell(round(value, 2) if value else None, f"{value:.2f}" if value else "—", numeric=True)


def _manager_row(d: MetricsData, key, name: str, manager, stats: CaseStats, fb: FeedbackStats) -> list[Cell]:
    """One AM's row (``manager`` None: the "Other staff / queues" row); the name links to the page scoped to them."""
    scoped_url = f"?{urlencode({**d.f.params, 'manager': key})}" if manager else ""
    book = (
        num(manager.book_size, f"{reverse('workspace:participants')}?account_manager={manager.pk}")
        if manager
        else _blank()
    )
    return [
        Cell(name, url=scoped_url),
        book,
        num(stats.opened, case_queue_url(assignee=key, sort="-created")),
        num(stats.closed, case_queue_url(assignee=key, statuses=FINISHED_STATUSES)),
        num(stats.open, case_queue_url(assignee=key, statuses=("open",), sort="created")),
        hours(stats.fr_p50, not stats.percentiles_exact),
        hours(stats.res_p50, not stats.percentiles_exact),
        percent(stats.fr_met, stats.fr_due),
        percent(stats.res_met, stats.res_due),
        num(fb.count),
        _average(fb.average),
    ]


def _table_managers(d: MetricsData) -> Table:
    cases, (_, feedback) = d.cases, d.feedback
    rows = []
    entries = [(m.user_id, m.user.full_name, m) for m in d.managers]
    entries.append((OTHERS, "Other staff / queues", None))
    totals = CaseStats()
    feedback_total = FeedbackStats()
    for key, name, manager in entries:
        stats = cases.by_assignee.get(key, CaseStats())
        fb = feedback.get(key, FeedbackStats())
        if manager is None and not (stats.opened or stats.closed or stats.open or fb.count):
            continue
        totals.add(stats)
        feedback_total.add(fb)
        rows.append(_manager_row(d, key, name, manager, stats, fb))
    footer = [
        Cell("All", display="All"),
        num(sum(m.book_size for m in d.managers)),
        num(totals.opened),
        num(totals.closed),
        num(totals.open),
        _blank(),
        _blank(),
        percent(totals.fr_met, totals.fr_due),
        percent(totals.res_met, totals.res_due),
        num(feedback_total.count),
        _average(feedback_total.average),
    ]
    return Table(
        "managers",
        "By Account Manager",
        MANAGER_COLUMNS,
        rows,
        footer=footer,
        csv_columns=MANAGER_CSV_COLUMNS,
        note="Cases count for their assignee; feedback for the MP's current Account Manager. Times are business "
        "hours; the medians of the whole are in the response-time table above.",
    )


def _table_weekly(d: MetricsData) -> Table:
    cases = d.cases
    rows = [
        [Cell(week.isoformat(), f"Week of {week:%b %d, %Y}"), num(opened), num(closed)]
        for week, opened, closed in zip(cases.weeks, cases.opened_per_week, cases.closed_per_week, strict=False)
    ]
    footer = [Cell("Total", "Total"), num(sum(cases.opened_per_week)), num(sum(cases.closed_per_week))]
    return Table("weekly", "Cases opened and closed per week", ["Week (Monday)", "Opened", "Closed"], rows, footer)


def _table_response(d: MetricsData) -> Table:
    stats = d.cases.overall
    assignee = d.f.manager_id
    rows = [
        [
            Cell("First response"),
            num(stats.fr_due),
            hours(stats.fr_p50, not stats.percentiles_exact),
            hours(stats.fr_p90, not stats.percentiles_exact),
            percent(stats.fr_met, stats.fr_due),
        ],
        [
            Cell("Resolution"),
            num(stats.res_due, case_queue_url(assignee=assignee, statuses=FINISHED_STATUSES)),
            hours(stats.res_p50, not stats.percentiles_exact),
            hours(stats.res_p90, not stats.percentiles_exact),
            percent(stats.res_met, stats.res_due),
        ],
    ]
    return Table(
        "response",
        "Response and resolution times",
        ["Measure", "Cases in range", "Median (business h)", "90th percentile (business h)", "Within SLA"],
        rows,
        csv_columns=[
            "Measure",
            "Cases in range",
            "Median (business hours)",
            "90th percentile (business hours)",
            "Within SLA (%)",
        ],
        note="Business hours are 08:00–17:00 on Business Days (operator time, holidays excluded); time Waiting on "
        "Participant is not counted. A case counts when its first response or resolution falls in the range.",
    )


def _table_backlog(d: MetricsData) -> Table:
    stats = d.cases.overall
    url = case_queue_url(assignee=d.f.manager_id, statuses=("open",), sort="created")
    rows = [[Cell(label), num(count, url)] for (label, _, _), count in zip(AGE_BUCKETS, stats.backlog, strict=False)]
    as_of = timezone.localtime(d.f.as_of)
    return Table(
        "backlog",
        "Open cases by age",
        ["Age (Business Days since opened)", "Open cases"],
        rows,
        footer=[Cell("Total", "Total"), num(stats.open, url)],
        note=f"Cases open at {as_of:%b %d, %Y %H:%M}, aged in Business Days (weekends and operator holidays "
        "excluded). Links open the queue's open cases, oldest first.",
    )


def _table_disputes(d: MetricsData) -> Table:
    rows = []
    for row in d.disputes:
        if row["outcome"] == PENDING:
            statuses = ("open",)
        else:
            statuses = FINISHED_STATUSES
        url = case_queue_url(assignee=d.f.manager_id, statuses=statuses, kind="dispute")
        rows.append([Cell(row["label"]), num(row["count"], url), money(row["disputed"]), money(row["granted"])])
    footer = [
        Cell("Total", "Total"),
        num(sum(r["count"] for r in d.disputes)),
        money(sum(r["disputed"] for r in d.disputes)),
        money(sum(r["granted"] for r in d.disputes)),
    ]
    return Table(
        "disputes",
        "Disputes by outcome",
        ["Outcome", "Disputes", "Disputed amount", "Granted amount"],
        rows,
        footer,
        note="Decided or withdrawn in the range, and open at the range end.",
    )


def _table_registration(d: MetricsData) -> Table:
    rows_data, total = d.registration
    url = reverse("workspace:applications")
    rows = [
        [
            Cell(row["label"]),
            num(row["submitted"], f"{url}?{urlencode({'status': 'any', 'kind': row['kind']})}"),
            num(row["approved"], f"{url}?{urlencode({'status': 'approved', 'kind': row['kind']})}"),
            num(row["rejected"], f"{url}?{urlencode({'status': 'rejected', 'kind': row['kind']})}"),
            days(row["median_days"]),
        ]
        for row in rows_data
    ]
    footer = [
        Cell("All", "All"),
        num(total["submitted"]),
        num(total["approved"]),
        num(total["rejected"]),
        days(total["median_days"]),
    ]
    return Table(
        "registration",
        "Registration throughput",
        ["Application", "Submitted", "Approved", "Rejected", "Median days submitted → decided"],
        rows,
        footer,
        csv_columns=["Application", "Submitted", "Approved", "Rejected", "Median days submitted to decided"],
        note="Submitted, approved and rejected in the range; the cycle time is over decisions in the range "
        "(calendar days).",
    )


def _table_qualification(d: MetricsData) -> Table:
    stats = d.qualification
    letters = reverse("workspace:letters")
    flights = reverse("workspace:flights")
    rows = [
        [Cell("Enrollments in a testing Flight"), num(stats["enrolled"], flights)],
        [Cell("Testing completed successfully"), num(stats["passed"], flights)],
        [Cell("Testing not completed"), num(stats["failed"], flights)],
        [Cell("Qualification letters issued"), num(stats["letters"], letters)],
        [Cell("Median days enrollment → letter"), days(stats["median_days"])],
    ]
    return Table(
        "qualification",
        "Qualification throughput",
        ["Measure", "Value"],
        rows,
        note="Flight results by testing date, letters by issue date. The cycle time is in calendar days and leaves "
        "out enrollments recorded after their letter was issued.",
    )


def _table_notices(d: MetricsData) -> Table:
    url = reverse("workspace:notice-list")
    rows = [
        [
            Cell(row["notice_type__name"]),
            num(row["count"], f"{url}?{urlencode({'status': 'published', 'type': row['notice_type__slug']})}"),
        ]
        for row in d.notices
    ]
    return Table(
        "notices",
        "Notices published by type",
        ["Notice type", "Published"],
        rows,
        footer=[Cell("Total", "Total"), num(sum(r["count"] for r in d.notices))],
        note="Market notices go to the whole market: the Account Manager filter does not apply.",
        empty="No notice was published in this range.",
    )


def _table_deliveries(d: MetricsData) -> Table:
    stats = d.deliveries
    rows = [
        [Cell("Delivered"), num(stats["delivered"])],
        [Cell("Bounced (hard bounce after sending)"), num(stats["bounced"])],
        [Cell("Failed to send"), num(stats["failed"])],
        [Cell("Pending"), num(stats["pending"])],
    ]
    return Table(
        "deliveries",
        "Notice email delivery",
        ["Result", "Emails"],
        rows,
        footer=[Cell("Success rate (%)", "Success rate"), percent(stats["delivered"], stats["finished"])],
        note="Emails of the notices published in the range. Success = delivered ÷ (sent + failed).",
    )


def _table_feedback(d: MetricsData) -> Table:
    overall, _ = d.feedback
    rows = [
        [Cell(rating, f"{rating} / 5", numeric=True), num(count), percent(count, overall.count)]
        for rating, count in zip(range(1, 6), overall.distribution, strict=False)
    ]
    return Table(
        "feedback",
        "Feedback ratings",
        ["Rating", "Responses", "Share"],
        rows,
        csv_columns=["Rating", "Responses", "Share (%)"],
        footer=[
            Cell("Average", "Average"),
            _average(overall.average),
            num(overall.count),
        ],
    )


def _table_channels(d: MetricsData) -> Table:
    rows = [
        [
            Cell(row["label"]),
            num(row["count"]),
            _average(row["average"]),
        ]
        for row in d.channels
    ]
    return Table("feedback-channels", "Feedback by channel", ["Channel", "Responses", "Average rating"], rows)


SURVEY_COLUMNS = ["Surveys sent", "Answered", "Response rate", "Average score"]
SURVEY_CSV_COLUMNS = ["Surveys sent", "Answered", "Response rate (%)", "Average score"]


def _survey_cells(stats: SurveyStats) -> list[Cell]:
    return [num(stats.sent), num(stats.answered), percent(stats.answered, stats.sent), _average(stats.average)]


def _table_surveys_managers(d: MetricsData) -> Table:
    """Satisfaction per Account Manager: the case's assignee when it was resolved (cases.selectors.surveys)."""
    figures = d.surveys
    entries = [(m.user_id, m.user.full_name, m) for m in d.managers]
    entries.append((OTHERS, "Other staff / queues", None))
    rows = []
    for key, name, manager in entries:
        stats = figures.by_manager.get(key, SurveyStats())
        if manager is None and not stats.sent:
            continue
        scoped_url = f"?{urlencode({**d.f.params, 'manager': key})}" if manager else ""
        rows.append([Cell(name, url=scoped_url), *_survey_cells(stats)])
    total = SurveyStats()
    for stats in figures.by_manager.values():
        total.add(stats)
    return Table(
        "surveys-managers",
        "Satisfaction by Account Manager",
        ["Account Manager", *SURVEY_COLUMNS],
        rows,
        footer=[Cell("All", "All"), *_survey_cells(total)],
        csv_columns=["Account Manager", *SURVEY_CSV_COLUMNS],
        note="Surveys sent in the range (one per resolved case, answers 1–5), counted for the case's assignee when it "
        "was resolved. Response rate = answered ÷ sent.",
    )


def _table_surveys_categories(d: MetricsData) -> Table:
    figures = d.surveys
    rows = [[Cell(name), *_survey_cells(stats)] for name, stats in figures.by_category]
    return Table(
        "surveys-categories",
        "Satisfaction by category",
        ["Category", *SURVEY_COLUMNS],
        rows,
        footer=[Cell("All", "All"), *_survey_cells(figures.overall)],
        csv_columns=["Category", *SURVEY_CSV_COLUMNS],
        note="The case's category when it was resolved.",
        empty="No satisfaction survey was sent in this range.",
    )


def _table_training(d: MetricsData) -> Table:
    rows = [
        [
            Cell(row["participant__roles__code"] or "No market role"),
            num(row["participants"]),
            num(row["enrolled"]),
            percent(row["present"], row["enrolled"]),
            percent(row["present"], row["present"] + row["absent"]),
        ]
        for row in d.training
    ]
    delivered = d.training_delivered
    return Table(
        "training",
        "Training by market role",
        ["Market role", "MPs", "Seats taken", "Completed (attended)", "Attendance of those recorded"],
        rows,
        csv_columns=["Market role", "MPs", "Seats taken", "Completed (%)", "Attendance recorded (%)"],
        footer=[
            Cell("Delivered", f"Delivered: {delivered['sessions']} sessions of {delivered['courses']} courses"),
            num(delivered["sessions"], reverse("workspace:course-sessions") + "?show=all"),
            _blank(),
            _blank(),
            _blank(),
        ],
        note="Sessions that started in the range and were not cancelled. An enrolment counts for every market role "
        "of its MP. Completed = marked present by the instructor.",
        empty="No course session was delivered in this range.",
    )


def _deflection_row(row) -> list[Cell]:
    return [
        Cell(row.category),
        num(row.shown),
        num(row.answered),
        num(row.filed),
        percent(row.answered, row.answered + row.filed),
    ]


def _table_deflection(d: MetricsData) -> Table:
    """The knowledge base's suggestions on the portal's inquiry form: answered without a case, or filed anyway."""
    figures = d.deflections
    return Table(
        "deflection",
        "Knowledge base deflection",
        ["Category", "Articles shown", "Answered (no case)", "Filed anyway", "Deflection rate"],
        [_deflection_row(row) for row in figures.rows],
        csv_columns=["Category", "Articles shown", "Answered (no case)", "Filed anyway", "Deflection rate (%)"],
        footer=_deflection_row(figures.total) if figures.rows else None,
        note="Inquiries written in the portal while articles were suggested. Rate = answered ÷ (answered + filed).",
    )


TABLES = {
    "managers": _table_managers,
    "weekly": _table_weekly,
    "response": _table_response,
    "backlog": _table_backlog,
    "disputes": _table_disputes,
    "registration": _table_registration,
    "qualification": _table_qualification,
    "notices": _table_notices,
    "deliveries": _table_deliveries,
    "feedback": _table_feedback,
    "feedback-channels": _table_channels,
    "surveys-managers": _table_surveys_managers,
    "surveys-categories": _table_surveys_categories,
    "training": _table_training,
    "deflection": _table_deflection,
}
