"""Satisfaction survey settings (README "Satisfaction surveys"): base imports them."""

import environ as _environ

_env = _environ.Env()

# A survey link works for this many days after the case is resolved; later it says the survey has closed.
CASE_SURVEY_MAX_AGE_DAYS = _env.int("CASE_SURVEY_MAX_AGE_DAYS", default=30)
# A score at or below this opens a follow-up action item for the MP's Account Manager.
CASE_SURVEY_LOW_SCORE = _env.int("CASE_SURVEY_LOW_SCORE", default=2)
# The follow-up action item is due this many Business Days after the answer.
CASE_SURVEY_FOLLOW_UP_BUSINESS_DAYS = _env.int("CASE_SURVEY_FOLLOW_UP_BUSINESS_DAYS", default=5)
# Answers accepted per client IP and hour (the public form's rate limit).
CASE_SURVEY_RATE_LIMIT = _env.int("CASE_SURVEY_RATE_LIMIT", default=20)
