"""Gunicorn settings (read from the working directory; docker-compose.yml names it): the workers share their metrics.

With ``PROMETHEUS_MULTIPROC_DIR`` set, every worker writes its request counters there and ``/metrics`` adds them up,
whichever worker answers the scrape (README "Logs and metrics"). The master empties the directory at start (counts of
an earlier run must not be added in) and tells prometheus_client when a worker exits. Nothing here imports the
project, so the workers still pick their settings from ``ercot_services.wsgi``.
"""

import os
from pathlib import Path

# Our own access line (ercot_services.request, with the request id) replaces gunicorn's.
accesslog = None


def on_starting(server):
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if path:
        Path(path).mkdir(parents=True, exist_ok=True)
        for stale in Path(path).glob("*.db"):
            stale.unlink(missing_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
