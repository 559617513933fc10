"""What cases tells the apps above it (they subscribe in their ``AppConfig.ready``; cases imports none of them).

``survey_answered`` is sent inside the answer's transaction, once per survey, with ``survey`` (a ``CaseSurvey``)
and ``now``: a receiver that writes joins that transaction, so the answer and what it causes commit together.
"""

from django.dispatch import Signal

survey_answered = Signal()
