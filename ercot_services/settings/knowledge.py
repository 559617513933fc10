"""Knowledge base and market rules settings (README "Knowledge base and market rules"), from the environment."""

import environ as _environ

_env = _environ.Env()

# When a revision request changes status, the requesters of the cases citing it are emailed: every open case, and
# the cases resolved or closed within this many days.
RULE_CHANGE_RECENT_CASE_DAYS = _env.int("RULE_CHANGE_RECENT_CASE_DAYS", default=90)
# A new article is due for review this many days after it is written (its review date, editable per article).
KB_REVIEW_AFTER_DAYS = _env.int("KB_REVIEW_AFTER_DAYS", default=365)
# "Was this helpful?" answers an anonymous browser may give per hour.
KB_ANONYMOUS_VOTES_PER_HOUR = _env.int("KB_ANONYMOUS_VOTES_PER_HOUR", default=10)
