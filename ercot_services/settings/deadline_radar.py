"""Deadline radar settings (README "Deadline radar"; cases/selectors/radar.py, cases/services/deadline_reminders.py):
which disputes count as "recent" and when the reminder email goes out. Base imports them and adds the beat entry."""

import environ as _environ
from celery.schedules import crontab as _crontab

_env = _environ.Env()

# A charge type the MP disputed on an Operating Day within this many days before today is "recently disputed": the
# radar marks the open windows of that statement type and offers to file the same dispute for them.
DISPUTE_RADAR_RECENT_OPERATING_DAYS = _env.int("DISPUTE_RADAR_RECENT_OPERATING_DAYS", default=30)
# The reminder email goes out when such a window closes in exactly this many Business Days.
DISPUTE_REMINDER_BUSINESS_DAYS = _env.int("DISPUTE_REMINDER_BUSINESS_DAYS", default=3)
# How many Operating Days one "file the same dispute" link carries at most (the closing soonest).
DISPUTE_RADAR_MAX_LINK_DAYS = 31

DEADLINE_RADAR_BEAT = {
    "dispute-deadline-reminders": {
        "task": "cases.send_dispute_deadline_reminders",
        "schedule": _crontab(hour=6, minute=45),
    },
}
