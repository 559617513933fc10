"""Celery tasks of the accounts app: the participant summary's midnight roll and nightly rebuild, and the
quarterly access reviews."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="accounts.roll_participant_summaries")
def roll_participant_summaries() -> int:
    """Just after local midnight: recount what changes with the date alone (items becoming overdue, notices
    leaving the 90-day window). The SLA states roll with ``scan_case_slas``."""
    from .services import participant_summaries_roll

    return participant_summaries_roll()


@shared_task(name="accounts.rebuild_participant_summaries")
def rebuild_participant_summaries() -> int:
    """Nightly: recompute every summary row from the source rows, fix the ones that drifted and log each fix.

    Drift means some write moved a counted row without the service that refreshes the summary (a bug, or a row
    changed by hand or by a bulk load), so each one is logged as a warning with the columns that differed.
    """
    from .services import participant_summaries_rebuild

    drift = participant_summaries_rebuild(fix=True)
    for row in drift:
        logger.warning("Participant summary drift fixed: %s", row)
    logger.info("Participant summaries rebuilt: %d row(s) drifted.", len(drift))
    return len(drift)


@shared_task(name="accounts.run_access_reviews")
def run_access_reviews() -> dict:
    """Daily: close the access reviews that are due (suspending whoever was not confirmed) and open this quarter's
    review of every MP that has none yet. Safe to run twice (one review per MP per quarter)."""
    from .services import access_reviews_run

    closed, opened = access_reviews_run()
    logger.info("Access reviews: %d closed, %d opened.", closed, opened)
    return {"closed": closed, "opened": opened}
