"""Market education settings (README "Market education"): base merges the beat entries into its schedule."""

from celery.schedules import crontab

# Reminders to the people enrolled in a course session starting within a day (idempotent: once per session
# version), every hour at :15.
EDUCATION_BEAT_SCHEDULE = {
    "education-session-reminders": {"task": "education.send_session_reminders", "schedule": crontab(minute=15)},
}
