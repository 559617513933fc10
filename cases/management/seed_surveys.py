"""Demo data: answers to some of the satisfaction surveys the seeded resolutions sent (``seed_cases`` calls it).

Every resolution already sent its survey (the workflow does); here about half are answered, mostly satisfied, a few
not (a score of 1 or 2 opens the Account Manager's follow-up action item, as in production). Deterministic: its
own random source, surveys in primary-key order.
"""

from __future__ import annotations

import datetime
import random

from ..models import CaseSurvey
from ..services.surveys import survey_answer, survey_token

COMMENTS = {
    1: ["We had to ask three times before anyone answered."],
    2: ["The answer came after the deadline we mentioned."],
    3: [""],
    4: ["Clear answer, thank you.", ""],
    5: ["Quick and complete, thank you!", "Very helpful, as always.", ""],
}


def seed_survey_answers(rng: random.Random, now: datetime.datetime) -> int:
    answered = 0
    for survey in CaseSurvey.objects.filter(answered_at__isnull=True).select_related("case").order_by("pk"):
        if rng.random() >= 0.5:
            continue
        score = rng.choices([1, 2, 3, 4, 5], weights=[4, 6, 12, 38, 40])[0]
        at = min(survey.sent_at + datetime.timedelta(hours=rng.uniform(1, 72)), now)
        survey_answer(actor=None, token=survey_token(survey), score=score, comment=rng.choice(COMMENTS[score]), now=at)
        answered += 1
    return answered
