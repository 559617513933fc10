"""Settings of the Celery workers and beat that the fault-injection tests (and ``bench/delivery_faults.py``) start.

The base settings as they are, so the delivery knobs keep their production defaults (``EMAIL_TIMEOUT``,
``NOTICE_CLAIM_TIMEOUT_SECONDS``, ``OUTBOX_SWEEP_SECONDS``, ``OUTBOX_STALLED_SECONDS``, the Celery broker options)
unless the environment sets them; DEBUG off; and a beat that runs only the outbox sweep, so no other periodic
task writes to the test database or mails the sink.
"""

from ercot_services.settings.base import *  # noqa: F403
from ercot_services.settings.base import CELERY_BEAT_SCHEDULE as _SCHEDULE

DEBUG = False
CELERY_BEAT_SCHEDULE = {"sweep-outboxes": _SCHEDULE["sweep-outboxes"]}
