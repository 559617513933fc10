"""What cases tells the apps above it (they subscribe in their ``AppConfig.ready``; cases imports none of them).

- ``survey_answered`` is sent inside the answer's transaction, once per survey, with ``survey`` (a ``CaseSurvey``)
  and ``now``: a receiver that writes joins that transaction, so the answer and what it causes commit together.
- ``inquiry_filed``: a participant user filed an inquiry from the portal form; sent with ``case``, ``actor`` and
  ``data`` (the form's POST, with whatever fields other apps put in the form, e.g. the knowledge base's suggested
  article ids). Receivers must not fail the filing: the case is already saved (see ``send_inquiry_filed``).
"""

from __future__ import annotations

import logging

from django.dispatch import Signal

logger = logging.getLogger(__name__)

survey_answered = Signal()
inquiry_filed = Signal()


def send_inquiry_filed(*, case, actor, data) -> None:
    for receiver, result in inquiry_filed.send_robust(sender=case.__class__, case=case, actor=actor, data=data):
        if isinstance(result, Exception):
            logger.error("inquiry_filed receiver %r failed for %s", receiver, case.reference, exc_info=result)
